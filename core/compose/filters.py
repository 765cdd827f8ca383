"""Merge-field filters a marketer needs: money and dates in the user's locale, title case,
first name from a full name, and a ``default`` that also covers empty cells.

Values arrive as strings (core.io keeps every cell literal); each filter parses what it
needs and hands back the value unchanged when it cannot, so a letter never shows
"nan" or a stack trace.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from jinja2 import Undefined

# thousands separator, decimal separator, month names
_LOCALES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "en": (",", ".", ("January", "February", "March", "April", "May", "June", "July",
                      "August", "September", "October", "November", "December")),
    "de": (".", ",", ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                      "August", "September", "Oktober", "November", "Dezember")),
    "fr": ("\u202f", ",", ("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                           "août", "septembre", "octobre", "novembre", "décembre")),
    "nl": (".", ",", ("januari", "februari", "maart", "april", "mei", "juni", "juli",
                      "augustus", "september", "oktober", "november", "december")),
    "es": (".", ",", ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                      "agosto", "septiembre", "octubre", "noviembre", "diciembre")),
}
_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "CHF": "CHF"}
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "la", "le", "du"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mme", "m", "sir", "dame"}


def _lang(locale: str) -> str:
    lang = locale.split("_")[0].lower()
    return lang if lang in _LOCALES else "en"


def to_number(value) -> float:
    """Parse ``"1234.5"``, ``"1.234,50"``, ``"€ 12"``; NaN when there is no number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, Undefined) or value is None:
        return math.nan
    text = re.sub(r"[^\d,.\-]", "", str(value))
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else \
            text.replace(".", "").replace(",", ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = text.replace(",", "") if len(tail) == 3 and head else text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return math.nan


def money(value, currency: str = "EUR", locale: str = "en_GB", decimals: int = 2) -> str:
    """``1234.5`` -> ``€1,234.50`` (en) / ``1.234,50 €`` (de, fr, nl, es)."""
    amount = to_number(value)
    if math.isnan(amount):
        return "" if isinstance(value, Undefined) else str(value)
    thousands, decimal, _ = _LOCALES[_lang(locale)]
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):,.{decimals}f}".partition(".")
    number = whole.replace(",", thousands) + (decimal + frac if frac else "")
    symbol = _SYMBOLS.get(str(currency).upper(), str(currency))
    if _lang(locale) == "en":
        return f"{sign}{symbol}{number}" if len(symbol) == 1 else f"{sign}{symbol} {number}"
    return f"{sign}{number}\u00a0{symbol}"


def parse_date(value) -> date | None:
    text = "" if isinstance(value, Undefined) or value is None else str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y%m%d"):
        try:
            return datetime.strptime(text[:19], fmt).date()
        except ValueError:
            continue
    return None


def long_date(value, locale: str = "en_GB") -> str:
    """ISO ``2024-03-05`` -> ``5 March 2024`` / ``5. März 2024``: never ambiguous."""
    day = parse_date(value)
    if day is None:
        return "" if isinstance(value, Undefined) else str(value)
    lang = _lang(locale)
    month = _LOCALES[lang][2][day.month - 1]
    if lang == "de":
        return f"{day.day}. {month} {day.year}"
    if lang == "es":
        return f"{day.day} de {month} de {day.year}"
    if locale.upper().endswith("_US"):
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


def title_case(value) -> str:
    """``o'BRIEN-smith van dyke`` -> ``O'Brien-Smith van Dyke``; ``mary's`` stays ``Mary's``."""
    if isinstance(value, Undefined):
        return value  # type: ignore[return-value]
    words = []
    for i, word in enumerate(str(value).lower().split(" ")):
        if i and word in _PARTICLES:
            words.append(word)
        else:
            words.append(re.sub(r"(^|-|['’](?=\w{2}))(\w)", lambda m: m[1] + m[2].upper(), word))
    return " ".join(words)


def first_name(value) -> str:
    """First name from a full name: ``Dr. Anna Smith`` / ``Smith, Anna`` -> ``Anna``."""
    if isinstance(value, Undefined):
        return value  # type: ignore[return-value]  # stays empty for ``default``
    text = str(value).strip()
    if "," in text:
        text = text.split(",", 1)[1]
    for word in text.split():
        if word.lower().rstrip(".") not in _TITLES:
            return word
    return ""


def default(value, fallback: str = "", boolean: bool = False):
    """Like Jinja's ``default``, but an empty cell counts as missing too."""
    if isinstance(value, Undefined) or value is None or value == "" or (boolean and not value):
        return fallback
    return value


def text(value) -> str:
    """The cell as text, ``""`` when empty (for comparisons in rules)."""
    return "" if isinstance(value, Undefined) or value is None else str(value)


def make_filters(locale: str) -> dict:
    """The filter table for one environment, bound to the user's locale."""
    return {
        "money": lambda v, currency="EUR", decimals=2: money(v, currency, locale, decimals),
        "date": lambda v: long_date(v, locale),
        "title": title_case,
        "first_name": first_name,
        "default": default,
        "d": default,
        "number": to_number,
        "text": text,
    }
