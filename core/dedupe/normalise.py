"""Turn a customer table into the normalised fields matching compares.

Owns which columns feed which matching field (from the column roles, with a fallback
on header names so files such as FEBRL's ``given_name``/``suburb``/``soc_sec_id`` work),
and how each field is cleaned: case, accents, nicknames, Gmail dots, phone digits,
street abbreviations, dates of birth (the readings are :mod:`core.normalise`'s). Every field is a string column, "" when missing.
The id column and customer-id columns are never a field: they must not decide a match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from core.normalise import email, names, phone
from core.normalise.dates import DAY_ORDERS, date_digits, guess_format
from core.normalise.postcodes import postcode_key
from core.roles import Role

# Roles that describe a person and the field each one feeds.
ROLE_FIELDS = {
    Role.FIRST_NAME: "first",
    Role.LAST_NAME: "last",
    Role.FULL_NAME: "full",
    Role.EMAIL: "email",
    Role.PHONE: "phone",
    Role.STREET: "street",
    Role.CITY: "city",
    Role.POSTCODE: "postcode",
    Role.DATE_OF_BIRTH: "dob",
    Role.GENDER: "gender",
    Role.COMPANY: "company",
}

# Header names (lower case, separators removed) for when role detection leaves a column
# without a person role. "extra" columns are compared as free text / identifiers.
HEADER_HINTS = {
    "givenname": "first", "firstname": "first", "forename": "first", "vorname": "first",
    "surname": "last", "lastname": "last", "familyname": "last", "nachname": "last",
    "name": "full", "fullname": "full",
    "email": "email", "emailaddress": "email", "mail": "email",
    "phone": "phone", "telephone": "phone", "mobile": "phone", "tel": "phone",
    "phonenumber": "phone",
    "streetnumber": "street", "housenumber": "street", "address1": "street",
    "address": "street", "street": "street", "addressline1": "street",
    "suburb": "city", "city": "city", "town": "city",
    "postcode": "postcode", "zip": "postcode", "zipcode": "postcode", "plz": "postcode",
    "dateofbirth": "dob", "dob": "dob", "birthdate": "dob", "birthday": "dob",
    "gender": "gender", "sex": "gender",
    "address2": "extra", "addressline2": "extra", "state": "extra", "socsecid": "extra",
    "ssn": "extra", "nationalid": "extra", "taxid": "extra", "passport": "extra",
}

STREET_ABBREVIATIONS = {
    "street": "st", "str": "st", "strasse": "str", "straße": "str", "road": "rd",
    "avenue": "ave", "av": "ave", "drive": "dr", "lane": "ln", "court": "ct",
    "place": "pl", "crescent": "cres", "circuit": "cct", "boulevard": "blvd",
    "terrace": "tce", "highway": "hwy", "parade": "pde", "square": "sq",
    "close": "cl", "grove": "gr", "north": "n", "south": "s", "east": "e", "west": "w",
    "apartment": "apt", "unit": "u", "flat": "apt", "saint": "st", "mount": "mt",
}

IDENTIFIER_HEADERS = {"socsecid", "ssn", "nationalid", "taxid", "passport"}
_HEADER_RE = re.compile(r"[^a-z0-9]")


def is_identifier(field: str) -> bool:
    """An extra field holding a personal identity number (same number = same person)."""
    return field.startswith("extra:") and _header_key(field[6:]) in IDENTIFIER_HEADERS


def _header_key(column: str) -> str:
    return _HEADER_RE.sub("", str(column).lower())


def field_columns(
    columns: list[str], roles: dict[str, str] | None, id_column: str | None = None
) -> dict[str, list[str]]:
    """Which source columns feed each matching field, in column order.

    ``roles`` maps column -> role value (user overrides win); columns with no person
    role fall back to their header name. The id column is left out on purpose.
    """
    roles = roles or {}
    fields: dict[str, list[str]] = {}
    for column in columns:
        if column == id_column:
            continue
        role = roles.get(column)
        field = ROLE_FIELDS.get(Role(role)) if role in Role._value2member_map_ else None
        if field is None and role in (None, "", Role.OTHER):
            field = HEADER_HINTS.get(_header_key(column))
        if field == "extra":
            field = f"extra:{column}"
        if field:
            fields.setdefault(field, []).append(column)
    return fields


def per_distinct(fn: Callable[[str], str]) -> Callable[[pd.Series], pd.Series]:
    """Apply a text function once per distinct value: columns repeat values a lot."""

    @functools.wraps(fn)
    def apply(values: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
        mapped = np.array([fn(v) for v in uniques] + [""], dtype=object)
        return pd.Series(mapped[codes], index=values.index, dtype=object)

    return apply


_fold = per_distinct(names.fold)
_letters = per_distinct(names.letters)


def _text(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    parts = [df[c].astype("string").fillna("").astype(object) for c in columns]
    joined = parts[0] if len(parts) == 1 else pd.Series(
        [" ".join(p for p in row if p) for row in zip(*parts, strict=True)], index=df.index
    )
    return _fold(joined.astype(str))


def canonical_first(first: pd.Series) -> pd.Series:
    """Bob -> robert, Liz -> elizabeth; unknown names stay as they are."""
    return per_distinct(names.formal_first_name)(first)


# A pseudonym from the Privacy step (``email_v1_<32 hex>``): equal tokens, equal values.
TOKEN = re.compile(r"^[a-z]+_v\d+_[0-9a-f]{32}$")


def _keep_tokens(fn: Callable[[str], str]) -> Callable[[str], str]:
    """A pseudonym token is kept as it is, so pseudonymised lists still match on it."""
    return lambda text: text if TOKEN.match(text) else fn(text)


def normalise_email(values: pd.Series) -> pd.Series:
    """The inbox each address reaches (:func:`core.normalise.email.mailbox`); '' if none."""
    return per_distinct(_keep_tokens(email.mailbox))(values)


def normalise_phone(values: pd.Series, region: str | None = None) -> pd.Series:
    """The national number (:func:`core.normalise.phone.national_key`); '' when < 6 digits.

    ``region`` is the project's, for numbers without their +code (None: not known).
    """
    return per_distinct(_keep_tokens(lambda t: phone.national_key(t, region)))(values)


_PUNCTUATION = re.compile(r"[^\w ]")


@per_distinct
def normalise_street(text: str) -> str:
    """Punctuation dropped and street words folded (Street/St, Road/Rd)."""
    return " ".join(STREET_ABBREVIATIONS.get(t, t) for t in _PUNCTUATION.sub(" ", text).split())


def normalise_dob(values: pd.Series) -> pd.Series:
    """YYYYMMDD text (:func:`core.normalise.dates.date_digits`), '' when not a date; day
    and month are read in the order most of the column uses, ISO values in any case."""
    fmt = guess_format(pd.unique(values.to_numpy(dtype=object)), formats=DAY_ORDERS)
    return per_distinct(lambda v: date_digits(v, fmt))(values)


def normalise(
    df: pd.DataFrame, roles: dict[str, str] | None = None, id_column: str | None = None,
    *, region: str | None = None,
) -> pd.DataFrame:
    """One row per input row, one string column per matching field ('' = missing).

    ``region`` is the project's, for phone numbers without their +code (None: not known).

    Fields: first, first_canon, last, email, email_local, email_domain, phone, street,
    city, postcode, dob, gender, company and ``extra:<column>`` for identifiers and
    address lines found by header name. Only fields present in the file appear.
    """
    cols = field_columns(list(df.columns), roles, id_column)
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    text = {f: _text(df, c).reset_index(drop=True) for f, c in cols.items()}
    if "full" in text and not ("first" in text and "last" in text):
        split = _letters(text["full"]).str.rsplit(" ", n=1, expand=True).reindex(columns=[0, 1])
        split = split.fillna("")
        text.setdefault("first", split[0].where(split[1] != "", ""))
        text.setdefault("last", split[1].where(split[1] != "", split[0]))
    for field in ("first", "last"):
        if field in text:
            out[field] = _letters(text[field])
    if "first" in out:
        out["first_canon"] = canonical_first(out["first"])
    if "email" in text:
        email = normalise_email(text["email"])
        out["email"] = email
        out["email_local"] = per_distinct(lambda e: e.split("@")[0])(email)
        out["email_domain"] = per_distinct(lambda e: e.split("@")[-1] if e else "")(email)
    if "phone" in text:
        out["phone"] = normalise_phone(text["phone"], region)
    if "street" in text:
        out["street"] = normalise_street(text["street"])
    if "city" in text:
        out["city"] = _letters(text["city"])
    if "postcode" in text:
        out["postcode"] = per_distinct(postcode_key)(text["postcode"])
    if "dob" in text:
        out["dob"] = normalise_dob(text["dob"])
    if "gender" in text:
        out["gender"] = per_distinct(lambda g: g[:1])(text["gender"])
    for field in ("company", *sorted(f for f in text if f.startswith("extra:"))):
        if field in text:
            out[field] = text[field]
    return out


def soundex(values: pd.Series) -> pd.Series:
    """American Soundex per distinct value: Smith/Smyth -> s530 (blocking key)."""
    codes = {c: d for d, letters in enumerate(
        ["aeiouyhw", "bfpv", "cgjkqsxz", "dt", "l", "mn", "r"]) for c in letters}

    def one(name: str) -> str:
        name = "".join(c for c in name if c.isalpha())
        if not name:
            return ""
        out, last = [name[0]], codes.get(name[0], 0)
        for c in name[1:]:
            d = codes.get(c, 0)
            if d and d != last:
                out.append(str(d))
            if c not in "hw":
                last = d
        return "".join(out)[:4].ljust(4, "0")

    return per_distinct(one)(values)
