"""How real CRM values look and go wrong: phone styles, street styles, typos, case, umlauts.

Every function takes its random numbers as plain floats in [0, 1) drawn up front by the
caller, so record generation stays deterministic and fast (no per-call RNG objects).
"""

from __future__ import annotations

import unicodedata
from functools import cache

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
PHONE_STYLES = 6


@cache
def ascii_name(name: str) -> str:
    """``Müller`` -> ``Mueller``, ``Élodie`` -> ``Elodie``: how people type names in e-mails."""
    text = unicodedata.normalize("NFKD", name.translate(_UMLAUTS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def email_local(first: str, last: str, pattern: int, number: int) -> str:
    """One of five common local-part habits (first.last, flast, ...)."""
    f = ascii_name(first).lower().replace(" ", "").replace("'", "")
    ln = ascii_name(last).lower().replace(" ", "").replace("'", "")
    return (f"{f}.{ln}", f"{f}{ln}", f"{f[0]}.{ln}", f"{f}_{ln}{number}", f"{ln}.{f}")[pattern]


def typo(text: str, u: float, v: float) -> str:
    """One keyboard slip: a dropped, swapped, doubled or wrong letter (never the first)."""
    if len(text) < 3:
        return text
    i = 1 + int(u * (len(text) - 2))
    op = int(v * 4)
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == 2:
        return text[:i] + text[i] + text[i:]
    return text[:i] + _LETTERS[int(v * 1000) % 26] + text[i + 1 :]


def case_variant(text: str, u: float) -> str:
    return text.upper() if u < 0.5 else text.lower()


def phone(code: str, nsn: str, prefix_len: int, style: int) -> str:
    """Format national number ``nsn`` in one of :data:`PHONE_STYLES` ways people write it.

    0 ``+49 151 12345678``, 1 ``0151 12345678``, 2 ``+49 151 1234 5678``,
    3 ``+4915112345678``, 4 ``0049 151 12345678``, 5 ``0151/12345678``
    (French numbers come in pairs: ``06 12 34 56 78``).
    """
    pre, rest = nsn[:prefix_len], nsn[prefix_len:]
    if code == "33":
        grouped = " ".join(rest[i : i + 2] for i in range(0, len(rest), 2))
        alt = " ".join(rest[i : i + 3] for i in range(0, len(rest), 3))
        sep = "."
    else:
        grouped, alt, sep = rest, f"{rest[: len(rest) // 2]} {rest[len(rest) // 2 :]}", "/"
    if style == 0:
        return f"+{code} {pre} {grouped}"
    if style == 1:
        return f"0{pre} {grouped}"
    if style == 2:
        return f"+{code} {pre} {alt}"
    if style == 3:
        return f"+{code}{nsn}"
    if style == 4:
        return f"00{code} {pre} {grouped}"
    if code == "33":
        return f"0{pre}.{grouped.replace(' ', sep)}"
    return f"0{pre}{sep if code == '49' else '-'}{rest}"


def street(style: str, name: str, number: int) -> str:
    return f"{name} {number}" if style == "name_number" else f"{number} {name}"


def abbreviate(text: str, abbreviations: list[list[str]]) -> str:
    """``Hauptstraße 5`` -> ``Hauptstr. 5``: the first abbreviation that applies."""
    for long, short in abbreviations:
        if long in text:
            return text.replace(long, short, 1)
    return text
