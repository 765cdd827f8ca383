"""One rule for turning a cell value into the text a spreadsheet would show.

Used when reading XLSX (calamine gives floats, datetimes, booleans) and when writing
any frame, so a value reads back the way it was written: whole numbers without
".0", other numbers with Excel's 15 significant digits, dates as ISO 8601,
booleans as TRUE/FALSE, missing values as "".
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd


def cell_text(value) -> str:
    if type(value) is str:
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, dt.datetime):  # pd.Timestamp too
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
