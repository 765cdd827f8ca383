"""XLSX reading: a zip guard first, then calamine for speed, cells turned into text.

python-calamine aborts the whole process (an uncatchable Rust allocation failure) on a
tiny workbook whose cells span A1:XFD1048576, and any XML parser is at risk from
entity expansion. So before calamine sees a file we read the zip listing and stream
every part once ourselves: entry count, total size, compression ratio, CRC, no
DOCTYPE/ENTITY declarations, and the cell range each worksheet claims or uses.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

import python_calamine

from core.errors import FileImportError
from core.io.cells import cell_text
from core.jobs import Cancelled, JobContext

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 1 << 30  # 1 GiB of XML is far beyond any real CRM export
MAX_RATIO = 100  # zip bombs inflate thousands of times; real sheets 5-20x
RATIO_MIN_BYTES = 1 << 20  # small parts may compress oddly well; judge ratio above 1 MiB
MAX_CELLS = 50_000_000  # rows x columns spanned from A1: what calamine allocates
SPARSE_MIN_CELLS = 2_000_000  # above this span, the sheet must be reasonably filled...
SPARSE_RATIO = 20  # ...with at least one cell present per 20 spanned
_READ = 1 << 20
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_CELL_COLUMN = re.compile(rb'r="([A-Z]{1,4})[0-9]')
_CELL_ROW = re.compile(rb'r="[A-Z]{1,4}([0-9]{1,9})"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,4})?([0-9]{1,9})?(?::([A-Z]{1,4})([0-9]{1,9}))?"'
)
_UNIQUE_COUNT = re.compile(rb'uniqueCount="([0-9]{1,20})"')
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)


@dataclass
class SheetSpan:
    rows: int = 0
    columns: int = 0
    cells: int = 0  # cell elements actually present

    def check(self, name: str, complete: bool) -> None:
        """Refuse a range calamine would allocate that is huge, or huge and nearly empty."""
        spanned = self.rows * self.columns
        if spanned > MAX_CELLS:
            raise _refuse(
                name,
                f"a sheet spans {self.rows:,} rows x {self.columns:,} columns, "
                f"beyond the {MAX_CELLS:,} cells LocalReach can read safely",
            )
        if complete and spanned > SPARSE_MIN_CELLS and spanned > SPARSE_RATIO * self.cells:
            raise _refuse(
                name,
                f"a sheet spans {self.rows:,} rows x {self.columns:,} columns "
                f"but holds only {self.cells:,} cells",
            )


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _refuse(name: str, why: str) -> FileImportError:
    return FileImportError(
        f"{name}: {why}; the workbook was not opened. Re-save it in Excel as .xlsx."
    )


def _scan_sheet(data: bytes, span: SheetSpan) -> None:
    """Grow ``span`` to the widest cell range this chunk of sheet XML claims or uses."""
    for m in _DIMENSION.finditer(data):
        for letters, digits in ((m.group(1), m.group(2)), (m.group(3), m.group(4))):
            if letters:
                span.columns = max(span.columns, _column_number(letters))
            if digits:
                span.rows = max(span.rows, int(digits))
    letters = set(_CELL_COLUMN.findall(data))
    if letters:
        span.columns = max(span.columns, max(map(_column_number, letters)))
        rows = _CELL_ROW.findall(data)
        span.rows = max(span.rows, max(map(int, set(rows)), default=0))  # set: one per row
        span.cells += len(rows)


def guard_workbook(path: str, name: str, ctx: JobContext) -> None:
    """Refuse anything calamine or an XML parser could choke on, before they see it."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise _refuse(name, f"it holds {len(infos):,} parts, far more than a workbook has")
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise _refuse(name, "it would unpack to more than 1 GB")
            if total > RATIO_MIN_BYTES and total > MAX_RATIO * max(packed, 1):
                raise _refuse(
                    name, f"it would unpack to more than {MAX_RATIO} times its size (a zip bomb)"
                )
            if not any(_WORKSHEET.fullmatch(i.filename) for i in infos):
                raise FileImportError(
                    f"{name}: this is not an Excel .xlsx workbook (no worksheets found)."
                )
            done = 0
            for info in infos:
                if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise _refuse(
                        name,
                        f"one part would unpack to more than {MAX_RATIO} times its size (a zip bomb)",
                    )
                _check_part(zf, info, name, ctx, done, total)
                done += info.file_size
    except (FileImportError, Cancelled):
        raise
    except Exception:  # zipfile/zlib raise a zoo of types on damaged files
        raise FileImportError(
            f"{name}: this is not a readable .xlsx workbook (damaged, password-protected or an old .xls); "
            "open it in Excel and save it as .xlsx."
        ) from None


def _check_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, ctx: JobContext, done: int, total: int
) -> None:
    """Stream one part: real size within bounds, CRC valid, no DTD, sane cell range."""
    is_sheet = bool(_WORKSHEET.fullmatch(info.filename))
    is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    span = SheetSpan()
    seen = 0
    tail = b""
    in_prolog = is_xml  # a DTD can only sit before the root element
    with zf.open(info) as fh:
        while chunk := fh.read(_READ):
            seen += len(chunk)
            if seen > info.file_size or seen > MAX_UNCOMPRESSED:
                raise _refuse(name, "a part unpacks to more than its listing says")
            if in_prolog:
                if _DOCTYPE.search(tail + chunk):
                    raise _refuse(
                        name, "it contains XML entity declarations, which Excel never writes"
                    )
                in_prolog = not _ROOT_START.search(chunk)
            if is_sheet:
                _scan_sheet(tail + chunk, span)
                span.check(name, complete=False)
            elif is_xml and any(
                int(n) > info.file_size for n in _UNIQUE_COUNT.findall(tail + chunk)
            ):
                # calamine reserves memory for the declared count up front and aborts
                raise _refuse(name, "it declares more shared strings than it holds")
            tail = chunk[-64:]
            ctx.progress(min(done + seen, total), max(total, 1), f"Checking {name}")
    if is_sheet:
        span.check(name, complete=True)


def _calamine_error(name: str) -> FileImportError:
    return FileImportError(
        f"{name}: the workbook could not be read (damaged or not a real .xlsx); "
        "open it in Excel and save it as .xlsx."
    )


def _is_panic(exc: BaseException) -> bool:
    return type(exc).__name__ == "PanicException"


def open_workbook(path: str, name: str):
    try:
        return python_calamine.CalamineWorkbook.from_path(path)
    except BaseException as exc:
        if isinstance(exc, Exception) or _is_panic(exc):
            raise _calamine_error(name) from None
        raise


def worksheets(workbook) -> tuple[list[str], set[str]]:
    """Worksheet names, visible ones first (chart sheets left out), and the hidden ones.

    Visible first because a hidden sheet is rarely what the user means, and a sheet
    picker showing this list then starts on the same sheet read_table picks.
    """
    try:
        meta = workbook.sheets_metadata
    except Exception:
        return list(workbook.sheet_names), set()
    sheets = [m for m in meta if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    hidden = {m.name for m in sheets if m.visible != python_calamine.SheetVisibleEnum.Visible}
    return sorted((m.name for m in sheets), key=lambda name: name in hidden), hidden


def sheet_rows(
    workbook, sheet: str, name: str, ctx: JobContext, limit: int | None = None
) -> list[list[str]]:
    """All rows of one sheet as lists of text, ragged ends padded to the widest row."""
    try:
        ws = workbook.get_sheet_by_name(sheet)
        raw = (
            ws.to_python(skip_empty_area=False, nrows=limit)
            if limit
            else ws.to_python(skip_empty_area=False)
        )
    except BaseException as exc:
        if isinstance(exc, Exception) or _is_panic(exc):
            raise _calamine_error(name) from None
        raise
    out = []
    total = len(raw)
    for i, row in enumerate(raw):
        out.append([v if type(v) is str else cell_text(v) for v in row])
        if i % 20_000 == 0:
            ctx.progress(i, total, f"Reading {name} / {sheet}")
    return out
