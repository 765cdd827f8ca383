"""Postcodes written the way their country writes them.

A rule exists only for countries whose format is known; a postcode of another country,
or with no country (``country`` empty: the project's region is not known), is left as
written with its spaces tidied, because a wrong rule would break good postcodes.
"""

from __future__ import annotations

import re

# Postcode rules: (pattern on the bare upper-case text without spaces/dashes, format).
_RULES: dict[str, tuple[re.Pattern, str]] = {
    "DE": (re.compile(r"^(\d{5})$"), r"\1"),
    "FR": (re.compile(r"^(\d{5})$"), r"\1"),
    "IT": (re.compile(r"^(\d{5})$"), r"\1"),
    "ES": (re.compile(r"^(\d{5})$"), r"\1"),
    "US": (re.compile(r"^(\d{5})(?:(\d{4}))?$"), "ZIP"),
    "AT": (re.compile(r"^(\d{4})$"), r"\1"),
    "CH": (re.compile(r"^(\d{4})$"), r"\1"),
    "BE": (re.compile(r"^(\d{4})$"), r"\1"),
    "DK": (re.compile(r"^(\d{4})$"), r"\1"),
    "NO": (re.compile(r"^(\d{4})$"), r"\1"),
    "AU": (re.compile(r"^(\d{4})$"), r"\1"),
    "NL": (re.compile(r"^(\d{4})([A-Z]{2})$"), r"\1 \2"),
    "SE": (re.compile(r"^(\d{3})(\d{2})$"), r"\1 \2"),
    "PL": (re.compile(r"^(\d{2})(\d{3})$"), r"\1-\2"),
    "PT": (re.compile(r"^(\d{4})(\d{3})$"), r"\1-\2"),
    "CA": (re.compile(r"^([A-Z]\d[A-Z])(\d[A-Z]\d)$"), r"\1 \2"),
    "GB": (re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$"), r"\1 \2"),
    "IE": (re.compile(r"^([AC-FHKNPRTV-Y]\d{2}|D6W)([AC-FHKNPRTV-Y\d]{4})$"), r"\1 \2"),
}
_DIGITS = {"DE": 5, "FR": 5, "IT": 5, "ES": 5, "US": 5, "AT": 4, "CH": 4, "BE": 4, "DK": 4, "NO": 4, "AU": 4}
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def format_postcode(value: str, country: str) -> str | None:
    """The postcode as ``country`` writes it; None when it breaks that country's rule.

    A missing leading zero (Excel turned "01067" into 1067) is put back.
    """
    rule = _RULES.get(country.upper())
    text = re.sub(r"[\s\-]+", "", value.upper())
    if rule is None:
        return " ".join(value.split()) or None
    width = _DIGITS.get(country.upper())
    if width and text.isdigit() and len(text) == width - 1:
        text = text.zfill(width)
    pattern, fmt = rule
    m = pattern.match(text)
    if not m:
        return None
    if fmt == "ZIP":
        return m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
    return m.expand(fmt)


def postcode_key(value: str) -> str:
    """Lower-case letters and digits only, for comparing records: "SW1A 1AA" = "sw1a1aa"."""
    return _NOT_ALNUM.sub("", value.lower())
