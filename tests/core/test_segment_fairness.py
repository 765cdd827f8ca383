"""Fair segments: exact shares per segment against the base on a hand-made table."""

import datetime as dt

import pandas as pd
import pytest

from app.cli import main
from core.errors import ColumnError
from core.segment.fairness import ALL, NOT_GIVEN, fairness_report

REFERENCE = dt.date(2025, 6, 30)
# Nine people in two segments; c9 and c9b are one person (one cluster), counted once.
TABLE = pd.DataFrame(
    [["c1", "", "A", "F", "1990-06-01", "SW1A 1AA"],
     ["c2", "", "A", "F", "1985-01-15", "SW3 4HN"],
     ["c3", "", "A", "F", "2001-03-03", "04109"],
     ["c4", "", "A", "M", "1960-12-31", "04317"],
     ["c5", "", "B", "M", "1950-07-07", "M1 2AB"],
     ["c6", "", "B", "M", "1975-05-05", ""],
     ["c7", "", "B", "", "1995-09-09", "10115"],
     ["c8", "", "B", "F", "", "SW1A 2AA"],
     ["c9", "P9", "B", "M", "1980-02-02", "M4 5XY"],
     ["c9b", "P9", "B", "M", "1980-02-02", "M4 5XY"]],
    columns=["customer_id", "cluster_id", "segment", "gender", "date_of_birth", "postcode"])


def _shares(report) -> dict:
    return {seg: {g: v for g, v in row.items() if v} for seg, row in report.shares.iterrows()}


def test_gender_shares_gaps_and_the_flagged_gap_are_exact():
    report = fairness_report(TABLE, "gender", REFERENCE)
    assert report.reading == "values"
    assert report.people.to_dict() == {"A": 4, "B": 5, ALL: 9}
    shares = _shares(report)
    assert shares["A"] == {"F": 3 / 4, "M": 1 / 4}
    assert shares["B"] == pytest.approx({"F": 1 / 5, "M": 3 / 5, NOT_GIVEN: 1 / 5})
    assert shares[ALL] == pytest.approx({"F": 4 / 9, "M": 4 / 9, NOT_GIVEN: 1 / 9})
    assert report.gaps.loc["A", "F"] == pytest.approx(3 / 4 - 4 / 9)
    assert report.gaps.loc["B", NOT_GIVEN] == pytest.approx(1 / 5 - 1 / 9)
    # P(3 or more of 4 drawn are F | 4/9) = 0.234; over 6 pairs that is chance.
    assert report.largest == (
        "Largest gap: in 'A' (4 people) 75% are 'F' against 44% of all customers (31 points "
        "more). With 6 segment-and-group pairs compared, chance alone could give a gap like "
        "this.")


def test_dates_of_birth_are_read_as_age_bands_and_postcodes_as_areas():
    ages = fairness_report(TABLE, "date_of_birth", REFERENCE)
    assert ages.reading == "age bands"
    assert _shares(ages)["A"] == {"20-29": 0.25, "30-39": 0.25, "40-49": 0.25, "60-69": 0.25}
    # c5 (1950-07-07) is 74 on 2025-06-30, a week before the birthday; c8 gave no date.
    assert _shares(ages)["B"] == pytest.approx({"20-29": 0.2, "40-49": 0.2, "50-59": 0.2,
                                                "70-79": 0.2, NOT_GIVEN: 0.2})
    areas = fairness_report(TABLE, "postcode", REFERENCE)
    assert areas.reading == "postcode areas"
    assert _shares(areas)["A"] == {"SW": 0.5, "04": 0.5}
    assert _shares(areas)["B"] == pytest.approx({"M": 0.4, "SW": 0.2, "10": 0.2,
                                                 NOT_GIVEN: 0.2})


def test_a_gap_chance_cannot_explain_is_flagged_as_such():
    table = pd.DataFrame({"customer_id": [f"c{i}" for i in range(80)],
                          "segment": ["A"] * 40 + ["B"] * 40, "gender": ["F"] * 40 + ["M"] * 40})
    report = fairness_report(table, "gender", REFERENCE)
    assert report.largest == (
        "Largest gap: in 'A' (40 people) 100% are 'F' against 50% of all customers (50 points "
        "more). Chance alone would rarely give a gap this large (under 1 in 20, counting all 4 "
        "segment-and-group pairs): check what puts people in this segment before aiming a "
        "campaign at it.")


def test_same_mix_everywhere_and_unknown_columns():
    table = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "segment": ["A", "A", "B", "B"],
                          "gender": ["F", "M", "F", "M"]})
    assert fairness_report(table, "gender", REFERENCE).largest == (
        "Every segment has the same mix of 'gender' as all customers.")
    with pytest.raises(ColumnError, match="no column 'region'"):
        fairness_report(table, "region", REFERENCE)


def test_segment_command_prints_the_fairness_report(tmp_path, capsys):
    crm = TABLE.drop(columns="segment")
    crm.to_csv(tmp_path / "crm.csv", index=False)
    sales = pd.DataFrame({"customer_id": crm["customer_id"],
                          "order_date": [f"2025-0{1 + i % 6}-1{i}" for i in range(len(crm))],
                          "amount": [str(10 * (i + 1)) for i in range(len(crm))]})
    sales.to_csv(tmp_path / "sales.csv", index=False)
    assert main(["segment", str(tmp_path / "crm.csv"), "--sales", str(tmp_path / "sales.csv"),
                 "-o", str(tmp_path / "out.csv"), "--fairness", "gender"]) == 0
    printed = capsys.readouterr().out
    assert "Share of each 'gender' group (values) per segment, one count per person:" in printed
    assert f"  {ALL:<19} |      9 | " in printed and "Largest gap: in '" in printed
