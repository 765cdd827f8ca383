"""A privacy-safe profile of one imported table: shape, detected roles, missing shares, warnings.

It holds no cell values, so it can be printed, logged, or stored in the project file as
it is (plain JSON types only).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.io import ImportReport
from core.roles import detect_roles


def profile_table(df: pd.DataFrame, report: ImportReport) -> dict:
    """Rows, columns, each column's role guess and missing share, and the import warnings."""
    guesses = detect_roles(df)
    details = []
    for name in df.columns:
        text = df[name].astype("string").fillna("").str.strip()
        guess = guesses[str(name)]
        details.append({
            "name": str(name),
            "role": guess.role.value,
            "confidence": guess.confidence,
            "reason": guess.reason,
            "missing": round(float((text == "").mean()), 4) if len(text) else 0.0,
            "distinct": int(text[text != ""].nunique()),
        })  # fmt: skip
    return {
        "file": Path(report.path).name,
        "sheet": report.sheet,
        "rows": int(len(df)),
        "columns": int(df.shape[1]),
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "header_row": report.header_row,
        "warnings": list(report.warnings),
        "renamed_headers": dict(report.renamed_headers),
        "column_details": details,
    }
