"""Import options and the import report: small dataclasses that serialise to plain dicts.

Options go into the project file and recipes, so a re-run next month reads the new
export exactly like the old one; the report is what the Import screen and the audit
log show about one read (never any cell values).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass
class ImportOptions:
    """How to read one file; every ``None`` means "detect it"."""

    encoding: str | None = None  # None = BOM, strict UTF-8, cp1252 (never latin-1)
    delimiter: str | None = None  # None = sniff , ; TAB | and honour Excel's "sep=;" line
    sheet: str | int | None = None  # XLSX: name or 0-based index; None = first non-empty
    # 0-based row of the header; None = detect. XLSX: Excel's row number - 1; text:
    # counts the non-blank records after any "sep=" line.
    header_row: int | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> ImportOptions:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})


@dataclass
class ImportReport:
    """What one read found: provenance, shape, detected settings and visible warnings."""

    path: str
    sha256: str
    rows: int
    columns: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 0
    warnings: list[str] = field(default_factory=list)
    renamed_headers: dict[str, str] = field(default_factory=dict)
    # rows left out as not data, by reason: {"footer": 4, "total": 1}
    set_aside: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
