"""Re-identification risk: k-anonymity on a table with known group sizes, suggested fixes."""

import datetime as dt

import pandas as pd
import pytest

from core.errors import ColumnError
from core.privacy.risk import k_anonymity, small_groups, suggest_generalisations

# Groups over (postcode, gender): 10115/f x4, 10117/f x3, 10119/m x2, 10113/m x1 -> k = 1
TABLE = pd.DataFrame({
    "postcode": ["10115"] * 4 + ["10117"] * 3 + ["10119"] * 2 + ["10113"],
    "gender": ["f"] * 7 + ["m"] * 3,
    "date_of_birth": ["1980-01-01", "1981-06-01", "1982-01-01", "1985-01-01", "1990-01-01",
                      "1991-01-01", "1992-01-01", "1970-01-01", "1971-01-01", "1975-01-01"],
})


def test_k_anonymity_on_known_group_sizes():
    report = k_anonymity(TABLE, ["postcode", "gender"], k=3)
    assert (report.k, report.rows, report.unique_share, report.at_risk, report.ok) == (1, 10, 0.1, 3, False)
    assert report.smallest.values.tolist() == [["10113", "m", 1], ["10119", "m", 2], ["10117", "f", 3],
                                               ["10115", "f", 4]]
    assert k_anonymity(TABLE, ["gender"], k=3).k == 3
    assert k_anonymity(TABLE, ["date_of_birth"], k=2).unique_share == 1.0


def test_suggestions_reach_k_with_the_lightest_change_first():
    steps = suggest_generalisations(TABLE, ["postcode", "gender"], k=3, kinds={"postcode": "postcode"})
    assert [(s["column"], s["action"], s["option"], s["k_after"]) for s in steps] == [
        ("postcode", "generalise", "outward", 3),
    ]
    assert steps[0]["change"] == "postcode: keep only the outward code"
    steps = suggest_generalisations(TABLE, ["postcode", "date_of_birth"], k=2,
                                    reference_date=dt.date(2026, 1, 1))
    assert [(s["column"], s["option"]) for s in steps] == [("date_of_birth", "age_band"), ("postcode", "outward")]
    assert steps[-1]["k_after"] >= 2 and steps[-1]["at_risk_after"] == 0
    assert suggest_generalisations(TABLE, ["gender"], k=3) == []


def test_small_segments_are_flagged_and_unknown_columns_refused():
    assert small_groups({"Loyal": 120, "New": 4, "Lapsed": 5}, 5) == ["New"]
    with pytest.raises(ColumnError, match="^Column 'age' is not in the table"):
        k_anonymity(TABLE, ["age"], k=5)
