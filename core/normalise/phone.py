"""Phone numbers: one reading of a number, whichever way it was typed.

A number written without its +code belongs to ``region`` (the project's, or the row's
country); with ``region=None`` such a number cannot be placed, so only numbers with
their +code (or ``00`` code) are read. No country is ever assumed.

Three modes say how sure a reading must be, because the steps need different things:

- ``"valid"``: in a number range in use (the library's list, which lags new ranges);
- ``"possible"``: the right length for its country and 6+ digits (what the cleaning
  writes in E.164: a new range must not make a real number "unreadable");
- ``"parsed"``: anything the library reads as a number (pseudonyms: a token must
  not depend on whether a range is known, and must never change once written).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

from core.errors import LocalReachError
from core.normalise.names import fold_text

MODES = ("valid", "possible", "parsed")
_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE
_JUNK = str.maketrans("", "", " \t\u00a0-./()")
_NOT_DIGIT = re.compile(r"\D")


def _region(region: str | None) -> str | None:
    return region.upper() if region else None


@lru_cache(maxsize=1 << 18)
def parse(value: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """The number ``value`` spells (national numbers read in ``region``); None if none.

    Cached: the report, the preview and the apply all read the same numbers.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    try:
        return phonenumbers.parse(text, _region(region))
    except phonenumbers.NumberParseException:
        return None


def _accepted(number: phonenumbers.PhoneNumber, mode: str) -> bool:
    if mode == "valid":
        return phonenumbers.is_valid_number(number)
    if mode == "possible":
        return (phonenumbers.is_possible_number_with_reason(number) == _POSSIBLE
                and len(str(number.national_number)) >= 6)
    if mode == "parsed":
        return True
    raise ValueError(f"unknown phone mode {mode!r}; use one of {', '.join(MODES)}")


def to_e164(value: str, region: str | None, mode: str) -> str | None:
    """``+4915112345678`` for a number read in ``mode`` (see the module docstring); else None."""
    number = parse(value, region)
    if number is None or not _accepted(number, mode):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_region(region: str | None) -> str | None:
    """``region`` upper-cased, or a clear error when phones have no plan for it."""
    if region and phonenumbers.PhoneMetadata.metadata_for_region(region.upper()) is None:
        raise LocalReachError(
            f"Unknown phone region '{region}': use a two-letter country code such as GB, US or DE."
        )
    return _region(region)


class PhoneKey:
    """The form two spellings of one number share, for pseudonyms: E.164 in ``"parsed"``
    mode, and a fallback for anything else (digits, else the folded text) so that a
    stray "n/a" still gets a token and never stops a file.

    A fast path reads the common spellings (``+49 (0)151 ...``, ``0049 151 ...``,
    ``0151 ...``) as :mod:`phonenumbers` does, at a tenth of the cost.
    """

    def __init__(self, region: str | None) -> None:
        self.region = check_region(region)
        meta = phonenumbers.PhoneMetadata.metadata_for_region(self.region) if self.region else None
        self.country = str(meta.country_code) if meta else ""
        self.trunk = meta is not None and meta.national_prefix == "0"
        self.intl = meta is not None and meta.international_prefix == "00"

    def __call__(self, value: str) -> str:
        text = (unicodedata.normalize("NFKC", value) if not value.isascii() else value).strip()
        digits = text.replace("(0)", "").translate(_JUNK)
        fast = None
        if digits.startswith("+") and digits[1:].isdigit() and digits[1:2] != "0":
            fast = digits
        elif digits.isdigit():
            if self.intl and digits.startswith("00") and digits[2:3] != "0":
                fast = "+" + digits[2:]
            elif self.trunk and digits.startswith("0") and not digits.startswith("00"):
                fast = "+" + self.country + digits[1:]
        if fast is not None and 8 <= len(fast) <= 16:
            return fast
        number = parse(text, self.region)
        if number is None:
            return _NOT_DIGIT.sub("", text) or fold_text(text)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_key(value: str, region: str | None) -> str:
    """The national significant number, for comparing records: ``+49 (0)151 1234-5678``
    and ``0151 12345678`` agree, and so do ``+1 415 555 0123`` and ``(415) 555-0123``.

    The country code is left out on purpose: a file's national numbers carry none, and
    the same digits in two countries are rare among one shop's customers. Without a
    region a national number is its digits after the trunk zeros, and ``00`` starts a
    country code (the ITU's international prefix). All ten digits of a
    North American number are kept (the old "last nine digits" dropped one).
    '' when fewer than 6 digits remain.
    """
    digits = _NOT_DIGIT.sub("", value.replace("(0)", ""))
    number = parse(value, region)
    if number is None and digits.startswith("00"):  # ITU's international prefix, used by most countries
        number = parse("+" + digits[2:], None)
    digits = phonenumbers.national_significant_number(number) if number else digits.lstrip("0")
    return digits if len(digits) >= 6 else ""
