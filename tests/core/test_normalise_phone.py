"""Phone readings shared by cleaning, pseudonyms and duplicates: modes, regions, keys."""

import pandas as pd
import pytest

from core.dedupe.normalise import normalise_phone
from core.errors import LocalReachError
from core.normalise.phone import PhoneKey, national_key, to_e164
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
