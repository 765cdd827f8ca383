"""E-mail and phone standardisation: one written form per address and per number.

E-mails are checked for syntax only (email-validator, never a DNS look-up: nothing
leaves the computer). Phones become E.164 (``+4915112345678``) with phonenumbers and a
default region the user sets for numbers written without a country code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache, partial

import pandas as pd
import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from core.jobs import JobContext
from core.quality.base import check_columns, map_cells
from core.quality.places import row_countries

# The everyday address (ASCII, dot-atoms, a letters-only top-level domain) is checked by
# this pattern, ~20x faster than email-validator; anything else goes to email-validator.
_PLAIN = re.compile(
    r"^(?=.{1,64}@)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_SPECIAL = tuple(SPECIAL_USE_DOMAIN_NAMES)


@lru_cache(maxsize=1 << 18)
def normalise_email(value: str) -> str | None:
    """NFKC, trimmed, lower-case address; None when its syntax is not a valid address."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if not text:
        return None
    if _PLAIN.match(text):
        domain = text.rpartition("@")[2]
        if not any(domain == d or domain.endswith("." + d) for d in _SPECIAL):
            return text
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def normalise_phone(value: str, region: str = "DE", strict: bool = False) -> str | None:
    """E.164 form, or None when unreadable.

    By default a number needs the right length for its country (and 6+ digits): the
    library's list of ranges in use lags behind new ones. ``strict`` also wants such a range.
    """
    return _phone(value, region, strict)


@lru_cache(maxsize=1 << 18)
def _phone(value: str, region: str, strict: bool) -> str | None:
    """Cached: the report, the preview and the apply all read the same numbers."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if strict:
        ok = phonenumbers.is_valid_number(number)
    else:
        ok = (
            phonenumbers.is_possible_number_with_reason(number) == _POSSIBLE
            and len(str(number.national_number)) >= 6
        )
    if not ok:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


@dataclass
class EmailConfig:
    """E-mail columns; ``flag_invalid`` adds ``<column>_invalid`` ("yes" where unreadable)."""

    columns: list[str] = field(default_factory=list)
    flag_invalid: bool = True


def standardise_emails(df: pd.DataFrame, config: EmailConfig, ctx: JobContext | None = None):
    """Trim and lower-case addresses; invalid ones are kept as written and flagged, never dropped."""
    flag = "_invalid" if config.flag_invalid else None
    return map_cells(
        df, config.columns, normalise_email, "E-mail addresses", ctx, flag_suffix=flag, parallel=True
    )


@dataclass
class PhoneConfig:
    """Phone columns; numbers without a country code take the row's country, else ``region``."""

    columns: list[str] = field(default_factory=list)
    region: str = "DE"
    country_column: str = ""
    strict: bool = False


def standardise_phones(df: pd.DataFrame, config: PhoneConfig, ctx: JobContext | None = None):
    """Write every readable phone number in E.164; unreadable ones are kept and counted."""
    check_columns(df, [config.country_column] if config.country_column else [], "Phone numbers")
    regions = row_countries(df, config.country_column, config.region)
    parse = partial(normalise_phone, strict=config.strict)
    return map_cells(df, config.columns, parse, "Phone numbers", ctx, context=regions, parallel=True)
