"""The dates step: ISO 8601 with an explicit, per-column format and a count of what failed.

The format is the user's choice per column (the majority format is offered, never
applied silently); the parser and the formats are :mod:`core.normalise.dates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from core.errors import LocalReachError
from core.jobs import JobContext
from core.normalise.dates import FORMATS, parse_date
from core.quality.base import StepReport, check_columns, map_cells


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
    return (out.copy(deep=False) if out is df else out), report
