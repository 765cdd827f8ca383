"""The project's region: the one country assumed for values that do not name theirs.

A phone number without its +code or a postcode without a country means something only
in a country. The engine never assumes one: the region is detected once per project,
shown, stored, and passed to every step. Detection, in order of evidence:

1. the country column's majority (the most common recognised country; a tie decides nothing);
2. the country codes of the phone numbers written internationally (``+44 ...``, ``0044 ...``);
3. the territory of the system locale (``en_GB.UTF-8`` -> GB), which the caller reads:
   core never looks at the machine it runs on.

None when none of them says: steps then read only values that name their country.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from core.errors import LocalReachError
from core.normalise.countries import country_code
from core.roles import Role

SAMPLE = 5000  # rows looked at: a region is a majority, not a census
_LOCALE = re.compile(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})(?:[.@].*)?$")
_INTERNATIONAL = re.compile(r"^\s*(\+|00)")


def check_region(code: str) -> str:
    """``code`` as an upper-case ISO 3166 alpha-2 country, or one clear error."""
    text = str(code).strip().upper()
    if len(text) != 2 or country_code(text) != text:
        raise LocalReachError(f"Region '{code}': use a two-letter country code such as DE or GB")
    return text


def _majority(counts: Counter) -> str | None:
    top = counts.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


def _columns(frame: pd.DataFrame, roles: dict[str, str], role: Role) -> list[str]:
    return [c for c, r in roles.items() if r == role and c in frame.columns]


def _values(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    head = frame[columns].head(SAMPLE)
    return [str(v) for col in columns for v in head[col].dropna().to_numpy() if str(v).strip()]


def region_from_countries(frame: pd.DataFrame, roles: dict[str, str]) -> str | None:
    """The most common recognised country of the country columns."""
    codes = (country_code(v) for v in _values(frame, _columns(frame, roles, Role.COUNTRY)))
    return _majority(Counter(c for c in codes if c))


def region_from_phones(frame: pd.DataFrame, roles: dict[str, str]) -> str | None:
    """The most common country of the phone numbers written with their country code."""
    import phonenumbers  # here: the window's first screen asks only the locale's region

    from core.normalise.phone import parse

    counts: Counter = Counter()
    for value in _values(frame, _columns(frame, roles, Role.PHONE)):
        if not _INTERNATIONAL.match(value):
            continue
        text = "+" + value.strip()[2:] if value.strip().startswith("00") else value
        number = parse(text, None)
        if number is not None:
            code = phonenumbers.region_code_for_number(number)
            counts[code if code and code != "ZZ" else
                   phonenumbers.region_code_for_country_code(number.country_code)] += 1
    counts.pop("ZZ", None)
    return _majority(counts)


def region_from_locale(locale: str | None) -> str | None:
    """The territory of a locale name (``de_DE.UTF-8``, ``en-GB``); None for ``C``/``POSIX``."""
    m = _LOCALE.match(locale or "")
    code = m.group(1).upper() if m else None
    return code if code and country_code(code) == code else None


def detect_region(frame: pd.DataFrame | None, roles: dict[str, str], locale: str | None = None) -> str | None:
    """The project's region from the data, else from ``locale``; None when nothing says."""
    if frame is not None:
        for found in (region_from_countries(frame, roles), region_from_phones(frame, roles)):
            if found:
                return found
    return region_from_locale(locale)
