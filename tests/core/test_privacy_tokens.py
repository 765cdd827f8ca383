"""Keyed tokens: normalisation (RELIABILITY 15), stability and key separation (16)."""

import random

import pandas as pd
import phonenumbers
import pytest

from core.errors import LocalReachError
from core.normalise.phone import PhoneKey as PhoneNormalizer
from core.privacy import tokens
from core.privacy.tokens import fingerprint, is_token, tokenize_values

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_phone_spellings_give_one_token():
    variants = ["+49 (0)151 1234-5678", "0151 12345678", "0049 151 12345678", "+4915112345678"]
    out = tokenize_values(variants, "phone", KEY, region="DE", column="phone")
    assert out.nunique() == 1
    assert out[0].startswith("phone_v1_") and len(out[0]) == len("phone_v1_") + 32


def test_email_spellings_give_one_token():
    variants = ["john.smith@example.com", " John.Smith@Example.COM ", "JOHN.SMITH@EXAMPLE.COM",
                "ｊｏｈｎ．ｓｍｉｔｈ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john.smith @example.com"]
    out = tokenize_values(variants, "email", KEY, column="email")
    assert out.nunique() == 1


def test_email_with_zero_width_space_is_rejected_naming_column_and_row():
    with pytest.raises(LocalReachError) as err:
        tokenize_values(["a@example.com", "b@example.com", "jo\u200bhn@example.com"], "email", KEY, column="E-Mail")
    assert str(err.value) == (
        "Column 'E-Mail', data row 3: the e-mail address contains an invisible character "
        "(zero-width space); correct that cell and try again."
    )
    assert "john" not in str(err.value)


def test_kinds_never_share_a_token_and_empty_cells_stay_empty():
    email = tokenize_values(["12345"], "email", KEY)[0]
    name = tokenize_values(["12345"], "name", KEY)[0]
    assert email != name and email.startswith("email_v1_") and name.startswith("name_v1_")
    assert tokenize_values(["", "  "], "phone", KEY).tolist() == ["", ""]


def test_same_key_same_token_other_key_other_token():
    a = tokenize_values(["Ann@Example.com"], "email", KEY)[0]
    b = tokenize_values(["ann@example.com"], "email", KEY)[0]
    c = tokenize_values(["ann@example.com"], "email", OTHER_KEY)[0]
    assert a == b != c
    assert fingerprint(KEY) != fingerprint(OTHER_KEY) and len(fingerprint(KEY)) == 16


def test_existing_tokens_are_not_tokenised_twice():
    once = tokenize_values(["ann@example.com"], "email", KEY)
    assert tokenize_values(once, "email", KEY).tolist() == once.tolist()
    assert is_token(once[0], "email") and not is_token(once[0], "phone")


def test_phone_fast_path_agrees_with_phonenumbers():
    rng = random.Random(7)
    forms = ["+49 {a} {b}", "+49 (0){a} {b}", "0{a} {b}", "0049 {a}-{b}", "0{a}/{b}", "(0{a}) {b}"]
    norm = PhoneNormalizer("DE")
    for _ in range(400):
        a = str(rng.choice([151, 160, 170, 176, 30, 40, 89, 221, 6221]))
        b = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 8)))
        text = rng.choice(forms).format(a=a, b=b)
        expected = phonenumbers.format_number(phonenumbers.parse(text, "DE"), phonenumbers.PhoneNumberFormat.E164)
        assert norm(text) == expected, text


def test_unknown_region_is_a_clear_error():
    with pytest.raises(LocalReachError, match="Unknown phone region 'XX'"):
        PhoneNormalizer("XX")


def test_parallel_tokenising_matches_serial(monkeypatch):
    monkeypatch.setattr(tokens, "_CHUNK", 500)
    monkeypatch.setattr(tokens, "_PARALLEL_FROM", 1000)
    values = pd.Series([f"user{i}@Example.com" for i in range(2500)])
    serial = tokenize_values(values, "email", KEY)
    parallel = tokenize_values(values, "email", KEY, workers=2)
    assert parallel.tolist() == serial.tolist()
    assert serial.nunique() == 2500


def test_each_rows_country_decides_national_phone_numbers():
    phones = pd.Series(["07745 297302", "+44 7745 297302", "06.21.82.69.44", "+33 6 21 82 69 44", "0151 12345678"])
    out = tokenize_values(phones, "phone", KEY, region="DE", regions=pd.Series(["GB", "GB", "FR", "FR", "ZZ"]))
    assert out[0] == out[1] and out[2] == out[3] and out[0] != out[2]
    assert out[4] == tokenize_values(["+49 151 12345678"], "phone", KEY, region="DE")[0]


def test_a_phone_without_digits_gets_a_token_and_rows_are_named_in_country_parts():
    out = tokenize_values(["n/a", "N/A ", "0151 12345678"], "phone", KEY)
    assert out[0] == out[1] and out[0].startswith("phone_v1_") and out[0] != out[2]
    emails = pd.Series(["a@x.de", "b@x.de", "c\u200b@x.de"])
    with pytest.raises(LocalReachError, match="^Column 'email', data row 3: "):
        tokenize_values(emails, "email", KEY, column="email", regions=pd.Series(["GB", "DE", "GB"]))


def test_holds_tokens_in_every_kind_of_column():
    token = tokenize_values(pd.Series(["anna@example.com"]), "email", KEY)[0]
    assert is_token(token)
    for dtype in ("str", "string", object, "category"):
        with_one = pd.Series(["x", None, token], dtype=dtype)
        assert tokens.holds_tokens(with_one), dtype
        assert not tokens.holds_tokens(pd.Series(["x", None, f" {token}"], dtype=dtype)), dtype
        # and with no missing cell (read as it is, not turned into text first)
        assert tokens.holds_tokens(pd.Series(["x", token], dtype=dtype)), dtype
        assert not tokens.holds_tokens(pd.Series(["x", token + "x"], dtype=dtype)), dtype
    assert not tokens.holds_tokens(pd.Series([1.5, None, 3.0]))
    assert not tokens.holds_tokens(pd.Series(pd.to_datetime(["2024-01-02", None])))
    assert tokens.holds_tokens(pd.Series([1, token], dtype=object))  # mixed cells


def test_holds_tokens_reads_cells_as_a_whole_cell_match_does():
    token = tokenize_values(pd.Series(["anna@example.com"]), "email", KEY)[0]
    rng = random.Random(3)
    pieces = ["x", "", token, token + "\n", token + "\n\n", " " + token, token + "x", "a\x00" + token,
              "\n" + token, token.upper(), "ü"]
    for _ in range(500):
        cells = [rng.choice(pieces) for _ in range(rng.randint(1, 6))]
        expected = any(tokens.TOKEN_RE.match(c) for c in cells)
        assert tokens.holds_tokens(pd.Series(cells, dtype="str")) == expected, cells
