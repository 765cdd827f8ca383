"""Spreadsheet import and export: every value read as text, every write atomic and safe.

``read_table`` reads CSV/TSV/TXT/XLSX into a DataFrame of strings ("" for empty cells)
plus an :class:`ImportReport`; ``write_table`` exports .csv/.tsv/.xlsx without formula
injection. Bad input raises :class:`core.errors.FileImportError` with one line.
"""

from core.io.options import ImportOptions, ImportReport
from core.io.read import list_sheets, preview_table, read_all_sheets, read_stacked, read_table
from core.io.write import write_table

__all__ = [
    "ImportOptions",
    "ImportReport",
    "list_sheets",
    "preview_table",
    "read_all_sheets",
    "read_stacked",
    "read_table",
    "write_table",
]
