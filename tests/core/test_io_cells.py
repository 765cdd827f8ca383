"""cell_text: the one rule for showing a value as spreadsheet text (read and write)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from core.io.cells import cell_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("01234", "01234"),
        (None, ""),
        (np.nan, ""),
        (pd.NA, ""),
        (pd.NaT, ""),
        (True, "TRUE"),
        (np.bool_(False), "FALSE"),
        (3.0, "3"),
        (-7.0, "-7"),
        (0.1 + 0.2, "0.3"),  # Excel's 15 significant digits, not 0.30000000000000004
        (19.989999999999998, "19.99"),
        (1e20, "1e+20"),
        (np.float32(2.5), "2.5"),
        (np.int64(42), "42"),
        (12345678901234567, "12345678901234567"),
        (dt.datetime(2024, 3, 4), "2024-03-04"),
        (pd.Timestamp("2024-03-04 05:06:07"), "2024-03-04T05:06:07"),
        (dt.date(1980, 4, 3), "1980-04-03"),
        (dt.time(13, 30), "13:30:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text
