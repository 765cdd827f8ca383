"""The Segments step end to end on demo data with known behaviours, and its CLI."""

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from app.cli import main
from core.demo import generate
from core.errors import ColumnError, LocalReachError
from core.io import read_table
from core.segment import clustering
from core.segment.features import (
    DEFAULT_MODEL_FEATURES,
    FeatureConfig,
    build_features,
    model_matrix,
)
from core.segment.pipeline import NO_PURCHASES, OUTPUT_COLUMNS, SegmentConfig, segment_customers

TRUE_K = 6


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    generate(out, customers=1000, seed=5)
    crm, _ = read_table(out / "crm.xlsx")
    sales, _ = read_table(out / "sales.csv")
    truth = pd.read_csv(out / "truth.csv", dtype=str, keep_default_na=False)
    return out, crm, sales, truth


@pytest.fixture(scope="module")
def deduped(demo):
    """The CRM as `localreach dedupe` would leave it at best: cluster_id = the true person."""
    _, crm, sales, truth = demo
    crm = crm.copy()
    crm["cluster_id"] = crm["customer_id"].map(dict(zip(truth["customer_id"],
                                                        truth["person_id"], strict=True)))
    behaviour = dict(zip(truth["person_id"], truth["behaviour"], strict=True))
    return crm, sales, behaviour


def test_kmeans_recovers_the_latent_behaviours(deduped):
    crm, sales, behaviour = deduped
    table = build_features(crm, sales, FeatureConfig()).table
    x = model_matrix(table, DEFAULT_MODEL_FEATURES)
    truth = table.index.map(behaviour)
    with threadpool_limits(1):
        choice = clustering.choose_k(x, "kmeans")
        labels = clustering.fit_labels(x, "kmeans", TRUE_K)
        ward = clustering.fit_labels(x, "hierarchical", TRUE_K)
    assert abs(choice.proposed - TRUE_K) <= 1, choice.table
    assert choice.reason.startswith(f"{choice.proposed} groups: one more group would explain")
    assert set(choice.table.columns) >= {"k", "spread", "silhouette", "calinski_harabasz",
                                         "davies_bouldin", "gain_next"}
    # Measured 0.875 (k-means) and 0.874 (Ward) on this data set; over demo seeds 0-4
    # (bench/segment_ari_bench.py) k-means ranged 0.83-0.88 (mean 0.86) and Ward 0.78-0.88
    # (mean 0.84) at the true k.
    assert adjusted_rand_score(truth, labels) >= 0.85
    assert adjusted_rand_score(truth, ward) >= 0.85


def test_segment_keeps_every_row_and_adds_documented_columns(deduped):
    crm, sales, _ = deduped
    with threadpool_limits(1):
        out, report = segment_customers(crm, sales, SegmentConfig(method="kmeans", k=TRUE_K,
                                                                  stability_rounds=2))
    assert out.iloc[:, :crm.shape[1]].equals(crm.reset_index(drop=True))
    assert list(out.columns) == list(crm.columns) + list(OUTPUT_COLUMNS)
    # Records of one person share one segment and one set of figures.
    per_person = out.groupby("cluster_id")[["segment", "frequency"]].nunique()
    assert (per_person == 1).all().all()
    assert report["k"] == TRUE_K
    assert set(report["sizes"]["segment"]) == {f"Group {g}" for g in range(1, 7)}
    assert report["k_choice"]["proposed"] in (5, 6, 7)
    assert 0.6 <= report["stability"] <= 1.0
    assert report["crosstab"].to_numpy().sum() == report["buyers"]
    assert report["map"].shape == (report["buyers"], 3)
    assert set(report["value_model"]) == {"bgnbd", "gamma_gamma", "note"}
    bought = sales.groupby("customer_id")["product"].apply(set)
    persons = out.groupby("cluster_id")["customer_id"].apply(list)
    for person, ids in persons.items():
        owned = set().union(*(bought.get(i, set()) for i in ids))
        pick = out.loc[out["cluster_id"] == person, "next_best_product"].iloc[0]
        assert pick == "" or pick not in owned


def test_holdout_check_on_the_demo(deduped):
    """Fit on the first 18 months, check on the last 6: the placed orders are recounted here."""
    crm, sales, _ = deduped
    as_of, until = "2025-06-30", "2025-12-31"
    with threadpool_limits(1):
        _, report = segment_customers(crm, sales, SegmentConfig(as_of=as_of, check_until=until))
    person = sales["customer_id"].map(dict(zip(crm["customer_id"], crm["cluster_id"],
                                               strict=True)))
    known = set(person[sales["order_date"] <= as_of])
    later = sales[(sales["order_date"] > as_of) & (sales["order_date"] <= until)
                  & person.isin(known)]
    check = report["holdout"]
    assert check["actual"] == later["order_id"].nunique() and check["days"] == 184
    assert check["table"]["people"].sum() == len(known) == report["buyers"]
    # Measured: 1,807 expected against 1,794 placed on this seed (1% high); seeds 1 and 2:
    # 2% and 1% low. Within the verdict's 10% for "it held".
    assert check["predicted"] == pytest.approx(check["actual"], rel=0.10)
    assert "It held" in check["verdict"]


def test_rfm_method_and_people_without_orders(demo):
    _, crm, sales, _ = demo
    with threadpool_limits(1):
        out, report = segment_customers(crm, sales, SegmentConfig())
    no_orders = ~out["customer_id"].isin(set(sales["customer_id"]))
    assert no_orders.sum() == report["no_purchases"] > 0
    assert (out.loc[no_orders, "segment"] == NO_PURCHASES).all()
    assert out.loc[no_orders, "rfm_score"].isna().all()
    assert report["rfm"]["rules"]["people"].sum() == report["buyers"]
    assert report["rfm"]["problems"] == []
    assert report["rfm"]["grid"].to_numpy().sum() == report["buyers"]
    assert "k_choice" not in report
    assert report["map"].shape == (report["buyers"], 3)  # named segments get a map too
    assert set(report["map"]["segment"]) == set(out.loc[~no_orders, "segment"])
    champions = out[out["segment"] == "Champions"]
    assert (champions["rfm_score"].str[0] == "5").all()


def test_bad_configuration_is_one_clear_line(demo):
    _, crm, sales, _ = demo
    with pytest.raises(ColumnError, match="^Unknown feature 'shoe_size'; pick from: "):
        segment_customers(crm, sales, SegmentConfig(method="kmeans", features=["shoe_size"]))
    with pytest.raises(LocalReachError, match="^The number of groups must be between 2 and 30"):
        segment_customers(crm, sales, SegmentConfig(method="kmeans", k=1))
    with pytest.raises(ColumnError, match="^The sales file has no column 'amount'"):
        segment_customers(crm, sales.drop(columns="amount"), SegmentConfig())


def test_cli_writes_every_row_and_refuses_bad_input(demo, tmp_path, capsys):
    folder, crm, _, _ = demo
    out = tmp_path / "segmented.csv"
    code = main(["segment", str(folder / "crm.xlsx"), "--sales", str(folder / "sales.csv"),
                 "-o", str(out)])
    assert code == 0
    written, _ = read_table(out)
    assert written["customer_id"].tolist() == crm["customer_id"].tolist()
    assert "Champions" in set(written["segment"])
    assert capsys.readouterr().out.startswith(f"{len(crm):,} people, ")
    bad = tmp_path / "bad.csv"
    code = main(["segment", str(folder / "crm.xlsx"), "--sales", str(folder / "sales.csv"),
                 "-o", str(bad), "--method", "kmeans", "--k", "many"])
    assert code == 2 and not bad.exists()
    assert capsys.readouterr().err.strip() == (
        "localreach segment: --k must be 'auto' or a whole number, not 'many'.")
    code = main(["segment", str(folder / "crm.xlsx"), "-o", str(bad)])
    assert code == 2 and not bad.exists()
    assert capsys.readouterr().err.strip() == (
        "localreach segment: 'crm.xlsx' holds no orders (no 'order_date' column); give the "
        "sales file with --sales.")


def test_sales_linked_to_no_customer_say_so_in_one_line():
    """A till file whose customer numbers match no one on the list (a real import mistake):
    one plain message, not a TypeError from date arithmetic on an empty table."""
    crm = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "first_name": ["Ann", "Bo", "Cy"]})
    sales = pd.DataFrame({"customer_id": ["X9", "X8"], "order_date": ["2025-01-02", "2025-02-03"],
                          "amount": ["10", "20"]})
    with pytest.raises(LocalReachError, match="^No order in the sales file is linked to a customer"):
        segment_customers(crm, sales, SegmentConfig(method="rfm"))
