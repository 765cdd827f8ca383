"""read_table and friends: one entry point for CSV/TSV/TXT and XLSX, all values text.

The source file is opened read-only and never touched; the report carries its sha256
so the project file can tell later whether a re-import read the same bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import FileImportError
from core.io import table_end, text, workbooks, xlsx
from core.io.header import HEADER_SCAN_ROWS, detect_header_row, unique_headers
from core.io.options import ImportOptions, ImportReport
from core.io.repeats import share_repeats
from core.jobs import JobContext, ensure_context

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
WORKBOOK_SUFFIXES = XLSX_SUFFIXES | workbooks.SUFFIXES
PREVIEW_BYTES = 1 << 20


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in workbooks.SUFFIXES:
        return "workbook"
    if suffix == ".numbers":
        raise FileImportError(
            f"{path.name}: Numbers files are not supported; export the sheet from Numbers as "
            ".xlsx or .csv and import that."
        )
    raise FileImportError(
        f"{path.name}: unknown file type '{suffix}'; import a .csv, .tsv, .txt, .xlsx, .xls, "
        ".xlsb or .ods file."
    )


def _check_file(path: str | os.PathLike) -> Path:
    p = Path(path)
    if not p.exists():
        raise FileImportError(f"{p.name}: file not found; check the path and try again.")
    if not p.is_file():
        raise FileImportError(f"{p.name}: this is a folder, not a file; choose a file to import.")
    return p


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _empty_rows(frame: pd.DataFrame, columns: list[int]) -> np.ndarray:
    """Positions of rows empty in every given column; narrows candidates column by column,
    so a real table (few empty first cells) costs about one column comparison."""
    candidates = np.arange(len(frame))
    for j in columns:
        if not candidates.size:
            break
        candidates = candidates[frame[j].to_numpy(dtype=object)[candidates] == ""]
    return candidates


def _empty_unnamed(header: list[str], columns: Callable[[list[int]], np.ndarray]) -> set[int]:
    """Positions of columns with a blank header and no value; ``columns(idx)`` gives
    those columns' values as a 2-D object array."""
    blank = [i for i, h in enumerate(header) if not h.strip()]
    if not blank:
        return set()
    values = columns(blank)
    if not len(values):
        return set(blank)
    used = (values != "").any(axis=0)
    return {i for i, u in zip(blank, used, strict=True) if not u}


def _shape(
    raw_header: list[str],
    frame: pd.DataFrame,
    warnings: list[str],
    dropped: int = 0,
    numbers: list[int] | None = None,
    short: np.ndarray | None = None,
) -> tuple[pd.DataFrame, dict, dict]:
    """Drop all-empty rows, report footers, Total rows and unnamed empty columns; give
    every column a unique visible name.

    ``dropped`` counts unnamed empty columns the caller already left out; ``numbers``
    are the remaining columns' 1-based positions in the file; ``short`` the positions of
    rows that had fewer fields than the header (text files).
    """
    numbers = numbers or list(range(1, frame.shape[1] + 1))
    width = frame.shape[1]
    frame.columns = range(width)
    raw_header = list(raw_header) + [""] * (width - len(raw_header))
    empty_blank = _empty_unnamed(raw_header, lambda idx: frame.iloc[:, idx].to_numpy(dtype=object))
    keep_cols = [i for i in range(width) if i not in empty_blank]
    if empty_blank or dropped:
        warnings.append(f"Ignored {len(empty_blank) + dropped} empty column(s) without a header.")
    empty_rows = _empty_rows(frame, keep_cols) if keep_cols else np.arange(len(frame))
    start, footer, totals = table_end.find_footer_and_totals(frame[keep_cols])
    left_out = np.concatenate([empty_rows, footer, totals]).astype(int)
    blank = int((empty_rows < start).sum())  # blank lines before a footer belong to it
    if blank:
        warnings.append(f"Skipped {blank} empty row(s).")
    short_left = 0 if short is None else np.setdiff1d(short, left_out).size
    warnings.extend(table_end.warnings_for(len(footer), len(totals), short_left))
    set_aside = {k: v for k, v in (("footer", len(footer)), ("total", len(totals))) if v}
    if left_out.size:
        keep = np.ones(len(frame), dtype=bool)
        keep[left_out] = False
        frame = frame[keep]
    if empty_blank or left_out.size:
        frame = frame[keep_cols].reset_index(drop=True)
    if any(pd.api.types.is_object_dtype(d) for d in frame.dtypes):
        frame = frame.astype(str)
    names, renamed, rename_warnings = unique_headers(
        [raw_header[i] for i in keep_cols], [numbers[i] for i in keep_cols]
    )
    warnings.extend(rename_warnings)
    frame.columns = names
    return frame, renamed, set_aside


def _read_text(path: Path, options: ImportOptions, ctx: JobContext, preview_rows: int | None):
    with open(path, "rb") as fh:
        data = fh.read() if preview_rows is None else fh.read(PREVIEW_BYTES + 1)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileImportError(
            f"{path.name}: this is an Excel workbook, not text; save it as .xlsx (or export it "
            "as CSV from Excel) and import that."
        )
    partial = len(data) > PREVIEW_BYTES and preview_rows is not None
    sha = _sha256(path) if partial else hashlib.sha256(data).hexdigest()

    def parse(data: bytes, partial: bool):
        src = text.prepare(
            data[:PREVIEW_BYTES] if partial else data,
            path.name,
            path.suffix.lower(),
            options,
            partial,
        )
        return src, *text.parse(src, path.name, ctx, nrows=preview_rows)

    try:
        src, raw_header, frame = parse(data, partial)
    except FileImportError:
        if not partial:
            raise
        # the preview prefix may end inside a quoted value: read the whole file then
        src, raw_header, frame = parse(path.read_bytes(), False)
    del data
    warnings: list[str] = []
    short = None
    if len(frame) and frame.shape[1] > 1 and (frame.iloc[:, -1] == "").any():
        short = text.short_records(src, len(raw_header), len(frame))
    frame, renamed, set_aside = _shape(raw_header, frame, warnings, short=short)
    unguarded = text.strip_formula_guards(frame, src.body)
    if unguarded:
        warnings.append(
            f"Removed the protective apostrophe before = + - @ from {unguarded} cell(s)."
        )
    report = ImportReport(
        path=str(path),
        sha256=sha,
        rows=len(frame),
        columns=frame.shape[1],
        encoding=src.encoding,
        delimiter=src.delimiter,
        sheet=None,
        sheets=[],
        header_row=src.header_row,
        warnings=warnings,
        renamed_headers=renamed,
        set_aside=set_aside,
    )
    return frame, report


def _pick_sheet(names: list[str], wanted, file_name: str) -> str | None:
    if wanted is None:
        return None
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        if 0 <= wanted < len(names):
            return names[wanted]
        raise FileImportError(
            f"{file_name}: there is no sheet number {wanted + 1}; it has {len(names)}."
        )
    if wanted in names:
        return wanted
    raise FileImportError(
        f"{file_name}: there is no sheet named '{wanted}'; choose one of its {len(names)} sheets."
    )


def _sheet_frame(book: _Book, sheet: str, options: ImportOptions, ctx: JobContext, preview_rows):
    limit = None if preview_rows is None else preview_rows + HEADER_SCAN_ROWS + 1
    path = book.path
    rows = book.rows(sheet, limit)
    if not any(any(v.strip() for v in row) for row in rows):
        return None
    header_row = options.header_row
    if header_row is None:
        header_row = detect_header_row(rows)
    if header_row >= len(rows):
        raise FileImportError(
            f"{path.name} / {sheet}: header row {header_row + 1} is past the last row; choose a smaller one."
        )
    width = max(len(r) for r in rows)
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]
    body = rows[header_row + 1 :][:preview_rows]
    values = np.array(body, dtype=object).reshape(len(body), width)
    # leave out empty unnamed columns before pandas types each one (slow by the thousand)
    header = rows[header_row]
    empty = _empty_unnamed(header, lambda idx: values[:, idx])
    keep = [i for i in range(width) if i not in empty]
    share_repeats(values, keep)
    frame = pd.DataFrame(values[:, keep], columns=range(len(keep)))
    warnings: list[str] = []
    if sheet in book.hidden:
        warnings.append(f"Sheet '{sheet}' is hidden in Excel.")
    frame, renamed, set_aside = _shape(
        [header[i] for i in keep], frame, warnings, len(empty), [i + 1 for i in keep]
    )
    report = ImportReport(
        path=str(path),
        sha256=book.sha256,
        rows=len(frame),
        columns=frame.shape[1],
        encoding=None,
        delimiter=None,
        sheet=sheet,
        sheets=book.sheets,
        header_row=header_row,
        warnings=warnings,
        renamed_headers=renamed,
        set_aside=set_aside,
    )
    return frame, report


@dataclass
class _Book:
    path: Path
    rows: Callable[[str, int | None], list[list[str]]]  # (sheet, row limit) -> rows as text
    sheets: list[str]
    hidden: set[str]
    sha256: str


@contextlib.contextmanager
def _open_book(path: Path, ctx: JobContext) -> Iterator[_Book]:
    """Guard, then open with calamine (in a child process for .xls/.xlsb/.ods); closed
    afterwards so Excel can save the file again."""
    if _kind(path) == "workbook":
        workbooks.guard(path, ctx)
        with workbooks.ChildBook(path, ctx) as child:
            yield _Book(path, child.rows, child.sheets, child.hidden, _sha256(path))
        return
    xlsx.guard_workbook(str(path), path.name, ctx)
    workbook = xlsx.open_workbook(str(path), path.name)
    try:
        sheets, hidden = xlsx.worksheets(workbook)

        def rows(sheet: str, limit: int | None) -> list[list[str]]:
            return xlsx.sheet_rows(workbook, sheet, path.name, ctx, limit=limit)

        yield _Book(path, rows, sheets, hidden, _sha256(path))
    finally:
        workbook.close()


def _read_book(path: Path, options: ImportOptions, ctx: JobContext, preview_rows: int | None):
    with _open_book(path, ctx) as book:
        chosen = _pick_sheet(book.sheets, options.sheet, path.name)
        for sheet in [chosen] if chosen is not None else book.sheets:
            result = _sheet_frame(book, sheet, options, ctx, preview_rows)
            if result is not None:
                return result
            if chosen is not None:
                raise FileImportError(
                    f"{path.name}: sheet '{sheet}' is empty; choose another sheet."
                )
    raise FileImportError(f"{path.name}: every sheet in the workbook is empty.")


def read_table(
    path: str | os.PathLike, options: ImportOptions | None = None, ctx: JobContext | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """Read one table with every value as text ("" for empty); never modifies the file."""
    return _read(path, options, ctx, None)


def preview_table(
    path: str | os.PathLike, options: ImportOptions | None = None, rows: int = 200
) -> tuple[pd.DataFrame, ImportReport]:
    """The first ``rows`` data rows, fast enough for a live preview while options change."""
    return _read(path, options, None, rows)


def _read(path, options, ctx, preview_rows):
    p = _check_file(path)
    options = options or ImportOptions()
    ctx = ensure_context(ctx)
    kind = _kind(p)
    try:
        if kind == "text":
            return _read_text(p, options, ctx, preview_rows)
        return _read_book(p, options, ctx, preview_rows)
    except PermissionError:
        raise FileImportError(
            f"{p.name}: permission denied; close it in other programs or copy it first."
        ) from None
    except MemoryError:
        raise FileImportError(
            f"{p.name}: not enough memory to read this file; split it into smaller files."
        ) from None


def list_sheets(path: str | os.PathLike) -> list[str]:
    """Worksheet names of a workbook (checked by the zip guard); ``[]`` for text files."""
    p = _check_file(path)
    if _kind(p) == "text":
        return []
    with _open_book(p, ensure_context(None)) as book:
        return book.sheets


def read_all_sheets(
    path: str | os.PathLike, options: ImportOptions | None = None, ctx: JobContext | None = None
) -> dict[str, tuple[pd.DataFrame, ImportReport]]:
    """Every non-empty worksheet (a text file counts as one sheet named after the file)."""
    p = _check_file(path)
    options = options or ImportOptions()
    ctx = ensure_context(ctx)
    if _kind(p) == "text":
        return {p.stem: _read(p, options, ctx, None)}
    with _open_book(p, ctx) as book:
        out = {}
        for sheet in book.sheets:
            result = _sheet_frame(book, sheet, options, ctx, None)
            if result is not None:
                out[sheet] = result
    if not out:
        raise FileImportError(f"{p.name}: every sheet in the workbook is empty.")
    return out


def read_stacked(
    path: str | os.PathLike, options: ImportOptions | None = None, ctx: JobContext | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """All sheets as one table (e.g. one sheet per shop or per month), with a ``sheet``
    column (``source sheet`` if that name is taken) saying where each row came from;
    columns missing on a sheet are ""."""
    parts = read_all_sheets(path, options, ctx)
    taken = any("sheet" in df.columns for df, _report in parts.values())
    label = "source sheet" if taken else "sheet"
    frames = [df.assign(**{label: name}) for name, (df, _report) in parts.items()]
    stacked = pd.concat(frames, ignore_index=True, sort=False).fillna("")
    stacked = stacked[[label, *[c for c in stacked.columns if c != label]]]
    first = next(iter(parts.values()))[1]
    warnings = [f"Sheet '{name}': {w}" for name, (_df, r) in parts.items() for w in r.warnings]
    report = dataclasses.replace(
        first, rows=len(stacked), columns=stacked.shape[1], sheet=None, warnings=warnings,
        renamed_headers={k: v for _n, (_d, r) in parts.items() for k, v in r.renamed_headers.items()},
        set_aside=dict(sum((Counter(r.set_aside) for _d, r in parts.values()), Counter())),
    )
    return stacked, report
