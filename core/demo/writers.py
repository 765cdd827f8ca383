"""Byte-for-byte reproducible demo files: XLSX with fixed timestamps, CSV in chunks.

openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry; the
demo must give the same sha256 for the same seed, so both are pinned here.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

_FIXED_TIME = datetime(2026, 1, 1)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_PROGRESS_EVERY = 20_000


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry the same timestamp and permissions."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        info = self._info(arcname or os.path.basename(filename))
        big = os.path.getsize(filename) > zipfile.ZIP64_LIMIT
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=big) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def write_xlsx(
    tmp: Path, sheet: str, header: list[str], rows: Iterable[list], progress: Callable[[int], None]
) -> None:
    """Stream ``rows`` (all text) into one sheet; ``progress(rows_done)`` between chunks."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(header)
    for k, row in enumerate(rows, 1):
        ws.append(row)
        if k % _PROGRESS_EVERY == 0:
            progress(k)
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    ExcelWriter(wb, _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()


def write_csv(tmp: Path, chunks: Iterable[pd.DataFrame], progress: Callable[[int], None]) -> None:
    """Write DataFrame chunks as one UTF-8 CSV (money with two decimals)."""
    done = 0
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        for k, chunk in enumerate(chunks):
            chunk.to_csv(fh, index=False, header=k == 0, lineterminator="\n", float_format="%.2f")
            done += len(chunk)
            progress(done)
