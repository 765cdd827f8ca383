"""One date parser with explicit formats, and the majority-format detector."""

import pandas as pd
import pytest

from core.dedupe.normalise import normalise_dob
from core.normalise.dates import DAY_ORDERS, date_digits, guess_format, parse_date, read_dates


@pytest.mark.parametrize(
    ("raw", "fmt", "expected"),
    [
        ("03/04/2024", "day_first", "2024-04-03"),
        ("03/04/2024", "month_first", "2024-03-04"),
        ("03/04/2024", "iso", None),  # ISO mode never guesses the order of day and month
        ("2024-04-03", "day_first", "2024-04-03"),  # year first is unambiguous in every mode
        ("20240403", "month_first", "2024-04-03"),
        ("45657", "excel_serial", "2024-12-31"),
        ("45657", "iso", None),
        ("3. Mär 2024", "day_first", "2024-03-03"),
        ("31.02.2024", "day_first", None),
    ],
)
def test_parse_date_reads_with_the_named_format(raw, fmt, expected):
    assert parse_date(raw, fmt) == expected


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown date format"):
        parse_date("2024-01-01", "us")


def test_majority_format_wins_and_ties_go_to_iso_then_day_first():
    us = ["12/31/2024", "01/15/2024", "03/04/2024"]
    assert guess_format(us) == "month_first"
    assert guess_format(["31.12.2024", "15.01.2024", "03.04.2024"]) == "day_first"
    assert guess_format(["2024-01-02", "2024-03-04"]) == "iso"
    assert guess_format(["03/04/2024"]) == "day_first"  # both orders read it: most of the world
    assert guess_format(["2024-01-02", "2024-03-04"], formats=DAY_ORDERS) == "day_first"
    assert guess_format([]) == "iso"


def test_dedupe_dates_of_birth_follow_the_columns_order():
    us = pd.Series(["12/31/1980", "01/15/1975", "03/04/1990", "1990-03-04", ""])
    assert normalise_dob(us).tolist() == ["19801231", "19750115", "19900304", "19900304", ""]
    german = pd.Series(["31.12.1980", "03.04.1990", "19900403"])
    assert normalise_dob(german).tolist() == ["19801231", "19900403", "19900403"]


def test_date_digits_keep_a_typo_as_evidence_for_comparing_records():
    assert date_digits("1980-03-12", "day_first") == "19800312"
    assert date_digits("19458030", "day_first") == "19458030"  # month 80: a typo, still comparable
    assert date_digits("31.13.1980", "day_first") == "19801331"
    assert date_digits("13/31/1980", "month_first") == "19801331"
    assert (date_digits("not known", "day_first"), date_digits("", "iso")) == ("", "")


def test_a_column_is_read_with_the_same_parser_once_per_value():
    values = pd.Series(["03/04/2024", "2024-04-05", "", None, "31/02/2024", "03/04/2024 14:30"],
                       index=[10, 11, 12, 13, 14, 15])
    got = read_dates(values, "day_first")
    assert list(got.index) == [10, 11, 12, 13, 14, 15]
    assert got.dt.strftime("%Y-%m-%d %H:%M").fillna("NaT").tolist() == [
        "2024-04-03 00:00", "2024-04-05 00:00", "NaT", "NaT", "NaT", "2024-04-03 14:30"]
    assert read_dates(values, "month_first").iloc[0] == pd.Timestamp("2024-03-04")
    assert read_dates(values, "iso").notna().tolist() == [False, True, False, False, False, False]


@pytest.mark.parametrize("fmt", ["iso", "day_first", "month_first", "excel_serial"])
def test_a_programs_way_of_writing_no_date_is_empty_not_a_bad_date(fmt):
    # Outlook's contacts export writes an empty birthday as 0/0/00; MySQL-based shops 0000-00-00
    for raw in ("0/0/00", "0000-00-00", "0000-00-00 00:00:00", " 00.00.0000 "):
        assert parse_date(raw, fmt) == ""
        assert date_digits(raw, fmt) == ""  # two unknown birthdays are no evidence of one person
    assert parse_date("0/0/01", "month_first") is None  # a zero day with a year is a bad date
    assert read_dates(pd.Series(["0/0/00", "5/29/1956"]), "month_first").isna().tolist() == [True, False]


def test_outlooks_empty_birthdays_are_cleaned_to_empty():
    from core.io import read_table
    from core.quality.dates import DateConfig, standardise_dates

    frame = read_table("tests/fixtures/vendors/outlook_contacts_desktop.csv")[0]
    config = DateConfig({"Birthday": "month_first", "Anniversary": "month_first"})
    out, report = standardise_dates(frame, config)
    assert out["Birthday"].tolist() == ["1956-05-29", "1969-04-28", "1991-07-27", "", "1968-09-26"]
    assert out["Anniversary"].tolist() == [""] * 5
    assert (report.failed, report.changed_cells) == (0, 10)
