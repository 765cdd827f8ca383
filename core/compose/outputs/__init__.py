"""Writing a merge: .eml, .mbox, .docx, .html, .csv, .xlsx -- all or nothing.

Every format is written into a hidden staging folder beside OUTDIR; only when all of it
succeeded are the files fsynced and moved into place (the whole folder with one rename
when OUTDIR is new). A failure or a cancel removes the staging folder, so the user never
finds half an export. ``left_out.csv`` (spreadsheet row, id column, cluster and reason; no
personal data) and, for A/B tests, ``assignment.csv`` go with every format.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from core.compose.merge import MergeResult
from core.compose.outputs import email_files, preview, table
from core.errors import LocalReachError
from core.io import write_table
from core.jobs import JobContext, ensure_context


def _write_docx(result: MergeResult, folder: Path, ctx: JobContext, one_file_each: bool = False) -> None:
    from core.compose.outputs import letters  # python-docx loads only when letters are written

    letters.write_docx(result, folder, ctx, one_file_each=one_file_each)


FORMATS = {
    "eml": email_files.write_eml,
    "mbox": email_files.write_mbox,
    "docx": _write_docx,
    "html": preview.write_html,
    "csv": table.write_csv,
    "xlsx": table.write_xlsx,
}


def write(result: MergeResult, outdir: str | os.PathLike, fmt: str, one_file_each: bool = False,
          ctx: JobContext | None = None) -> list[str]:
    """Write ``result`` as ``fmt`` into ``outdir``; returns the file names written."""
    if fmt not in FORMATS:
        raise LocalReachError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    ctx = ensure_context(ctx)
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise LocalReachError(f"{outdir.name} is a file, not a folder; choose a folder for the output")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".partial", dir=outdir.parent))
    try:
        if fmt == "docx":
            _write_docx(result, staging, ctx, one_file_each=one_file_each)
        else:
            FORMATS[fmt](result, staging, ctx)
        _side_files(result, staging)
        names = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
        _commit(staging, outdir)
        return names
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _side_files(result: MergeResult, staging: Path) -> None:
    rows = [label + 2 if isinstance(label, int) else label for label in result.left_out.index]
    left = pd.DataFrame({"row": [str(r) for r in rows]})
    keys = result.left_out_keys
    if keys is not None:
        for column in keys.columns:
            left[column] = keys[column].reindex(result.left_out.index).fillna("").to_numpy()
    left["reason"] = result.left_out.astype(str).to_list()
    write_table(left, staging / "left_out.csv")
    if result.assignment is not None:
        write_table(result.assignment.astype(str), staging / "assignment.csv")


def _commit(staging: Path, outdir: Path) -> None:
    files = [p for p in staging.rglob("*") if p.is_file()]
    for path in files:
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())
    if not outdir.exists():
        os.replace(staging, outdir)
        return
    for path in files:
        target = outdir / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
