"""What the demo business looks like: the shipped name/product/behaviour lists and the calendar.

The lists live in ``resources/demo/generator.json`` so they can be read and tuned without
touching code; the two-year order calendar is fixed so a seed always gives the same bytes.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np

from core.resources import resource_path

START = np.datetime64("2024-01-01")
DAYS = 731  # 2024-01-01 .. 2025-12-31: two full years of orders
REF_DAY = START + DAYS - 1


@cache
def load_spec() -> dict:
    """The generator inputs (countries, names, nicknames, products, behaviours)."""
    return json.loads(resource_path("demo", "generator.json").read_text(encoding="utf-8"))


def iso_days(days: np.ndarray) -> np.ndarray:
    """Day offsets from :data:`START` as ISO 8601 date strings."""
    return (START + days.astype("timedelta64[D]")).astype(str)
