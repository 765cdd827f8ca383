"""Phone readings shared by cleaning, pseudonyms and duplicates: modes, regions, keys."""

import random

import pandas as pd
import phonenumbers
import pytest

from core.dedupe.normalise import normalise_phone
from core.errors import LocalReachError
from core.normalise.phone import (
    _PLAIN,
    _UNSURE,
    PhoneKey,
    _parse_plain,
    national_key,
    parse,
    to_e164,
)
from core.privacy.tokens import tokenize_values

KEY = bytes(range(32))


def test_gb_numbers_give_one_token_however_typed_when_the_region_is_gb():
    spellings = ["+44 7700 900123", "07700 900123", "0044 7700 900123", "+44 (0)7700 900123"]
    tokens = tokenize_values(spellings, "phone", KEY, region="GB", column="phone")
    assert tokens.nunique() == 1
    # under another region the national spelling is another number: the region matters
    assert tokenize_values(["07700 900123"], "phone", KEY, region="DE")[0] != tokens[0]


def test_modes_say_how_sure_a_reading_must_be():
    # 07700 900xxx is Ofcom's range for drama: the right length, but never in use
    assert [to_e164("07700 900123", "GB", m) for m in ("valid", "possible", "parsed")] == [
        None, "+447700900123", "+447700900123"]
    assert [to_e164("+44 20 7946 0958", None, m) for m in ("valid", "possible", "parsed")] == ["+442079460958"] * 3
    assert [to_e164("12345", "DE", m) for m in ("valid", "possible", "parsed")] == [None, None, "+4912345"]
    with pytest.raises(ValueError, match="unknown phone mode"):
        to_e164("+4915112345678", "DE", "loose")


def test_without_a_region_only_numbers_with_their_code_are_read():
    assert to_e164("07700 900123", None, "possible") is None
    assert to_e164("+1 415 555 2671", None, "possible") == "+14155552671"
    assert PhoneKey(None)("+44 7700 900123") == "+447700900123"
    assert PhoneKey(None)("07700 900123") == "07700900123"  # digits: a token, never a guessed country


def test_unknown_region_is_a_clear_error():
    with pytest.raises(LocalReachError, match="^Unknown phone region 'XX'"):
        PhoneKey("XX")


@pytest.mark.parametrize(
    ("spellings", "region", "key"),
    [
        (["+1 415 555 0123", "(415) 555-0123", "415.555.0123"], None, "4155550123"),  # all ten digits
        (["+1 415 555 0123", "1-415-555-0123", "(415) 555-0123"], "US", "4155550123"),
        (["+49 (0)151 1234-5678", "0151 12345678", "0049 151 12345678"], None, "15112345678"),
        (["+44 7700 900123", "07700 900123"], "GB", "7700900123"),
        (["+39 06 1234 5678", "06 1234 5678"], "IT", "0612345678"),  # Italy keeps its leading 0
    ],
)
def test_national_key_agrees_across_spellings(spellings, region, key):
    assert {national_key(s, region) for s in spellings} == {key}


def test_north_american_numbers_that_share_nine_digits_stay_apart():
    # the old duplicate key kept the last nine digits: these two were "the same number"
    a, b = national_key("+1 415 555 0123", None), national_key("+1 515 555 0123", None)
    assert (a, b) == ("4155550123", "5155550123")


def test_dedupe_phone_field_uses_the_shared_key_and_keeps_tokens():
    token = "phone_v1_" + "0" * 32
    out = normalise_phone(pd.Series(["(415) 555-0123", "+1 415 555 0123", token, "12"]), "US")
    assert out.tolist() == ["4155550123", "4155550123", token, ""]


PLAIN_CASES = [  # (text, region): the shapes the plain reading must read as phonenumbers does
    ("+49 151 12345678", "DE"), ("0151/12345678", "DE"), ("0049 151 12345678", "DE"),
    ("4915112345678", "DE"), ("+49 (0)30 1234567", "DE"), ("00 0151 123", "DE"),
    ("+39 06 1234 5678", "IT"), ("06 1234 5678", "IT"), ("+39 06 1234 5678", None),
    ("011 44 20 7946 0958", "US"), ("(415) 555-2671", "US"), ("1 415 555 2671", "US"),
    ("011 54 9 11 1234 5678", "AR"), ("0 11 15 1234 5678", "AR"), ("+800 1234 5678", None),
    ("8 495 123 45 67", "RU"), ("810 49 151 12345678", "RU"), ("0007 495 1234567", "DE"),
    ("12", "DE"), ("123", "DE"), ("0000 0000", "DE"), ("+1 0", None), ("07700 900123", None),
    ("+49 151 1234567890123456789", "DE"), ("00 999 123456", "DE"),
]


def _library(text, region):
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _same(a, b):
    fields = ("country_code", "national_number", "italian_leading_zero", "number_of_leading_zeros", "extension")
    return (a is None) == (b is None) and (a is None or all(getattr(a, f) == getattr(b, f) for f in fields))


def _random_spellings(n, seed):
    rng = random.Random(seed)
    heads = ["+", "", "(", "(+", "(0", "00", "011", "0", "+0", "+49", "+1", "+39 0", "0049", "+44 (0)", "49", "1", "8", "810"]
    regions = [None, "DE", "GB", "US", "FR", "IT", "AT", "CH", "BR", "AR", "MX", "AU", "JP", "RU", "XX"]
    for _ in range(n):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 18)))
        text = rng.choice(heads) + "".join(
            (rng.choice(" -/.()") if rng.random() < 0.2 else "") + d for d in digits)
        if _PLAIN.fullmatch(text):
            yield text, rng.choice(regions)


def test_plain_numbers_read_as_the_library_reads_them():
    # the plain reading skips the library's Unicode normalisation: same PhoneNumber or
    # the same refusal, on hand-picked shapes and on about 19,000 random spellings
    cases = [*PLAIN_CASES, *_random_spellings(20_000, seed=5)]
    fast = 0
    for text, region in cases:
        got = _parse_plain(text, region)
        if got is not _UNSURE:
            fast += 1
            assert _same(got, _library(text, region)), (text, region)
        assert _same(parse(text, region), _library(text, region)), (text, region)
    # only texts of two digits and unknown codes after "+" go back to the library
    assert [c for c in PLAIN_CASES if _parse_plain(*c) is _UNSURE] == [("12", "DE"), ("+1 0", None)]
    assert fast >= 0.85 * len(cases)


def test_plain_reading_gives_the_cleaning_its_e164():
    assert [to_e164(t, r, "possible") for t, r in PLAIN_CASES[:9]] == [
        "+4915112345678", "+4915112345678", "+4915112345678", "+494915112345678", "+49301234567",
        "+4900151123", "+390612345678", "+390612345678", "+390612345678"]


@pytest.mark.parametrize("locale", ["de_DE", "en_GB", "fr_FR", "it_IT", "en_US", "ru_RU", "es_AR",
                                    "pt_BR", "ja_JP", "nl_NL", "es_ES", "en_AU"])
def test_a_cleaned_number_keys_as_if_read_again(locale):
    """The duplicate search keys cleaned numbers by what cleaning remembered: the same key
    as reading the E.164 text again, for every number of every locale Faker writes."""
    from faker import Faker

    from core.normalise import phone

    fake = Faker(locale)
    Faker.seed(7)
    region = locale.split("_")[1]
    cleaned = [e for e in (phone.to_e164(fake.phone_number(), region, "parsed") for _ in range(400)) if e]
    assert len(cleaned) > 300
    read_by_pattern = {"GB", "AR", "JP", "BR", "AU"}  # their trunk prefixes: never remembered
    assert any(e in phone._NATIONAL for e in cleaned) == (region not in read_by_pattern)
    remembered = [phone.national_key(e, region) for e in cleaned]
    phone._NATIONAL.clear()
    assert remembered == [phone.national_key(e, region) for e in cleaned]
