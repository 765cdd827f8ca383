"""Header handling shared by CSV and XLSX: find the header row, make names unique.

Exports often carry title rows ("Customer list, printed 03.04.2024") above the real
header, and headers that are blank or repeated. Pandas would silently produce
``Unnamed: 3`` or ``email.1``; we rename visibly and say so in a warning.
"""

from __future__ import annotations

import math

HEADER_SCAN_ROWS = 30


def _filled(row: list[str]) -> int:
    return sum(1 for v in row if v.strip())


def detect_header_row(rows: list[list[str]]) -> int:
    """Index of the first row at least half as full as the fullest rows of the sample.

    Title and blank rows above a header fill one or two cells of a wide table; the
    header fills at least half of them (blank header cells are allowed).
    """
    sample = rows[:HEADER_SCAN_ROWS]
    widest = max((_filled(r) for r in sample), default=0)
    if widest == 0:
        return 0
    need = max(1, min(widest, 2), math.ceil(0.5 * widest))
    return next(i for i, r in enumerate(sample) if _filled(r) >= need)


def unique_headers(
    raw: list[str], numbers: list[int] | None = None
) -> tuple[list[str], dict[str, str], list[str]]:
    """Clean header names; blank -> ``Column N``, repeats -> ``Name (2)``.

    ``numbers`` are the 1-based positions in the file (default: 1, 2, ...), so a blank
    header is named after the column the user sees. Returns ``(names, renamed,
    warnings)`` where ``renamed`` maps each new name to the original header text
    (``""`` for a blank one).
    """
    numbers = numbers or list(range(1, len(raw) + 1))
    cleaned = [str(h).replace("\ufeff", "").strip() for h in raw]
    taken = {c.casefold() for c in cleaned if c}
    seen: set[str] = set()
    names: list[str] = []
    renamed: dict[str, str] = {}
    for i, name in enumerate(cleaned):
        if name and name.casefold() not in seen:
            new = name
        else:
            base = name or f"Column {numbers[i]}"
            new, n = base, 2
            while new.casefold() in taken or new.casefold() in seen:
                new = f"{base} ({n})"
                n += 1
            renamed[new] = name
        seen.add(new.casefold())
        taken.add(new.casefold())
        names.append(new)
    warnings = []
    if renamed:
        parts = ", ".join(
            f"'{old}' -> '{new}'" if old else f"blank header -> '{new}'"
            for new, old in renamed.items()
        )
        warnings.append(
            f"Renamed {len(renamed)} header(s) so every column has a unique name: {parts}."
        )
    return names, renamed, warnings
