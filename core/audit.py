"""Audit log entries: what each transformation did, never which values it saw.

An entry records time, step, parameters, row counts, content hashes of the input and
output frames and the key fingerprint, so a user can prove what was done to the data
without the log itself becoming personal data.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pandas as pd

AUDIT_COLUMNS = ["time", "step", "parameters", "rows_in", "rows_out", "input_hash", "output_hash", "key_fingerprint"]


def frame_hash(df: pd.DataFrame | None) -> str:
    """A stable SHA-256 of a frame's columns and values (order-sensitive)."""
    if df is None:
        return ""
    h = hashlib.sha256()
    h.update(json.dumps([str(c) for c in df.columns]).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def make_entry(
    step: str,
    params: dict,
    rows_in: int,
    rows_out: int,
    in_frame: pd.DataFrame | None = None,
    out_frame: pd.DataFrame | None = None,
    key_fingerprint: str | None = None,
) -> dict:
    """One audit row. ``params`` must hold settings only (column names, thresholds)."""
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "step": step,
        "parameters": json.dumps(params, sort_keys=True, default=str),
        "rows_in": int(rows_in),
        "rows_out": int(rows_out),
        "input_hash": frame_hash(in_frame),
        "output_hash": frame_hash(out_frame),
        "key_fingerprint": key_fingerprint or "",
    }
