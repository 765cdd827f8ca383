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
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import phonenumberutil as _pnu

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
    region = _region(region)
    if _PLAIN.fullmatch(text):
        number = _parse_plain(text, region)
        if number is not _UNSURE:
            return number
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


# Digits with the usual separators, optionally after "(" and one "+": most of a file's numbers.
_PLAIN = re.compile(r"\(?\+?[0-9][0-9 ()./-]*[0-9]")
_UNSURE = object()
_NOT_SHORTER = (phonenumbers.ValidationResult.TOO_SHORT, phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
                phonenumbers.ValidationResult.INVALID_LENGTH)


def _parse_plain(text: str, region: str | None):
    """:func:`phonenumbers.parse` step by step for a :data:`_PLAIN` text, on its digits.

    The library normalises every character through its Unicode tables (about two
    thirds of its time); a plain text's digits are its normal form already, so the same
    steps run on them with the library's own helpers. Returns the same PhoneNumber, None
    where the library refuses the number, or ``_UNSURE`` for the one path not
    mirrored (an unknown code after "+": the library tries again without the "+").
    """
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < 3 or len(text) > _pnu._MAX_INPUT_STRING_LENGTH:
        return _UNSURE
    plus = text.startswith(("+", "(+"))
    valid_region = _pnu._is_valid_region_code(region)
    if not valid_region and not plus:
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None) if region else None
    if valid_region and metadata is None:
        return _UNSURE
    international = plus
    if not plus and metadata.international_prefix is not None:
        international, digits = _pnu._parse_prefix_as_idd(_pnu.re_compile(metadata.international_prefix), digits)
    country_code = 0
    if international:
        if len(digits) <= _pnu._MIN_LENGTH_FOR_NSN:
            return None
        country_code, national = _pnu._extract_country_code(digits)
        if country_code == 0:
            return _UNSURE if plus else None
    elif digits.startswith(str(metadata.country_code)):
        national = digits[len(str(metadata.country_code)):]
        national = _pnu._maybe_strip_national_prefix_carrier_code(national, metadata)[1]
        general = metadata.general_desc
        if ((not _pnu._match_national_number(digits, general, False)
             and _pnu._match_national_number(national, general, False))
                or _pnu._test_number_length(digits, metadata) == phonenumbers.ValidationResult.TOO_LONG):
            country_code = metadata.country_code
    if country_code:
        number_region = _pnu.region_code_for_country_code(country_code)
        if number_region != region:
            metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, number_region)
    else:
        country_code, national = metadata.country_code, digits
    if len(national) < _pnu._MIN_LENGTH_FOR_NSN:
        return None
    stripped = _pnu._maybe_strip_national_prefix_carrier_code(national, metadata)[1]
    if _pnu._test_number_length(stripped, metadata) not in _NOT_SHORTER:
        national = stripped
    if not _pnu._MIN_LENGTH_FOR_NSN <= len(national) <= _pnu._MAX_LENGTH_FOR_NSN:
        return None
    number = phonenumbers.PhoneNumber(country_code=country_code)
    _pnu._set_italian_leading_zeros_for_phone_number(national, number)
    number.national_number = int(national)
    return number


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
    return _remember(number)


# E.164 text -> its national significant number, for numbers cleaning already read: the
# duplicate search compares cleaned numbers by it and need not parse them again.
_NATIONAL: dict[str, str] = {}
_NATIONAL_MAX = 1 << 18


@cache
def _trunk(country_code: int) -> str | None:
    """The trunk prefix a national number of this country never starts with once read
    ("0"), "" when it has none; None when reading it again may change it (a prefix read by
    a pattern, as in GB, AR or JP): such numbers are not remembered."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(
        phonenumbers.region_code_for_country_code(country_code))
    if meta is None or meta.national_prefix_transform_rule is not None:
        return None
    if meta.national_prefix_for_parsing not in (None, meta.national_prefix):
        return None
    return meta.national_prefix or ""


def _remember(number: phonenumbers.PhoneNumber) -> str:
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    trunk = _trunk(number.country_code)
    national = phonenumbers.national_significant_number(number)
    if trunk is not None and not (trunk and national.startswith(trunk)):
        if len(_NATIONAL) >= _NATIONAL_MAX:
            _NATIONAL.clear()
        _NATIONAL[e164] = national  # what parsing e164 again gives
    return e164


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
    known = _NATIONAL.get(value)
    if known is not None:
        return known if len(known) >= 6 else ""
    digits = _NOT_DIGIT.sub("", value.replace("(0)", ""))
    number = parse(value, region)
    if number is None and digits.startswith("00"):  # ITU's international prefix, used by most countries
        number = parse("+" + digits[2:], None)
    digits = phonenumbers.national_significant_number(number) if number else digits.lstrip("0")
    return digits if len(digits) >= 6 else ""
