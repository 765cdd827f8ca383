"""Byte-for-byte reproducible demo files: a fast streamed XLSX and chunked CSV.

The demo must give the same sha256 for the same seed, and a million-person CRM must not
take minutes, so the XLSX is written here directly (one sheet of inline strings, fixed
timestamps in ``docProps/core.xml`` and in every zip entry) instead of cell by cell
through openpyxl; the result opens in Excel, LibreOffice, openpyxl and calamine.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.sax.saxutils import escape

_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_STAMP = "2026-01-01T00:00:00Z"
_CHUNK_ROWS = 20_000
_NS = "http://schemas.openxmlformats.org"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_NS}/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_NS}/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    ),
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<cp:coreProperties xmlns:cp="{_NS}/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>LocalReach demo</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_STAMP}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_STAMP}</dcterms:modified>'
        "</cp:coreProperties>"
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_NS}/officeDocument/2006/extended-properties">'
        "<Application>LocalReach</Application></Properties>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_NS}/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{_NS}/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
    f'xmlns:r="{_NS}/officeDocument/2006/relationships">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry the same timestamp and permissions."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def add_text(self, name: str, text: str) -> None:
        self.writestr(self._info(name), text.encode("utf-8"))

    def add_file(self, name: str, fh, size: int) -> None:
        fh.seek(0)
        with self.open(self._info(name), "w", force_zip64=size > zipfile.ZIP64_LIMIT) as dst:
            shutil.copyfileobj(fh, dst, 1 << 20)


def _column_letters(n: int) -> list[str]:
    out = []
    for i in range(n):
        name, k = "", i + 1
        while k:
            k, rem = divmod(k - 1, 26)
            name = chr(65 + rem) + name
        out.append(name)
    return out


def _row_xml(number: int, letters: list[str], values: list[str]) -> str:
    cells = "".join(
        f'<c r="{col}{number}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>'
        for col, v in zip(letters, values, strict=True)
        if v != ""
    )
    return f'<row r="{number}">{cells}</row>'


def write_xlsx(
    tmp: Path, sheet: str, header: list[str], rows: Iterable[list], progress: Callable[[int], None]
) -> None:
    """Stream ``rows`` (all text) into one sheet; ``progress(rows_done)`` between chunks."""
    letters = _column_letters(len(header))
    with tempfile.TemporaryFile(dir=tmp.parent) as body:
        body.write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_NS}/spreadsheetml/2006/main"><sheetData>'.encode()
        )
        chunk = [_row_xml(1, letters, header)]
        for k, row in enumerate(rows, 1):
            chunk.append(_row_xml(k + 1, letters, row))
            if k % _CHUNK_ROWS == 0:
                body.write("".join(chunk).encode("utf-8"))
                chunk = []
                progress(k)
        body.write(("".join(chunk) + "</sheetData></worksheet>").encode("utf-8"))
        size = body.tell()
        with _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
            for name, text in _PARTS.items():
                z.add_text(name, text)
            z.add_text("xl/workbook.xml", _WORKBOOK.format(sheet=escape(sheet, {'"': "&quot;"})))
            z.add_file("xl/worksheets/sheet1.xml", body, size)


def write_csv(
    tmp: Path, header: list[str], chunks: Iterable[list], progress: Callable[[int], None]
) -> None:
    """Write ``header`` then lists of text rows as one UTF-8 CSV (quoting where needed)."""
    done = 0
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for rows in chunks:
            writer.writerows(rows)
            done += len(rows)
            progress(done)
