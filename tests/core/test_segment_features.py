"""Per-person features: text parsing, linking sales to persons, exact figures."""

import numpy as np
import pandas as pd
import pytest

from core.errors import ColumnError, LocalReachError
from core.segment.features import (
    FeatureConfig,
    build_features,
    clean_codes,
    discount_flags,
    model_matrix,
    parse_numbers,
)
from core.segment.pipeline import SegmentConfig, segment_customers

CRM = pd.DataFrame({
    "customer_id": ["A1", "A2", "B1", "C1"],
    "cluster_id": ["p1", "p1", "p2", ""],
    "email": ["ann@x.example", "ann@y.example", "bo@x.example", "cy@x.example"],
})


def test_numbers_in_any_local_format():
    values = pd.Series(["1.234,50", "1,234.50", "€ 12", "12,5", "-3.10", "", "n/a", "1,000"])
    parsed = parse_numbers(values)
    assert parsed.iloc[:5].tolist() == [1234.5, 1234.5, 12.0, 12.5, -3.1]
    assert parsed.iloc[5:7].isna().all() and parsed.iloc[7] == 1000.0


def test_records_of_one_person_are_counted_together():
    sales = pd.DataFrame({
        "order_id": ["o1", "o2", "o2", "o3", "o4", "o5"],
        "customer_id": ["A1", "A2", "A2", "B1", "ZZ", "C1"],
        "order_date": ["2025-01-01", "2025-01-11", "2025-01-11", "2025-01-21", "2025-01-21",
                       "2025-01-30"],
        "amount": ["10", "5", "15", "40", "99", "7"],
        "discount": ["0", "2", "0", "0", "0", "1"],
        "channel": ["store", "online", "online", "store", "store", "app"],
    })
    f = build_features(CRM, sales, FeatureConfig())
    t = f.table
    assert list(t.index) == ["p1", "p2", "id:C1"]
    assert f.person_of_row.tolist() == ["p1", "p1", "p2", "id:C1"]
    assert f.unmatched_sales == 1 and f.as_of == pd.Timestamp("2025-01-31")
    assert t.loc["p1", ["frequency", "monetary", "avg_order_value", "recency_days",
                        "tenure_days", "mean_days_between", "discount_share"]].tolist() == [
        2.0, 30.0, 15.0, 20.0, 30.0, 10.0, 0.5]
    assert t.loc["p1", "channel:online"] == pytest.approx(20 / 30)
    assert t.loc["p2", "mean_days_between"] == t.loc["p2", "tenure_days"] == 10.0


def test_sales_link_by_email_when_there_is_no_customer_id():
    sales = pd.DataFrame({"email": [" ANN@y.example", "bo@x.example"],
                          "order_date": ["2025-01-01", "2025-01-02"], "amount": ["1", "2"]})
    t = build_features(CRM, sales, FeatureConfig()).table
    assert t["orders"].tolist() == [1, 1, 0]


def test_missing_columns_and_features_are_named():
    with pytest.raises(ColumnError, match="^The sales file has no 'customer_id', 'matched_id' "
                       "or 'email' column"):
        build_features(CRM.drop(columns="email"),
                       pd.DataFrame({"order_date": ["2025-01-01"], "amount": ["1"]}),
                       FeatureConfig())
    with pytest.raises(ColumnError, match=r"^No date in the sales column 'order_date' could "
                       r"be read; dates must look like 2025-03-31 \(the Quality step"):
        build_features(CRM, pd.DataFrame({"customer_id": ["A1"], "order_date": ["03.04.2024"],
                                          "amount": ["1"]}), FeatureConfig())
    with pytest.raises(ColumnError, match="^The customer file has no column 'client'"):
        build_features(CRM, None, FeatureConfig(id_column="client"))


def test_model_matrix_scales_and_weighs_mixes_as_one_feature():
    table = pd.DataFrame({"frequency": [1.0, 3.0, 7.0], "channel:a": [1.0, 0.0, 0.5],
                          "channel:b": [0.0, 1.0, 0.5], "channel:c": [0.0, 0.0, 0.0],
                          "orders": [1, 3, 7]})
    x = model_matrix(table, ["frequency", "channel_mix"])
    assert x.shape == (3, 4)
    assert x[:, 0].std() == pytest.approx(1.0)
    assert x[:, 1].std() == pytest.approx(1 / 3 ** 0.5)
    assert (x[:, 3] == 0).all()


def test_ticked_crm_columns_become_features():
    crm = CRM.assign(region=["North", "North", "South", ""], visits=["3", "3", "10", "1"])
    sales = pd.DataFrame({"customer_id": ["A1", "B1", "C1"], "amount": ["5", "6", "7"],
                          "order_date": ["2025-01-01", "2025-01-02", "2025-01-03"]})
    t = build_features(crm, sales, FeatureConfig(crm_columns=["region", "visits"])).table
    assert t["visits"].tolist() == [3.0, 10.0, 1.0]
    assert t[["region:(empty)", "region:North", "region:South"]].to_numpy().tolist() == [
        [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert model_matrix(t, ["visits", "region"]).shape == (3, 4)
    with pytest.raises(ColumnError, match="^The customer file has no column 'shoe'"):
        build_features(crm, sales, FeatureConfig(crm_columns=["shoe"]))


def test_discounts_from_amounts_rates_or_yes_no_flags():
    values = pd.Series(["0", "2.50", "yes", "No", "", "TRUE", "0,00", "10%", "n"])
    assert discount_flags(values).tolist() == [False, True, True, False, False, True, False,
                                               True, False]
    sales = pd.DataFrame({"customer_id": ["A1", "A1", "B1"], "amount": ["5", "6", "7"],
                          "order_date": ["2025-01-01", "2025-01-02", "2025-01-03"],
                          "discount_used": ["yes", "no", "Y"]})
    t = build_features(CRM, sales, FeatureConfig()).table
    assert t["discount_share"].tolist()[:2] == [0.5, 1.0]


def test_same_day_lines_without_an_order_id_are_one_order_and_as_of_cuts():
    sales = pd.DataFrame({"customer_id": ["A1", "A1", "A1", "B1", "B1"],
                          "order_id": ["", "", "", "o7", "o8"],
                          "order_date": ["2025-01-01", "2025-01-01", "2025-02-01", "2025-01-05",
                                         "2025-01-05"],
                          "amount": ["5", "6", "10", "7", "8"]})
    f = build_features(CRM, sales, FeatureConfig(as_of="2025-01-31"))
    assert f.table["frequency"].tolist()[:2] == [1.0, 2.0]   # B1's two order ids stay two
    assert f.table["monetary"].tolist()[:2] == [11.0, 15.0]
    assert f.table.loc["p2", "repeat_order_value"] == 8.0
    assert f.later["person"].tolist() == ["p1"] and f.table["recency_days"].min() >= 0
    with pytest.raises(LocalReachError, match="^The analysis date 'soon' is not a date like"):
        build_features(CRM, sales, FeatureConfig(as_of="soon"))


def test_shares_of_few_orders_are_shrunk_towards_the_base_in_the_model():
    # One order in the busy season is weak evidence: 2 prior orders at the base's share.
    table = pd.DataFrame({"peak_season_share": [1.0, 0.0, 0.5], "orders": [1, 1, 4]})
    base = (1 + 0 + 2) / 6
    shrunk = [(1 + 2 * base) / 3, 2 * base / 3, (2 + 2 * base) / 6]
    x = model_matrix(table, ["peak_season_share"])[:, 0]
    expected = (pd.Series(shrunk) - pd.Series(shrunk).mean()) / pd.Series(shrunk).std(ddof=0)
    assert x == pytest.approx(expected.to_numpy())


@pytest.mark.parametrize("method", ["rfm", "kmeans"])
def test_a_sales_file_without_channel_category_or_discount_still_segments(method):
    ids = [f"C{i}" for i in range(30)]
    crm = pd.DataFrame({"customer_id": ids})
    sales = pd.DataFrame({"customer_id": ids * 2, "amount": [str(5 + i) for i in range(60)],
                          "order_date": [f"2025-01-{1 + i % 28:02d}" for i in range(60)]})
    out, report = segment_customers(crm, sales, SegmentConfig(method=method, k=3,
                                                              stability_rounds=1))
    assert out["segment"].notna().all() and report["buyers"] == 30
    assert (out["next_best_product"] == "").all()


def test_sales_dates_are_read_as_the_date_parser_reads_them():
    # year first in any spelling the parser reads; a day-first date is not guessed but counted
    sales = pd.DataFrame({"customer_id": ["A1", "A1", "B1", "B1"],
                          "order_date": ["2025/01/01", "20250111", "2025-01-21T09:30:00", "21.01.2025"],
                          "amount": ["10", "5", "40", "3"]})
    f = build_features(CRM, sales, FeatureConfig())
    assert f.sales["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-01", "2025-01-11", "2025-01-21"]
    assert f.as_of == pd.Timestamp("2025-01-22 09:30")
    assert f.table.loc["p1", "tenure_days"] == 21.0 and f.table.loc["p2", "monetary"] == 40.0


@pytest.mark.parametrize("values, lower, codes, distinct", [
    (["O2", "O1", "O2"], False, [0, 1, 0], ["O2", "O1"]),  # clean already: numbered by first appearance
    (["O2", " O2", "", None, "o1"], False, [0, 0, -1, -1, 1], ["O2", "o1"]),
    (["O2", " o2", "O1 "], True, [0, 0, 1], ["o2", "o1"]),
    ([], False, [], []),
])
def test_clean_codes_number_the_trimmed_values(values, lower, codes, distinct):
    got_codes, got_distinct = clean_codes(pd.Series(values, dtype=object), lower)
    assert got_codes.tolist() == codes
    assert got_distinct.tolist() == distinct


@pytest.mark.parametrize("kind", ["few", "ids", "few here, many there"])
def test_factorize_few_gives_what_pandas_gives(kind):
    """Its hash table sized from a sample; the codes and values must not depend on it."""
    from core.segment.features import factorize_few

    rng = np.random.default_rng(7)
    n = 60_000
    if kind == "few":
        values = rng.choice(np.array(["Tent", "Stove", "Lamp", None], dtype=object), n)
    elif kind == "ids":
        values = np.array([f"C{i}" for i in rng.permutation(n)], dtype=object)
    else:  # the sample sees 2 values; 20,000 distinct ones sit between its picks
        values = np.array(["a", "b"] * (n // 2), dtype=object)
        values[1::3] = [f"x{i}" for i in range(len(values[1::3]))]
    codes, uniques = factorize_few(values)
    want_codes, want_uniques = pd.factorize(values)
    assert codes.tolist() == want_codes.tolist()
    assert list(uniques) == list(want_uniques)
