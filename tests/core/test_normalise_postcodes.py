"""Postcodes and countries: one reading for the cleaning, the report and the duplicates."""

import pytest

from core.normalise.countries import country_code
from core.normalise.postcodes import format_postcode, postcode_key


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("1067", "DE", "01067"),  # Excel lost the leading zero
        ("902101234", "US", "90210-1234"),
        ("1234ab", "NL", "1234 AB"),
        ("ABC", "DE", None),
        (" 75008 ", "", "75008"),  # no country known: only tidied, never judged
        ("12  34", "ZZ", "12 34"),
    ],
)
def test_postcodes_as_their_country_writes_them(raw, country, expected):
    assert format_postcode(raw, country) == expected


def test_postcode_key_ignores_case_and_spacing():
    assert postcode_key("SW1A 1AA") == postcode_key("sw1a-1aa") == "sw1a1aa"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Deutschland", "DE"), ("UK", "GB"), ("Royaume-Uni", "GB"), ("usa", "US"), ("Narnia", None)],
)
def test_country_names_in_several_languages(raw, expected):
    assert country_code(raw) == expected
