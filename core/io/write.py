"""write_table: CSV / TSV / XLSX export that is atomic and safe to open in Excel.

Spreadsheet apps run a cell starting with = + - @ TAB or CR as a formula (CSV
injection), so such text gets a leading apostrophe in CSV, and XLSX cells are always
written as plain strings. XLSX cannot hold control characters: they are removed and
counted in the returned notes rather than crashing the export.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from core.atomic import atomic_open, atomic_path
from core.errors import LocalReachError
from core.io.cells import cell_text, joined_cells
from core.jobs import JobContext, ensure_context

log = logging.getLogger(__name__)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")
XLSX_MAX_ROWS = 1_048_575  # plus the header row
XLSX_MAX_CHARS = 32_767
_CHUNK = 50_000


def neutralise_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would evaluate; plain numbers like -12.50 pass."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _text_rows(df: pd.DataFrame, start: int, stop: int):
    cols = [df.iloc[start:stop, j].tolist() for j in range(df.shape[1])]
    return zip(*cols, strict=True) if cols else iter([()] * (stop - start))


def _field(text: str, delimiter: str) -> str:
    """``text`` as csv.writer's QUOTE_MINIMAL writes it: quoted (inner quotes doubled)
    when it holds the delimiter, a quote or a line break."""
    if delimiter in text or '"' in text or "\r" in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _odd_strings(texts: np.ndarray, joined: str, delimiter: str) -> np.ndarray:
    """Positions of the strings that are not written as they are (a formula start, the
    delimiter, a quote or a line break), looked for in ``joined``, the strings joined
    with NUL: a substring search per mark (C speed: a million order ids were a million
    Python calls), a regex only when one is there. A NUL inside a value may add a
    position; those are worked out exactly like the others."""
    joined = "\x00" + joined
    marks = [delimiter, '"', "\r", "\n"] + ["\x00" + c for c in FORMULA_START]
    # a lone character is found at memchr speed, "\x00=" ten times slower: look for it first
    if not len(texts) or not any(mark[-1] in joined and mark in joined for mark in marks):
        return np.zeros(0, dtype=np.int64)
    odd = re.compile("|".join(re.escape(mark) for mark in marks))
    hits = [m.start() for m in odd.finditer(joined)]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - lengths - 1  # each string's NUL before it
    return np.unique(np.searchsorted(starts, hits, side="right") - 1)


def _csv_fields(values: pd.Series, delimiter: str) -> list[str]:
    """Each cell as written to CSV (:func:`cell_text`, formulas neutralised, quoted as
    csv.writer quotes). Text that needs none of it is written as it is, found without
    a Python call per cell; anything else is worked out once per distinct value."""
    def field(value) -> str:
        return _field(neutralise_formula(cell_text(value)), delimiter)

    if pd.api.types.is_string_dtype(values.dtype) and (
            values.dtype != object or pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")):
        texts = values.to_numpy(dtype=object)  # the column's own array, not a copy
        joined = joined_cells(texts, "\x00")
        if joined is None:  # a missing value among the text (looking first was a pass per column)
            texts = values.to_numpy(dtype=object, na_value="")
            joined = "\x00".join(texts)
        odd = _odd_strings(texts, joined, delimiter)
        if len(odd):
            texts = texts.copy()
            once = {v: field(v) for v in set(texts[odd].tolist())}
            texts[odd] = [once[v] for v in texts[odd].tolist()]
        return texts.tolist()
    if values.dtype == object:  # mixed Python values: 1, 1.0 and True are equal keys but different texts
        return [field(v) for v in values.tolist()]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([field(u) for u in uniques] + [""], dtype=object)
    return texts[codes].tolist()  # code -1 (missing) takes the last text, ""


def _lines(cols: list[list[str]], delimiter: str, count: int) -> str:
    """``count`` rows of fields (one list per column) as CRLF-ended lines: every field
    followed by the delimiter or the line end, laid out in one list and joined once
    (a join per row made a string per row, then copied it again: 25% slower)."""
    width = len(cols)
    if not width:
        return "\r\n" * count
    parts = [delimiter] * (2 * width * count)
    for j, col in enumerate(cols):
        parts[2 * j::2 * width] = col
    parts[2 * width - 1::2 * width] = ["\r\n"] * count
    return "".join(parts)


def _write_delimited(df: pd.DataFrame, path: Path, delimiter: str, ctx: JobContext) -> list[str]:
    """Lines joined here rather than by csv.writer (the same bytes: QUOTE_MINIMAL, CRLF;
    a row of one empty field is written as ``""``, as csv.writer does)."""
    total, width = len(df), df.shape[1]
    empty_row = '""' if width == 1 else ""
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as fh:
        header = delimiter.join(_field(neutralise_formula(cell_text(c)), delimiter) for c in df.columns)
        fh.write((header or empty_row) + "\r\n")
        for start in range(0, total, _CHUNK):
            stop = min(start + _CHUNK, total)
            cols = [_csv_fields(df.iloc[start:stop, j], delimiter) for j in range(width)]
            if width == 1:
                cols = [[field or empty_row for field in cols[0]]]
            fh.write(_lines(cols, delimiter, stop - start))
            ctx.progress(stop, total, f"Writing {path.name}")
    return []


def _write_xlsx(df: pd.DataFrame, path: Path, ctx: JobContext) -> list[str]:
    if len(df) > XLSX_MAX_ROWS:
        raise LocalReachError(
            f"{path.name}: {len(df):,} rows do not fit in one Excel sheet (max {XLSX_MAX_ROWS:,}); export as .csv."
        )
    from openpyxl import Workbook  # here, not at import: 64 ms of every window's start
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cleaned = truncated = 0
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")

    def cell(value):
        nonlocal cleaned, truncated
        text = cell_text(value)
        safe = ILLEGAL_CHARACTERS_RE.sub("", text)
        cleaned += safe != text
        if len(safe) > XLSX_MAX_CHARS:
            safe, truncated = safe[:XLSX_MAX_CHARS], truncated + 1
        c = WriteOnlyCell(ws, value=safe)
        c.data_type = "s"  # never a formula, whatever the text starts with
        return c

    total = len(df)
    ws.append([cell(c) for c in df.columns])
    for start in range(0, total, _CHUNK):
        stop = min(start + _CHUNK, total)
        for row in _text_rows(df, start, stop):
            ws.append([cell(v) for v in row])
        ctx.progress(stop, total, f"Writing {path.name}")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    notes = []
    if cleaned:
        notes.append(f"Removed control characters from {cleaned} cell(s) that Excel cannot store.")
    if truncated:
        notes.append(
            f"Shortened {truncated} cell(s) to Excel's limit of {XLSX_MAX_CHARS:,} characters."
        )
    for note in notes:
        log.info("%s: %s", path.name, note)
    return notes


def write_table(
    df: pd.DataFrame, path: str | os.PathLike, ctx: JobContext | None = None
) -> list[str]:
    """Write ``df`` to .csv / .tsv / .txt / .xlsx atomically; returns notes on any cleaning."""
    p = Path(path)
    ctx = ensure_context(ctx)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return _write_xlsx(df, p, ctx)
    if suffix in (".csv", ".txt"):
        return _write_delimited(df, p, ",", ctx)
    if suffix == ".tsv":
        return _write_delimited(df, p, "\t", ctx)
    raise LocalReachError(f"{p.name}: cannot export to '{suffix}'; use .csv, .tsv or .xlsx.")
