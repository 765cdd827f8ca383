"""Dates: one parser with explicit formats, and a detector of a column's format.

"03/04/2024" is the 3rd of April to a German and the 4th of March to an American, so a
date is always read with a named format, never guessed per value:

- ``"day_first"`` (31.12.2024), ``"month_first"`` (12/31/2024), ``"iso"`` (2024-12-31,
  also ``YYYYMMDD``) and ``"excel_serial"`` (45657, days since 1899-12-30);
- a value whose year comes first is unambiguous and is read under every format but
  Excel serials, so ISO values mixed into a day-first column are not lost;
- :func:`guess_format` picks the format that reads most of a column's distinct values
  (the majority format), which the user confirms: it is offered, never applied silently;
- :func:`read_dates` reads a whole column to timestamps with the same parser, once per
  distinct value (a million sales lines hold a few thousand days).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

FORMATS = ("iso", "day_first", "month_first", "excel_serial")  # also the tie-break order
DAY_ORDERS = ("day_first", "month_first")  # each also reads ISO values
FORMAT_LABELS = {
    "day_first": "Day first (31.12.2024)",
    "month_first": "Month first (12/31/2024)",
    "iso": "Year first (2024-12-31)",
    "excel_serial": "Excel serial number (45657)",
}
_SEP = r"[./\- ]"
_NUMERIC = re.compile(
    rf"^(\d{{1,4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,4}})(?:[ t]+(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{1,7}(\.\d+)?$")
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_MONTHS.update({"mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12})  # German short names
_LETTERS = r"[^\W\d_]+"  # any alphabet's letters: "Mär" is March
_NAMED = re.compile(
    rf"^(?:(\d{{1,2}})[ .\-]*({_LETTERS})\.?,?[ .\-]*(\d{{4}})|({_LETTERS})\.?[ .\-]*(\d{{1,2}}),?[ ]*(\d{{4}}))$"
)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# How some programs write "no date": Outlook's contacts export "0/0/00", MySQL's (so
# WooCommerce's and PrestaShop's) "0000-00-00 00:00:00". Read as empty, not as a bad date.
_ZERO_DATE = re.compile(rf"^0+{_SEP}0+{_SEP}0+(?:[ t]+0+:0+(?::0+)?)?$")


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000
        if year > dt.date.today().year:
            year -= 100
    return year


def _month(name: str) -> int | None:
    return _MONTHS.get(name[:3]) if len(name) >= 3 else None


def _render(value: dt.datetime, has_time: bool) -> str:
    if has_time and (value.hour or value.minute or value.second):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return value.strftime("%Y-%m-%d")


def parse_date(value: str, fmt: str) -> str | None:
    """The ISO 8601 text of ``value`` read with ``fmt``; None when it is not such a date,
    '' when it is a program's way of writing no date (``0/0/00``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown date format {fmt!r}; use one of {', '.join(FORMATS)}")
    text = value.strip().lower()
    if _ZERO_DATE.match(text):
        return ""
    try:
        m = _NUMERIC.match(text)
        if m:
            a, b, c, hh, mm, ss = m.groups()
            if len(a) == 4:
                y, mo, d = int(a), int(b), int(c)
            elif fmt == "day_first" and len(c) in (2, 4):
                d, mo, y = int(a), int(b), _year(c)
            elif fmt == "month_first" and len(c) in (2, 4):
                mo, d, y = int(a), int(b), _year(c)
            else:
                return None
            value_dt = dt.datetime(y, mo, d, int(hh or 0), int(mm or 0), int(ss or 0))
            return _render(value_dt, hh is not None)
        m = _COMPACT.match(text)
        if m and fmt in ("iso", "day_first", "month_first"):
            return _render(dt.datetime(*(int(g) for g in m.groups())), False)
        if fmt == "excel_serial" and _SERIAL.match(text):
            days = float(text)
            if not 1 <= days < 2958466:
                return None
            return _render(_EXCEL_EPOCH + dt.timedelta(days=days), True)
        m = _NAMED.match(text)
        if m and fmt != "excel_serial":
            d, name, y, name2, d2, y2 = m.groups()
            month = _month(name or name2)
            if month is None:
                return None
            return _render(dt.datetime(int(y or y2), month, int(d or d2)), False)
    except (ValueError, OverflowError):
        return None
    return None


def date_digits(value: str, fmt: str) -> str:
    """``YYYYMMDD`` for comparing records; '' when ``value`` is not shaped like a date.

    A value shaped like a date that is not a real one ("19458030": month 80) keeps its
    digits in year-month-day order: a typo in a date is still evidence that two records
    agree ("one digit off"), where a parser must say "not a date".
    """
    iso = parse_date(value, fmt)
    if iso is not None:
        return iso[:10].replace("-", "")
    text = value.strip()
    if m := _COMPACT.match(text):
        return "".join(m.groups())
    m = _NUMERIC.match(text)
    if not m or m.group(4) is not None:
        return ""
    a, b, c = m.group(1), m.group(2), m.group(3)
    if len(a) == 4:
        y, mo, d = a, b, c
    elif len(c) == 4 and fmt in DAY_ORDERS:
        y, mo, d = (c, b, a) if fmt == "day_first" else (c, a, b)
    else:
        return ""
    return f"{y}{int(mo):02d}{int(d):02d}"


def guess_format(values: Iterable[str], sample: int = 2000, formats: tuple[str, ...] = FORMATS) -> str:
    """The format among ``formats`` that reads most distinct ``values`` (the majority format).

    Ties go to the earlier format in :data:`FORMATS`: ISO, then day-first (most of the
    world); Excel serials only when they clearly read more. ``formats=DAY_ORDERS`` asks
    only which way round the day and month are, for columns where ISO values mix in.
    """
    distinct = [v for v in dict.fromkeys(values) if v.strip()][:sample]
    if not distinct:
        return formats[0]
    scores = {fmt: sum(parse_date(v, fmt) is not None for v in distinct) for fmt in formats}
    if "excel_serial" in scores:
        scores["excel_serial"] -= 0.5
    return max(formats, key=lambda f: scores[f])


def read_dates(values: pd.Series, fmt: str = "iso") -> pd.Series:
    """``values`` as timestamps read by :func:`parse_date` with ``fmt``; NaT where a value
    is empty or not such a date. Each distinct value is parsed once."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    iso = [parse_date(v, fmt) if isinstance(v, str) else None for v in uniques]
    parsed = pd.to_datetime(pd.Series(iso, dtype=object), format="ISO8601", errors="coerce").to_numpy()
    out = np.full(len(codes), np.datetime64("NaT"), dtype=parsed.dtype)
    known = codes >= 0
    out[known] = parsed[codes[known]]
    return pd.Series(out, index=values.index)
