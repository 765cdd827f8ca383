"""Golden records by survivorship rules, and the chain guard of clustering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.dedupe.clusters import cluster
from core.dedupe.golden import (
    GoldenConfig,
    golden_records,
    record_date_column,
    record_source_column,
    source_preference,
)
from core.errors import ColumnError

RECORDS = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4"],
    "first_name": ["Rob", "Robert", "Robert", "Anna"],
    "email": ["", "rob@web.de", "robert@gmx.de", "anna@web.de"],
    "city": ["Berlin", "Berlin", "Hamburg", "Köln"],
    "updated": ["2023-01-05", "2021-06-30", "2024-02-01", "2020-01-01"],
    "source": ["shop", "newsletter", "shop", "shop"],
})
CLUSTERS = pd.Series(["1", "1", "1", "2"])


def test_most_frequent_and_most_recent_with_provenance():
    config = GoldenConfig(rule="most_frequent", per_column={"email": "most_recent"},
                          date_column="updated")
    golden, provenance = golden_records(RECORDS, CLUSTERS, config)
    assert golden.to_dict("records")[0] == {
        "cluster_id": "1", "records": 3, "customer_id": "C1", "first_name": "Robert",
        "email": "robert@gmx.de", "city": "Berlin", "updated": "2023-01-05", "source": "shop"}
    assert golden["first_name"].tolist() == ["Robert", "Anna"]
    email = provenance[(provenance["cluster_id"] == "1") & (provenance["column"] == "email")]
    assert email[["row", "rule"]].values.tolist() == [[2, "most_recent"]]
    assert len(provenance) == 2 * RECORDS.shape[1]


def test_preferred_source_and_empty_values_never_win():
    config = GoldenConfig(rule="preferred_source", source_column="source",
                          source_order=["newsletter", "shop"])
    golden, _ = golden_records(RECORDS, CLUSTERS, config)
    assert golden.loc[0, "customer_id"] == "C2"
    config = GoldenConfig(rule="most_complete")
    golden, _ = golden_records(RECORDS, CLUSTERS, config)
    assert golden.loc[0, "email"] == "rob@web.de"


def test_rules_that_need_a_column_say_so():
    with pytest.raises(ColumnError, match="'Most recent' needs a date column"):
        golden_records(RECORDS, CLUSTERS, GoldenConfig(rule="most_recent"))
    with pytest.raises(ColumnError, match="Unknown survivorship rule 'newest'"):
        golden_records(RECORDS, CLUSTERS, GoldenConfig(rule="newest"))


def test_chain_guard_keeps_clearly_different_people_apart():
    # A~B and B~C are strong, but A and C are clearly different people.
    a, b = np.array([0, 1, 3]), np.array([1, 2, 4])
    prob = np.array([0.99, 0.95, 0.97])

    def check(x, y):
        return np.array([{i, j} == {0, 2} for i, j in zip(x, y, strict=True)])

    assert cluster(5, a, b, prob, 0.9).tolist() == [0, 0, 0, 1, 1]
    assert cluster(5, a, b, prob, 0.9, check=check).tolist() == [0, 0, 1, 2, 2]
    # Review answers: "different people" splits a pair, "same person" joins one.
    assert cluster(5, a, b, prob, 0.9, different=[(3, 4)], same=[(2, 3)]).tolist() == \
        [0, 0, 0, 0, 1]


def test_date_and_source_columns_for_the_rules_are_found():
    df = RECORDS.assign(created_at=["2020-01-01"] * 4, birthday=["1980-02-03"] * 4,
                        notes=["x"] * 4)
    assert record_date_column(df) == "updated"  # changed beats created
    assert record_date_column(df.drop(columns="updated")) == "created_at"
    assert record_date_column(df.drop(columns=["updated", "created_at"])) is None
    assert record_date_column(df.assign(updated="soon")) == "created_at"  # not dates
    orders = df[["email"]].assign(purchase=["2024-01-01"] * 4)
    assert record_date_column(orders, {"purchase": "order_date"}) == "purchase"
    assert record_source_column(RECORDS) == "source"
    other = RECORDS.rename(columns={"source": "Kanal"})
    assert record_source_column(other) is None
    assert record_source_column(other, {"Kanal": "channel"}) == "Kanal"
    assert source_preference(RECORDS["source"], None) == ["shop", "newsletter"]
    assert source_preference(RECORDS["source"], "newsletter") == ["newsletter", "shop"]


def test_different_people_answers_between_any_members_split_a_chain():
    # 0~1~2 is one chain; "different people" between 0 and 2 (not linked directly) and
    # between every two members (a whole group split) are both honoured.
    a, b = np.array([0, 1]), np.array([1, 2])
    prob = np.array([0.99, 0.95])
    assert cluster(3, a, b, prob, 0.9).tolist() == [0, 0, 0]
    assert cluster(3, a, b, prob, 0.9, different=[(0, 2)]).tolist() == [0, 0, 1]
    everyone = [(0, 1), (0, 2), (1, 2)]
    assert cluster(3, a, b, prob, 0.9, different=everyone).tolist() == [0, 1, 2]
