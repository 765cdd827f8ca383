"""Each standardiser on hand-written tricky values, with the exact expected output."""

import pandas as pd
import pytest

from core.errors import LocalReachError
from core.normalise.dates import guess_format, parse_date
from core.normalise.email import valid as normalise_email
from core.normalise.phone import to_e164
from core.quality.base import preview
from core.quality.contact import EmailConfig, PhoneConfig, standardise_emails, standardise_phones
from core.quality.dates import DateConfig, standardise_dates
from core.quality.money import MoneyConfig, parse_money, standardise_money
from core.quality.places import (
    CountryConfig,
    PostcodeConfig,
    country_code,
    format_postcode,
    standardise_countries,
    standardise_postcodes,
)
from core.quality.text import NameCaseConfig, TrimConfig, case_name, case_names, trim_spaces


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mcdonald", "McDonald"),
        ("MCDONALD", "McDonald"),
        ("McDonald", "McDonald"),
        ("o'neil", "O'Neil"),
        ("O\u2019NEIL", "O\u2019Neil"),
        ("d'angelo", "D'Angelo"),
        ("VAN DER BERG", "van der Berg"),
        ("jan van der berg", "Jan van der Berg"),
        ("maria de la cruz", "Maria de la Cruz"),
        ("anne-marie", "Anne-Marie"),
        ("JEAN-LUC  PICARD", "Jean-Luc Picard"),
        ("smith-o'brien", "Smith-O'Brien"),
        ("DiCaprio", "DiCaprio"),
        ("müller", "Müller"),
    ],
)
def test_name_casing(raw, expected):
    assert case_name(raw) == expected


def test_name_casing_can_recase_mixed_values():
    assert case_name("mIxEd CaSe", keep_mixed=False) == "Mixed Case"


def test_trim_collapses_every_kind_of_space_and_counts_cells():
    df = pd.DataFrame({"a": ["  Anna ", "B\u00a0\u00a0 C", "ok", ""], "b": ["x\t\ny", "y", "z", " "]})
    out, report = trim_spaces(df, TrimConfig())
    assert out["a"].tolist() == ["Anna", "B C", "ok", ""]
    assert out["b"].tolist() == ["x y", "y", "z", ""]
    assert report.changed_cells == 4
    assert report.changed_by_column == {"a": 2, "b": 2}
    assert df["a"].tolist() == ["  Anna ", "B\u00a0\u00a0 C", "ok", ""]  # input untouched


def test_trim_finds_each_space_str_split_knows_and_leaves_clean_columns_as_text():
    """The joined-text search agrees with collapse_spaces on every character up to U+3000
    (a space, a tab, U+2003, a lone \\x1f...), and on values holding its separator."""
    chars = [chr(i) for i in range(0x3001)]
    df = pd.DataFrame({f"c{i}": ["ab", f"a{c}b", "cd"] for i, c in enumerate(chars)})
    out, report = trim_spaces(df, TrimConfig())
    changed = {f"c{i}" for i, c in enumerate(chars) if c.isspace() and c != " "}
    assert set(report.changed_by_column) == changed and len(changed) == 28
    assert all(out[c].tolist() == ["ab", "a b", "cd"] for c in changed)
    ids = pd.DataFrame({"id": [1, 2, 30], "sep": ["a\x00", "b", "c"], "edge": ["a", "b", "c "]})
    out, report = trim_spaces(ids, TrimConfig())
    assert out["id"].tolist() == ["1", "2", "30"] and out["sep"].tolist() == ["a\x00", "b", "c"]
    assert report.changed_by_column == {"edge": 1} and report.example_rows == [2]


def test_name_step_reports_changed_rows():
    df = pd.DataFrame({"last": ["MCDONALD", "Smith", "van der berg"]})
    out, report = case_names(df, NameCaseConfig(["last"]))
    assert out["last"].tolist() == ["McDonald", "Smith", "van der Berg"]
    assert (report.changed_cells, report.example_rows) == (2, [0, 2])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  John.Doe@Example.COM ", "john.doe@example.com"),
        ("\uff4a\uff4f\uff48\uff4e@example.com", "john@example.com"),  # full-width letters
        ("x@exa\u200bmple.com", None),  # zero-width space
        ("a@b", None),
        ("no at sign", None),
        ("two@@example.com", None),
    ],
)
def test_email_normalisation(raw, expected):
    assert normalise_email(raw) == expected


def test_invalid_emails_are_kept_and_flagged_never_dropped():
    df = pd.DataFrame({"email": [" A@B.com", "broken", "", "c@d.org"]})
    out, report = standardise_emails(df, EmailConfig(["email"]))
    assert out["email"].tolist() == ["a@b.com", "broken", "", "c@d.org"]
    assert out["email_invalid"].tolist() == ["", "yes", "", ""]
    assert (report.changed_cells, report.failed, report.failed_rows) == (1, 1, [1])
    assert report.added_columns == ["email_invalid"]


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+49 (0)151 1234-5678", "DE", "+4915112345678"),
        ("0151 12345678", "DE", "+4915112345678"),
        ("0049 151 12345678", "DE", "+4915112345678"),
        ("030 1234567", "DE", "+49301234567"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("+1 415 555 2671", "DE", "+14155552671"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("123", "DE", None),
        ("call me", "DE", None),
    ],
)
def test_phone_to_e164(raw, region, expected):
    assert to_e164(raw, region, "possible") == expected


def test_phone_step_counts_failures_and_keeps_them():
    df = pd.DataFrame({"phone": ["0151 12345678", "123", "", "+4915112345678"]})
    out, report = standardise_phones(df, PhoneConfig(["phone"], region="DE"))
    assert out["phone"].tolist() == ["+4915112345678", "123", "", "+4915112345678"]
    assert (report.changed_cells, report.failed, report.failed_rows) == (1, 1, [1])


@pytest.mark.parametrize(
    ("raw", "fmt", "expected"),
    [
        ("03/04/2024", "day_first", "2024-04-03"),
        ("03/04/2024", "month_first", "2024-03-04"),
        ("03.04.2024", "day_first", "2024-04-03"),
        ("31.12.2024", "month_first", None),
        ("12/31/2024", "month_first", "2024-12-31"),
        ("2024-03-04", "day_first", "2024-03-04"),
        ("20240304", "iso", "2024-03-04"),
        ("05/06/85", "day_first", "1985-06-05"),
        ("45292", "excel_serial", "2024-01-01"),
        ("45292.5", "excel_serial", "2024-01-01T12:00:00"),
        ("4 Mar 2024", "day_first", "2024-03-04"),
        ("March 4, 2024", "month_first", "2024-03-04"),
        ("2024-03-04 10:30", "iso", "2024-03-04T10:30:00"),
        ("2024-02-30", "iso", None),
        ("03/04/2024", "iso", None),
        ("45292", "day_first", None),
    ],
)
def test_parse_date(raw, fmt, expected):
    assert parse_date(raw, fmt) == expected


def test_guess_format_prefers_what_reads_most():
    assert guess_format(["03/04/2024", "13/04/2024"]) == "day_first"
    assert guess_format(["03/14/2024", "01/02/2024"]) == "month_first"
    assert guess_format(["2024-01-01"]) == "iso"
    assert guess_format(["45292", "45000"]) == "excel_serial"


def test_date_step_mixed_formats_reports_failures():
    df = pd.DataFrame({"d": ["03.04.2024", "12/31/2024", "2024-05-06", "", "soon"]})
    out, report = standardise_dates(df, DateConfig({"d": "day_first"}))
    assert out["d"].tolist() == ["2024-04-03", "12/31/2024", "2024-05-06", "", "soon"]
    assert (report.changed_cells, report.failed, report.failed_rows) == (1, 2, [1, 4])


def test_date_step_refuses_unknown_format():
    df = pd.DataFrame({"d": ["1"]})
    with pytest.raises(LocalReachError) as err:
        standardise_dates(df, DateConfig({"d": "whenever"}))
    assert str(err.value) == (
        "Dates: 'whenever' is not a date format for column 'd'; "
        "use one of iso, day_first, month_first, excel_serial"
    )


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("1.234,56 €", ",", ("1234.56", "EUR")),
        ("$1,234.56", ".", ("1234.56", "USD")),
        ("(12.00)", ".", ("-12.00", "")),
        ("-12,50 €", ",", ("-12.50", "EUR")),
        ("EUR 12.50", ".", ("12.50", "EUR")),
        ("12.50 usd", ".", ("12.50", "USD")),
        ("£3", ".", ("3", "GBP")),
        ("1 234,56 €", ",", ("1234.56", "EUR")),
        ("1'234.50 CHF", ".", ("1234.50", "CHF")),
        ("1.234", ",", ("1234", "")),
        ("1.234", ".", ("1.234", "")),
        ("1.234,56 €", ".", None),
        ("12,5", ".", None),
        ("12 ABC", ".", None),
        ("5 € $", ".", None),
    ],
)
def test_parse_money(raw, decimal, expected):
    assert parse_money(raw, decimal) == expected


def test_money_step_reads_eu_and_us_amounts_in_one_column():
    df = pd.DataFrame({"amount": ["1.234,56 €", "$1,234.56", "(12.00)", "12,50", "", "lots"]})
    out, report = standardise_money(df, MoneyConfig(["amount"], default_currency="EUR"))
    assert out["amount"].tolist() == ["1234.56", "1234.56", "-12.00", "12.50", "", "lots"]
    assert out["amount_currency"].tolist() == ["EUR", "USD", "EUR", "EUR", "", ""]
    assert (report.changed_by_column, report.failed, report.failed_rows) == ({"amount": 4}, 1, [5])


def test_money_step_fills_an_existing_currency_column_without_erasing_it():
    df = pd.DataFrame({"amount": ["10,00 €", "5.00"], "currency": ["", "GBP"]})
    out, _ = standardise_money(df, MoneyConfig(["amount"], decimal=",", currency_column="currency"))
    assert out["currency"].tolist() == ["EUR", "GBP"]
    assert out["amount"].tolist() == ["10.00", "5.00"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Germany", "DE"), ("deutschland", "DE"), ("DEU", "DE"), ("de", "DE"),
        ("U.K.", "GB"), ("Royaume-Uni", "GB"), ("United States", "US"), ("USA", "US"),
        ("Holland", "NL"), ("Österreich", "AT"), ("Espana", "ES"), ("NA", "NA"),
        ("Narnia", None),
    ],
)
def test_country_codes(raw, expected):
    assert country_code(raw) == expected


def test_country_step():
    df = pd.DataFrame({"country": ["Deutschland", "UK", "Narnia", ""]})
    out, report = standardise_countries(df, CountryConfig(["country"]))
    assert out["country"].tolist() == ["DE", "GB", "Narnia", ""]
    assert (report.changed_cells, report.failed) == (2, 1)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("1067", "DE", "01067"), ("10115", "DE", "10115"), ("sw1a1aa", "GB", "SW1A 1AA"),
        ("1234ab", "NL", "1234 AB"), ("123456789", "US", "12345-6789"), ("11455", "SE", "114 55"),
        ("00950", "PL", "00-950"), ("k1a0b1", "CA", "K1A 0B1"), ("ABC", "DE", None),
        ("123", "FR", None), ("x  12", "ZZ", "x 12"),
    ],
)
def test_postcodes(raw, country, expected):
    assert format_postcode(raw, country) == expected


def test_postcode_step_uses_each_rows_country():
    df = pd.DataFrame({"pc": ["1067", "sw1a1aa", "1234ab", "9"], "country": ["Germany", "UK", "", "DE"]})
    out, report = standardise_postcodes(df, PostcodeConfig(["pc"], "country", "NL"))
    assert out["pc"].tolist() == ["01067", "SW1A 1AA", "1234 AB", "9"]
    assert (report.changed_cells, report.failed_rows) == (3, [3])


def test_unknown_column_is_named_in_the_error():
    with pytest.raises(LocalReachError) as err:
        standardise_phones(pd.DataFrame({"a": ["1"]}), PhoneConfig(["tel"]))
    assert str(err.value) == (
        "Phone numbers: there is no column named 'tel'; check the column names in the step list"
    )


def test_preview_shows_before_and_after_on_real_rows():
    df = pd.DataFrame({"phone": ["0151 12345678", "+4915112345678", "nope", "030 1234567"], "x": list("abcd")})
    pv = preview(standardise_phones, df, PhoneConfig(["phone"], region="DE"))
    assert pv.before["phone"].tolist() == ["0151 12345678", "nope", "030 1234567"]
    assert pv.after["phone"].tolist() == ["+4915112345678", "nope", "+49301234567"]
    assert (pv.report.changed_cells, pv.report.failed) == (2, 1)


def test_phones_without_country_code_take_the_rows_country():
    df = pd.DataFrame(
        {"phone": ["07789 173776", "0151 12345678", "06 12 34 56 78"], "country": ["United Kingdom", "", "FR"]}
    )
    out, report = standardise_phones(df, PhoneConfig(["phone"], region="DE", country_column="country"))
    assert out["phone"].tolist() == ["+447789173776", "+4915112345678", "+33612345678"]
    assert report.failed == 0
