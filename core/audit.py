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
import weakref
from collections.abc import Callable
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


HASH_VERSION = 3  # 1 (until 2026-12-03): text columns as JSON; 2: NUL-joined UTF-8;
# 3 (2026-12-07): the frame's SHA-256 over each column's own SHA-256 (a column shared by
# the next step's frame is hashed once)


_PIECE = 100_000  # cells per join and encode: one of a million texts held the GIL ~30 ms


def _text_pieces(values: pd.Series | pd.Index, between: Callable[[], None] | None = None) -> list[bytes]:
    """Text cells as one kind byte per cell, then the present cells' text as UTF-8.

    Kind 0 is a missing cell, 1 a string, 2 another Python value (mixed columns) written
    as its type name and text: so None, "" and "None" differ, and so do 1, 1.0, True and
    "1". The texts are joined with NUL, which splits back into the cells as long as no
    text holds a NUL; when one does, each text's length (int64) comes first instead.
    (JSON per cell took 6.8 CPU-s for the 9 frames of a 100k / 1M-line run; this 1.9.)
    Worked out :data:`_PIECE` cells at a time, each a short hold of the GIL (the window's
    thread waits for it while the hashing thread works); the bytes are the same.
    """
    items = values.to_numpy(dtype=object)  # no copy for str and object columns
    kinds, texts, joins = [], [], []
    for start in range(0, len(items), _PIECE):
        if between is not None and start:
            between()
        kind, some, joined = _piece(items[start:start + _PIECE])
        kinds.append(kind.tobytes())
        if some:
            texts.append(some)
            joins.append(joined)
    if all(j.count("\x00") == len(t) - 1 for j, t in zip(joins, texts, strict=True)):
        body = [b"J", *_between((j.encode("utf-8", "surrogatepass") for j in joins), b"\x00")]
    else:
        lengths = b"".join(np.fromiter(map(len, t), dtype="<i8", count=len(t)).tobytes() for t in texts)
        body = [b"L", lengths, *("".join(t).encode("utf-8", "surrogatepass") for t in texts)]
    return kinds + body


def _piece(items: np.ndarray) -> tuple[np.ndarray, list[str], str]:
    """One piece's kind bytes, the texts of its present cells and those joined with NUL."""
    try:  # every cell a string (the common case): no missing mask, no type check
        texts = items.tolist()
        return np.ones(len(texts), dtype=np.uint8), texts, "\x00".join(texts)
    except TypeError:
        present = ~pd.isna(items)
        texts = items[present].tolist()
        other = np.zeros(len(texts), dtype=bool)
        if pd.api.types.infer_dtype(items, skipna=True) not in ("string", "empty"):
            other = np.array([not isinstance(v, str) for v in texts], dtype=bool)
            texts = [f"{type(v).__name__}:{v}" if o else v for v, o in zip(texts, other, strict=True)]
        kinds = present.astype(np.uint8)
        kinds[present] += other
        return kinds, texts, "\x00".join(texts)


def _between(pieces, separator: bytes):
    for i, piece in enumerate(pieces):
        if i:
            yield separator
        yield piece


def _values_pieces(values: pd.Series | pd.Index, between: Callable[[], None] | None = None) -> list[bytes]:
    """The content of one column as bytes: raw (little-endian) for numbers and dates."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        return [np.ascontiguousarray(values.to_numpy(), dtype=dtype.newbyteorder("<")).tobytes()]
    return _text_pieces(values, between)


def _column_digest(values: pd.Series | pd.Index, between: Callable[[], None] | None) -> bytes:
    h = hashlib.sha256()
    pieces = _values_pieces(values, between)
    h.update(sum(map(len, pieces)).to_bytes(8, "little"))
    for piece in pieces:
        h.update(piece)
    return h.digest()


class ColumnDigests:
    """Digests of the columns already hashed, by the array that holds their values.

    A step replaces a few columns and passes the others on as they are (copy-on-write
    shares their arrays), so in a run ~45% of the cells hashed had been hashed before.
    An array is known again by its memory (address, shape, strides, dtype) while it is
    alive (a weak reference to it), so a freed array's address reused by another is
    never mistaken for it. Like the frames, arrays are never changed once hashed.
    """

    def __init__(self) -> None:
        self._known: dict[tuple, tuple[weakref.ref, bytes]] = {}

    def digest(self, values: pd.Series, between: Callable[[], None] | None = None) -> bytes:
        held = _held_array(values)
        if held is None:
            return _column_digest(values, between)
        key, base = held
        known = self._known.get(key)
        if known is not None and known[0]() is base:
            return known[1]
        digest = _column_digest(values, between)
        self._known[key] = (weakref.ref(base, lambda _ref, key=key: self._known.pop(key, None)), digest)
        return digest


def _held_array(values: pd.Series) -> tuple[tuple, np.ndarray] | None:
    """``(key, base array)`` of a column backed by one numpy array (text, numbers, dates);
    None for the others (masked, categorical, Arrow), which are hashed every time."""
    array = getattr(values.array, "_ndarray", None)
    if not isinstance(array, np.ndarray):
        return None
    base = array
    while isinstance(base.base, np.ndarray):
        base = base.base
    key = (id(base), array.__array_interface__["data"][0], array.shape, array.strides,
           array.dtype.str, str(values.dtype))
    return key, base


def frame_hash(df: pd.DataFrame | None, between: Callable[[], None] | None = None,
               columns: ColumnDigests | None = None) -> str:
    """A stable SHA-256 of a frame's content: labels, dtypes, index and every cell.

    The same data gives the same hash in every session and on every machine; one
    changed cell, a reordered row or column, or another dtype gives another hash.
    (Hashing the values' bytes directly is ~5x faster than pandas' row hashes.) The
    header names :data:`HASH_VERSION`, so hashes of another version never coincide;
    nothing re-computes stored hashes (they are compared within a run or a session).
    ``between`` is called between pieces of the work (the window's hashing thread gives
    way to the GUI thread there); ``columns`` remembers the columns hashed before.
    """
    if df is None:
        return ""
    h = hashlib.sha256()
    index = df.index
    header = {
        "version": HASH_VERSION,
        "shape": list(df.shape),
        "columns": [str(c) for c in df.columns],
        "dtypes": [str(t) for t in df.dtypes],
        "index": str(index.dtype),
        "range": [index.start, index.stop, index.step] if isinstance(index, pd.RangeIndex) else None,
    }
    h.update(json.dumps(header, sort_keys=True).encode())
    if not isinstance(index, pd.RangeIndex):
        h.update(_column_digest(index, between))
    for i in range(df.shape[1]):
        if between is not None:
            between()
        values = df.iloc[:, i]
        h.update(columns.digest(values, between) if columns is not None else _column_digest(values, between))
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
