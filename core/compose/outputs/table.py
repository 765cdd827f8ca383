"""Spreadsheet outputs: one row per recipient for Word, Outlook or Gmail merge tools.

The row holds the address, the rendered subject and body (and HTML and variant when
there are any), then the person's own fields. Written by :func:`core.io.write_table`,
so cells that look like formulas are neutralised and XLSX cells are plain strings.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.compose.merge import MergeResult
from core.io import write_table
from core.jobs import JobContext


def merge_table(result: MergeResult) -> pd.DataFrame:
    messages = result.messages
    out = {"email": [m.to for m in messages], "subject": [m.subject for m in messages],
           "body": [m.text for m in messages]}
    if any(m.html for m in messages):
        out["body_html"] = [m.html for m in messages]
    if any(m.variant for m in messages):
        out["variant"] = [m.variant for m in messages]
    head = pd.DataFrame(out)
    fields = result.recipients.drop(columns=[result.email_column]).reset_index(drop=True)
    fields = fields.rename(columns=lambda c: f"{c}_field" if c in out else c)
    return pd.concat([head, fields.astype(str)], axis=1)


def write_csv(result: MergeResult, folder: Path, ctx: JobContext) -> None:
    write_table(merge_table(result), folder / "merge.csv", ctx)


def write_xlsx(result: MergeResult, folder: Path, ctx: JobContext) -> None:
    write_table(merge_table(result), folder / "merge.xlsx", ctx)
