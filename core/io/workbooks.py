""".xls, .xlsb and .ods: checked first, then read by calamine in a child process.

The zipped formats (.xlsb, .ods) get the same zip checks as .xlsx (entry count, sizes,
compression ratio, CRC, no XML entity declarations). An .xls is an OLE2 compound file:
its header must be well formed and every count it declares must fit in the file. Those
checks catch the common crafted files cheaply, but calamine's binary parsers cannot be
proven safe by a pre-scan, so the read itself happens in a spawned child under a
memory cap (:mod:`core.calamine_child`): a file that makes calamine abort ends the
child, and the user gets one clear line.
"""

from __future__ import annotations

import multiprocessing
import re
import struct
from pathlib import Path

from core import calamine_child
from core.errors import FileImportError
from core.io import xlsx
from core.io.cells import cell_text
from core.jobs import JobContext

SUFFIXES = {".xls", ".xlsb", ".ods"}
_ODS_ELEMENT = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
    rb"([^>]*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"']([0-9]+)")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"']([0-9]+)")


class OdsScan(xlsx.SheetScan):
    """The cell range an .ods table makes calamine allocate, from its repeat counts.

    LibreOffice writes trailing empty rows and cells as one element repeated a million
    times, which calamine skips; a repeated cell that holds a value is really expanded,
    so the range runs to the furthest filled cell, repeats included.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._row = 0  # rows of the current table so far
        self._col = 0  # columns of the current row so far
        self._reach = 0  # furthest filled column in the current row
        self._repeat = 1  # times the current row repeats
        self._filled = 0  # filled cells in the current row

    def feed(self, data: bytes) -> None:
        for m in _ODS_ELEMENT.finditer(data):
            closing, element, attrs, empty = m.groups()
            if element == b"table":
                self._row = 0
            elif element == b"table-row" and not closing:
                n = _ROWS_REPEATED.search(attrs)
                self._repeat = int(n.group(1)) if n else 1
                self._col = self._reach = self._filled = 0
                if empty:
                    self._row += self._repeat
            elif element == b"table-row":
                if self._reach:
                    self.rows = max(self.rows, self._row + self._repeat)
                    self.columns = max(self.columns, self._reach)
                    self.cells += self._filled * self._repeat
                self._row += self._repeat
            elif not closing:
                n = _COLUMNS_REPEATED.search(attrs)
                reps = int(n.group(1)) if n else 1
                self._col += reps
                if not empty or b"value-type" in attrs:
                    self._reach, self._filled = self._col, self._filled + reps
        self.check(complete=False)


XLSB = xlsx.ZipKind(
    "an Excel .xlsb workbook",
    re.compile(r"xl/worksheets/[^/]+\.bin", re.IGNORECASE),
    xlsx.SheetScan,
)
ODS = xlsx.ZipKind("an OpenDocument .ods spreadsheet", re.compile(r"content\.xml"), OdsScan)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_XLS_BYTES = 1 << 30
_POLL_SECONDS = 0.1


def _refuse(name: str, why: str) -> FileImportError:
    return FileImportError(
        f"{name}: {why}; the workbook was not opened. Open it in Excel or LibreOffice and "
        "save it as .xlsx."
    )


def check_ole_header(path: Path, name: str) -> None:
    """Refuse an .xls whose compound-file header is malformed or claims more than the file holds."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(512)
    if len(head) < 512 or not head.startswith(OLE_MAGIC):
        if head.startswith(b"PK\x03\x04"):
            raise FileImportError(
                f"{name}: this is a newer Excel workbook named .xls; rename it to .xlsx and import that."
            )
        raise FileImportError(
            f"{name}: this is not an Excel 97-2003 .xls workbook (some programs save HTML or "
            "text under that name); open it in Excel or LibreOffice and save it as .xlsx."
        )
    if size > MAX_XLS_BYTES:
        raise _refuse(name, "it is larger than 1 GB, far beyond any .xls Excel writes")
    major, order, shift, mini_shift = struct.unpack_from("<4H", head, 26)
    n_dir, n_fat, first_dir = struct.unpack_from("<3I", head, 40)
    cutoff, _first_mini, n_mini, _first_difat, n_difat = struct.unpack_from("<5I", head, 56)
    if (
        order != 0xFFFE
        or (major, shift) not in {(3, 9), (4, 12)}
        or mini_shift != 6
        or cutoff != 4096
    ):
        raise _refuse(name, "its file header is malformed")
    sector = 1 << shift
    sectors = max(0, (size - sector) // sector)
    if not sectors or n_fat < 1 or first_dir >= sectors:
        raise _refuse(name, "it is cut short or its file header is malformed")
    if max(n_dir, n_fat, n_mini, n_difat) > sectors:
        raise _refuse(name, "its header claims more sectors than the file holds")


def guard(path: Path, ctx: JobContext) -> None:
    """The format's own checks before any calamine code sees the file."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        check_ole_header(path, path.name)
    else:
        xlsx.guard_workbook(str(path), path.name, ctx, XLSB if suffix == ".xlsb" else ODS)


def _unreadable(name: str) -> FileImportError:
    return FileImportError(
        f"{name}: the workbook could not be read (damaged, password-protected or not what its "
        "name says); open it in Excel or LibreOffice and save it as .xlsx."
    )


class ChildBook:
    """One workbook opened by calamine in a child process; use as a context manager."""

    def __init__(self, path: Path, ctx: JobContext) -> None:
        self.name = path.name
        self._ctx = ctx
        spawn = multiprocessing.get_context("spawn")
        self._conn, child_conn = spawn.Pipe()
        self._process = spawn.Process(
            target=calamine_child.serve,
            args=(child_conn, str(path), calamine_child.MEMORY_LIMIT),
            daemon=True,
        )
        self._process.start()
        child_conn.close()
        try:
            names, hidden = self._ask(("sheets",))
        except BaseException:
            self.close()
            raise
        self.hidden = set(hidden)
        # visible first, as for .xlsx: a hidden sheet is rarely what the user means
        self.sheets = sorted(names, key=lambda n: n in self.hidden)

    def _ask(self, request: tuple):
        """Send one request and wait for the answer, honouring cancel; a dead child is an error."""
        try:
            self._conn.send(request)
            while not self._conn.poll(_POLL_SECONDS):
                self._ctx.check()
                if not self._process.is_alive() and not self._conn.poll(0):
                    raise EOFError
            status, value = self._conn.recv()
        except (EOFError, OSError):
            raise _unreadable(self.name) from None
        if status != "ok":
            raise _unreadable(self.name)
        return value

    def rows(self, sheet: str, limit: int | None = None) -> list[list[str]]:
        raw = self._ask(("rows", sheet, limit))
        self._ctx.progress(0, 1, f"Reading {self.name} / {sheet}")
        return [[cell_text(v) for v in row] for row in raw]

    def close(self) -> None:
        try:
            if self._process.is_alive():
                self._conn.send(None)
            self._process.join(timeout=2)
        except OSError:
            pass
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()

    def __enter__(self) -> ChildBook:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
