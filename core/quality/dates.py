"""Dates to ISO 8601 with an explicit, per-column format and a count of what failed.

"03/04/2024" is the 3rd of April to a German and the 4th of March to an American, so the
format is the user's choice per column (a guess is offered, never applied silently):
day-first, month-first, ISO (year first, also ``YYYYMMDD``) or Excel serial numbers.
A value whose year comes first is unambiguous and is read under any format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from core.errors import LocalReachError
from core.jobs import JobContext
from core.quality.base import StepReport, check_columns, map_cells

FORMATS = ("iso", "day_first", "month_first", "excel_serial")  # also the tie-break order
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
_NAMED = re.compile(r"^(?:(\d{1,2})[ .\-]*([a-z]+)\.?,?[ .\-]*(\d{4})|([a-z]+)\.?[ .\-]*(\d{1,2}),?[ ]*(\d{4}))$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


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
    """The ISO 8601 text of ``value`` read with ``fmt``; None when it is not such a date."""
    text = value.strip().lower()
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


def guess_format(values: Iterable[str], sample: int = 2000) -> str:
    """The format that reads most of ``values``; on a tie ISO, then day-first (most of the world)."""
    distinct = [v for v in dict.fromkeys(values) if v.strip()][:sample]
    if not distinct:
        return "iso"
    scores = {fmt: sum(parse_date(v, fmt) is not None for v in distinct) for fmt in FORMATS}
    scores["excel_serial"] -= 0.5  # only when it clearly reads more
    return max(FORMATS, key=lambda f: scores[f])


@dataclass
class DateConfig:
    """Per column: the format its dates are written in (one of :data:`FORMATS`)."""

    formats: dict[str, str] = field(default_factory=dict)


def standardise_dates(df: pd.DataFrame, config: DateConfig, ctx: JobContext | None = None):
    """Rewrite dates as ``YYYY-MM-DD``; values that do not fit the format are kept and counted."""
    check_columns(df, list(config.formats), "Dates")
    report = StepReport("Dates")
    out = df
    for col, fmt in config.formats.items():
        if fmt not in FORMATS:
            raise LocalReachError(
                f"Dates: '{fmt}' is not a date format for column '{col}'; use one of {', '.join(FORMATS)}"
            )
        out, part = map_cells(out, [col], partial(parse_date, fmt=fmt), "Dates", ctx)
        report.extend(part)
    return (out.copy() if out is df else out), report
