"""The audit log: one entry per transformation, never a personal value.

An entry records when a step ran, with which parameters, how many rows went in and
out, content hashes of the input and output frames (so a run can be proven to have
used exactly this data without storing the data) and the fingerprint of the
pseudonymisation key. Entries are plain dicts in the project state tree and export
to CSV for auditors.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from core.atomic import atomic_open

CSV_COLUMNS = (
    "time",
    "step",
    "params",
    "rows_in",
    "rows_out",
    "input_hash",
    "output_hash",
    "key_fingerprint",
)


_PIECE = 20_000  # values per JSON piece (a few ms each)


def _values_bytes(values: pd.Series | pd.Index) -> bytes:
    """The content of one column as bytes: raw for numbers and dates, JSON for the rest."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        return np.ascontiguousarray(values.to_numpy()).tobytes()
    # the JSON of the whole list, written in pieces: one json.dumps of a million values
    # holds the GIL for ~0.4 s, and the window's GUI thread waits on it
    pieces = (json.dumps(values[i:i + _PIECE].to_numpy(dtype=object, na_value=None).tolist(),
                         ensure_ascii=False, default=str)[1:-1].encode()
              for i in range(0, len(values), _PIECE))
    return b"[" + b", ".join(pieces) + b"]"


def frame_hash(df: pd.DataFrame | None) -> str:
    """A stable SHA-256 of a frame's content: labels, dtypes, index and every cell.

    The same data gives the same hash in every session and on every machine; one
    changed cell, a reordered row or column, or another dtype gives another hash.
    (Hashing the values' bytes directly is ~5x faster than pandas' row hashes.)
    """
    if df is None:
        return ""
    h = hashlib.sha256()
    index = df.index
    header = {
        "shape": list(df.shape),
        "columns": [str(c) for c in df.columns],
        "dtypes": [str(t) for t in df.dtypes],
        "index": str(index.dtype),
        "range": [index.start, index.stop, index.step] if isinstance(index, pd.RangeIndex) else None,
    }
    h.update(json.dumps(header, sort_keys=True).encode())
    parts = [] if isinstance(index, pd.RangeIndex) else [index]
    parts += [df.iloc[:, i] for i in range(df.shape[1])]
    for values in parts:
        data = _values_bytes(values)
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _json_params(params: dict) -> dict:
    """Parameters must be JSON (they are configs); a round trip proves it."""
    return json.loads(json.dumps(params, sort_keys=True, allow_nan=False))


@dataclass(frozen=True)
class AuditEntry:
    """One transformation. ``params`` is the step's config, never data."""

    step: str
    params: dict = field(default_factory=dict)
    rows_in: int = 0
    rows_out: int = 0
    input_hash: str = ""
    output_hash: str = ""
    key_fingerprint: str = ""
    time: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> AuditEntry:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


def make_entry(
    step: str,
    params: dict | None,
    rows_in: int,
    rows_out: int,
    in_frame: pd.DataFrame | None = None,
    out_frame: pd.DataFrame | None = None,
    key_fingerprint: str | None = None,
) -> dict:
    """One audit row (a plain dict, so it lives in the project state tree as is)."""
    return AuditEntry(
        step=step,
        params=_json_params(params or {}),
        rows_in=int(rows_in),
        rows_out=int(rows_out),
        input_hash=frame_hash(in_frame),
        output_hash=frame_hash(out_frame),
        key_fingerprint=key_fingerprint or "",
        time=datetime.now(UTC).isoformat(timespec="seconds"),
    ).to_dict()


def entries_frame(entries: list[dict | AuditEntry]) -> pd.DataFrame:
    """The log as a table (params as compact JSON text), for screens and export."""
    rows = []
    for e in entries:
        d = e.to_dict() if isinstance(e, AuditEntry) else AuditEntry.from_dict(e).to_dict()
        d["params"] = json.dumps(d["params"], sort_keys=True, separators=(",", ":"))
        rows.append([d[c] for c in CSV_COLUMNS])
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS))


def export_csv(entries: list[dict | AuditEntry], path: str | os.PathLike) -> int:
    """Write the log to ``path`` atomically; returns the number of entries written."""
    table = entries_frame(entries)
    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(table.itertuples(index=False, name=None))
    return len(table)
