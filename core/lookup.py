"""Finding the keys of one list in another, by position; which sales column names the buyer."""

from __future__ import annotations

import numpy as np
import pandas as pd


def first_positions(keys: pd.Series, wanted) -> np.ndarray:
    """For each of ``wanted``, the position in ``keys`` of the first key equal to it;
    -1 for none. A missing key (NaN, None, <NA>) never matches.

    Looked up by position (``Index.get_indexer``), not with ``Series.map``, which turned
    a million sales lines' results back into the keys' text type (0.34 against 0.11 s).
    """
    keys = keys.reset_index(drop=True)
    usable = (keys.notna() & ~keys.duplicated()).to_numpy()
    rows = np.append(np.flatnonzero(usable), -1)  # position -1: not found
    return rows[pd.Index(keys.to_numpy()[usable]).get_indexer(np.asarray(wanted, dtype=object))]


MATCHED_COLUMN = "matched_id"  # what the link step adds: the customer list's id of each line


def buyer_column(columns) -> str | None:
    """The role-named sales column that says which customer of the list bought a line:
    the link step's ``matched_id`` when it ran -- it looked each line's own id up in the
    list first, then the e-mail and the details -- else the lines' own ``customer_id``.

    The one place the segments and the merge's recommendations decide it: a sales file
    whose column the roles read as ``customer_id`` but which holds something else (an
    order number) would otherwise link no one in one of them.
    """
    have = set(columns)
    return next((c for c in (MATCHED_COLUMN, "customer_id") if c in have), None)
