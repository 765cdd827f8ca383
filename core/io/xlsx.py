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
from collections.abc import Callable
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
MAX_TAG_BYTES = 4 << 20  # a chunk is cut after its last ">"; no real tag or text is this long
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")
_OTHER_PREFIX = re.compile(rb":(?:c|row)[\s/>]")
# a cell reference r="B7": its column always, its row when the quote closes right after it
_CELL_REF = re.compile(rb"r\s*=\s*[\"']([A-Za-z]+)([0-9]+)([\"']?)")
_DIMENSION = re.compile(
    rb"dimension\s+ref\s*=\s*[\"']([A-Za-z]+)?([0-9]+)?(?::([A-Za-z]+)([0-9]+))?"
)
_UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']([0-9]+)")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _refuse(name: str, why: str) -> FileImportError:
    return FileImportError(
        f"{name}: {why}; the workbook was not opened. Re-save it in Excel as .xlsx."
    )


@dataclass(frozen=True)
class ZipKind:
    """What a zipped workbook format must hold, and what to call it in messages."""

    label: str  # "an Excel .xlsx workbook"
    sheet_part: re.Pattern  # a part every workbook of this kind has
    scan: Callable[[str], SheetScan]  # bounds the cells each XML part makes calamine allocate



def _element_patterns(prefix: bytes) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Cell start, row start and row-number patterns for element names after ``<``."""
    return (
        re.compile(rb"<" + prefix + rb"c[\s/>]"),
        re.compile(rb"<" + prefix + rb"row[\s/>]"),
        re.compile(rb"<" + prefix + rb"row\s(?:[^>]*?\s)?r\s*=\s*[\"']([0-9]+)[\"']"),
    )


# Unprefixed element names start with a literal, which the regex engine finds fast; a
# part that has "x:c" or "x:row" elements (OpenXML SDK writes those) gets the slow ones.
_PLAIN = _element_patterns(b"")
_ANY_PREFIX = _element_patterns(rb"(?:[A-Za-z_][\w.-]*:)?")


class SheetScan:
    """Bounds on the cell range calamine would allocate for one XML part.

    calamine places a cell at its ``r="B7"`` reference, or right after the previous
    cell (and a row after the previous row) when there is none, then allocates every
    cell from A1 to the furthest one. We bound that range from above, streaming.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = self.columns = 0  # furthest explicit row / column
        self.cells = 0  # cell elements present
        self.unnumbered_rows = 0  # row elements without r=
        self.widest_unnumbered = 0  # most cells without r= in one row
        self._run = 0  # cells without r= in the row still open at the chunk's end

    def feed(self, data: bytes) -> None:
        cell, row_start, row_number = _ANY_PREFIX if _OTHER_PREFIX.search(data) else _PLAIN
        for m in _DIMENSION.finditer(data):
            for letters, digits in ((m.group(1), m.group(2)), (m.group(3), m.group(4))):
                if letters:
                    self.columns = max(self.columns, _column_number(letters))
                if digits:
                    self.rows = max(self.rows, int(digits))
        found = _CELL_REF.findall(data)  # one pass for columns and rows
        letters = {letters for letters, _, _ in found}
        refs = [row for _, row, quote in found if quote]
        if letters:
            self.columns = max(self.columns, max(map(_column_number, letters)))
        self.rows = max(self.rows, max(map(int, set(refs)), default=0))
        numbers = row_number.findall(data)
        self.rows = max(self.rows, max(map(int, numbers), default=0))
        self.unnumbered_rows += max(0, len(row_start.findall(data)) - len(numbers))
        cells = len(cell.findall(data))
        self.cells += cells
        if cells > len(refs):  # some cells have no r=: count them row by row
            counts = [len(cell.findall(piece)) for piece in row_start.split(data)]
            self._run += counts[0]
            if len(counts) > 1:
                self.widest_unnumbered = max(self.widest_unnumbered, self._run, *counts[1:-1])
                self._run = counts[-1]
            self.widest_unnumbered = max(self.widest_unnumbered, self._run)
        elif row_start.search(data):
            self._run = 0
        self.check(complete=False)

    def check(self, complete: bool) -> None:
        """Refuse a range that is huge, or (once the part is read) huge and nearly empty."""
        rows = self.rows + self.unnumbered_rows
        columns = max(self.columns + self.widest_unnumbered, 1 if self.cells else 0)
        spanned = rows * columns
        if spanned > MAX_CELLS:
            raise _refuse(
                self.name,
                f"a sheet spans {rows:,} rows x {columns:,} columns, "
                f"beyond the {MAX_CELLS:,} cells LocalReach can read safely",
            )
        if complete and spanned > SPARSE_MIN_CELLS and spanned > SPARSE_RATIO * self.cells:
            raise _refuse(
                self.name,
                f"a sheet spans {rows:,} rows x {columns:,} columns but holds only {self.cells:,} cells",
            )


XLSX = ZipKind(
    "an Excel .xlsx workbook", re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE), SheetScan
)


def guard_workbook(path: str, name: str, ctx: JobContext, kind: ZipKind = XLSX) -> None:
    """Refuse anything calamine or an XML parser could choke on, before they see it.

    ``kind`` lets the zipped siblings (.xlsb, .ods) share the same zip checks.
    """
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
            if not any(kind.sheet_part.fullmatch(i.filename) for i in infos):
                raise FileImportError(f"{name}: this is not {kind.label} (no worksheets found).")
            done = 0
            for info in infos:
                if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise _refuse(
                        name,
                        f"one part would unpack to more than {MAX_RATIO} times its size (a zip bomb)",
                    )
                _check_part(zf, info, name, ctx, done, total, kind)
                done += info.file_size
    except (FileImportError, Cancelled):
        raise
    except Exception:  # zipfile/zlib raise a zoo of types on damaged files
        raise FileImportError(
            f"{name}: this is not {kind.label} that can be read (damaged, password-protected "
            "or another format); open it in Excel or LibreOffice and save it as .xlsx."
        ) from None


def _check_part(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    ctx: JobContext,
    done: int,
    total: int,
    kind: ZipKind,
) -> None:
    """Stream one part: real size within bounds, CRC valid, no DTD, sane cell range.

    Every XML part gets the cell-range scan, not only xl/worksheets/*: the workbook's
    relationships may point a sheet at any part name.
    """
    if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
        with zf.open(info) as fh:  # reading to the end verifies size and CRC
            while fh.read(_READ):
                pass
        return
    scan = kind.scan(name)
    seen = 0
    carry = b""
    in_prolog = True  # a DTD can only sit before the root element
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_READ)
            seen += len(chunk)
            if seen > info.file_size or seen > MAX_UNCOMPRESSED:
                raise _refuse(name, "a part unpacks to more than its listing says")
            data = carry + chunk
            cut = data.rfind(b">") + 1 if chunk else len(data)  # never split a tag
            data, carry = data[:cut], data[cut:]
            if len(carry) > MAX_TAG_BYTES:
                raise _refuse(name, "an XML part is malformed (a tag that never ends)")
            if in_prolog:
                if _DOCTYPE.search(data):
                    raise _refuse(
                        name, "it contains XML entity declarations, which Excel never writes"
                    )
                in_prolog = _ROOT.search(data) is None
            scan.feed(data)
            if any(int(n) > info.file_size for n in _UNIQUE_COUNT.findall(data)):
                # calamine reserves memory for the declared count up front and aborts
                raise _refuse(name, "it declares more shared strings than it holds")
            ctx.progress(min(done + seen, total), max(total, 1), f"Checking {name}")
            if not chunk:
                break
    scan.check(complete=True)


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
