"""Field comparisons: nicknames, swapped names, e-mail and phone rules, dates of birth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.dedupe.compare import Encoded, compare_pairs
from core.dedupe.normalise import normalise, normalise_email, normalise_phone


def levels_of(rows: list[dict]) -> dict[str, int]:
    """Levels of the pair (row 0, row 1) per comparison."""
    df = pd.DataFrame(rows).fillna("")
    names, levels = compare_pairs(Encoded(normalise(df)), np.array([0]), np.array([1]))
    return dict(zip(names, levels[0].tolist(), strict=True))


def test_nickname_and_swapped_names():
    assert levels_of([{"first_name": "Bob", "last_name": "Miller"},
                      {"first_name": "Robert", "last_name": "Miller"}])["first"] == 2
    assert levels_of([{"first_name": "Liz", "last_name": "Taylor"},
                      {"first_name": "Elizabeth", "last_name": "Taylor"}])["first"] == 2
    swapped = levels_of([{"first_name": "Jasmine", "last_name": "Gibb"},
                         {"first_name": "Gibb", "last_name": "Jasmine"}])
    assert swapped == {"first": 3, "last": 3}
    different = levels_of([{"first_name": "Anna", "last_name": "Weber"},
                           {"first_name": "Peter", "last_name": "Weber"}])
    assert different == {"first": 0, "last": 3}
    assert levels_of([{"first_name": "Uwe"}, {"first_name": "Uew"}])["first"] == 1


def test_email_dots_only_ignored_where_the_provider_ignores_them():
    emails = pd.Series(["J.Smith+news@GMail.com", "jsmith@googlemail.com",
                        "j.smith@web.de", "jsmith@web.de", "not an address"])
    assert normalise_email(emails).tolist() == [
        "jsmith@gmail.com", "jsmith@gmail.com", "j.smith@web.de", "jsmith@web.de", ""]
    assert levels_of([{"email": "a.b@gmail.com"}, {"email": "ab@gmail.com"}])["email"] == 2
    assert levels_of([{"email": "a.b@web.de"}, {"email": "ab@web.de"}])["email"] == 1
    assert levels_of([{"email": "anna@web.de"}, {"email": "otto@gmx.de"}])["email"] == 0


def test_phone_spellings_agree():
    phones = pd.Series(["+49 (0)151 1234-5678", "0151 12345678", "0049 151 12345678", "12"])
    assert normalise_phone(phones).tolist() == ["15112345678"] * 3 + [""]
    assert levels_of([{"phone": "+49 151 1234 5678"}, {"phone": "0151/12345678"}])["phone"] == 2
    assert levels_of([{"phone": "+49 151 1234 5678"}, {"phone": "+49 170 99 345678"}])["phone"] == 1


def test_street_abbreviations_fold():
    assert levels_of([{"street": "12 Baker Street"}, {"street": "12 baker st."}])["street"] == 3
    assert levels_of([{"street": "5 Mill Road"}, {"street": "5 Mill Rd"}])["street"] == 3
    assert levels_of([{"street": "5 Mill Road"}, {"street": "77 High Street"}])["street"] == 0


def test_dates_of_birth():
    def dob(a: str, b: str) -> int:
        return levels_of([{"date_of_birth": a}, {"date_of_birth": b}])["dob"]

    assert dob("1980-03-12", "12.03.1980") == 3
    assert dob("1980-03-12", "1980-12-03") == 2  # day and month swapped
    assert dob("1980-03-12", "1980-03-13") == 2  # one digit off
    assert dob("1980-03-12", "1980-07-25") == 1  # same year only
    assert dob("1980-03-12", "1955-11-30") == 0
    assert dob("1980-03-12", "") == -1


def test_pseudonym_tokens_still_match():
    token = "email_v1_" + "0123456789abcdef" * 2
    other = "email_v1_" + "fedcba9876543210" * 2
    phone = "phone_v1_" + "00112233445566778899aabbccddeeff"
    assert levels_of([{"email": token, "phone": phone},
                      {"email": token, "phone": phone}]) == {"email": 2, "phone": 2}
    assert levels_of([{"email": token, "phone": phone},
                      {"email": other, "phone": ""}]) == {"email": 0, "phone": -1}
