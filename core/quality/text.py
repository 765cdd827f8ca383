"""Text tidying steps: trim and collapse spaces; person-name casing.

Name casing follows how people write their own names: McDonald, O'Neil, D'Angelo,
Anne-Marie, and lower-case particles (van der Berg, de la Cruz). A name that is already
in mixed case is the person's own spelling and is left alone unless asked otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from core.io.cells import joined_cells
from core.jobs import JobContext
from core.quality.base import as_text, check_columns, map_cells

PARTICLES = frozenset(
    "van von der den de del della di da das dos du la le ten ter zu".split()
)
_APOSTROPHES = "'\u2019\u2018`\u00b4"
_PREFIXED = re.compile(r"^(o|d|l)([" + _APOSTROPHES + r"])(\w)", re.IGNORECASE)


@dataclass
class TrimConfig:
    """Columns to trim; an empty list means every column."""

    columns: list[str] = field(default_factory=list)


# what str.split() splits on besides " " (str.isspace reads the same Unicode table; none is
# above U+3000)
_OTHER_SPACES = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c != " ")
_ASCII_SPACES = tuple(c for c in _OTHER_SPACES if c.isascii())  # str.isascii() is a flag: free
_SEP = "\x00"


def collapse_spaces(value: str) -> str:
    """Strip the ends and turn runs of any spaces, tabs and line breaks into one space."""
    return " ".join(value.split())


_STR = pd.Series(dtype=str).dtype  # what :func:`as_text` turns text columns into


def _joined_text(values: pd.Series) -> tuple[pd.Series, str]:
    """``(as_text(values), its cells joined with NUL)``: a text column with no missing
    cell is already as_text's and is only joined (finding the missing cells first was
    one more pass over every cell)."""
    joined = joined_cells(values.to_numpy(dtype=object), _SEP) if values.dtype == _STR else None
    if joined is not None:
        return values, joined
    text = as_text(values)
    return text, _SEP.join(text.tolist())


def _needs_trim(joined: str, count: int) -> bool:
    """Whether :func:`collapse_spaces` would change any of ``count`` values joined with
    NUL: searched in C, not with a Python call per value (a million-row column of ids
    has nothing to trim)."""
    if joined.count(_SEP) != count - 1:  # a value holds the separator: look at each
        return True
    others = _ASCII_SPACES if joined.isascii() else _OTHER_SPACES
    return (joined.startswith(" ") or joined.endswith(" ")
            or any(s in joined for s in ("  ", _SEP + " ", " " + _SEP, *others)))


def trim_spaces(df: pd.DataFrame, config: TrimConfig, ctx: JobContext | None = None):
    """Strip leading/trailing spaces and turn runs of spaces, tabs and line breaks into one."""
    columns = config.columns or list(df.columns)
    check_columns(df, columns, "Trim spaces")
    texts, untidy = {}, []
    for col in columns:
        texts[col], joined = _joined_text(df[col])
        if len(df) and _needs_trim(joined, len(df)):
            untidy.append(col)
    out, report = map_cells(df, untidy, collapse_spaces, "Trim spaces", ctx)
    for col in columns:
        if col not in report.changed_by_column:
            out[col] = texts[col]
    return out, report


def _case_word(word: str) -> str:
    """One space-free name part: handles hyphens, Mc and O'/D' prefixes."""
    if "-" in word:
        return "-".join(_case_word(part) for part in word.split("-"))
    low = word.lower()
    if not low:
        return low
    m = _PREFIXED.match(low)
    if m:
        return m.group(1).upper() + m.group(2) + m.group(3).upper() + low[m.end() :]
    if low.startswith("mc") and len(low) > 2:
        return "Mc" + low[2].upper() + low[3:]
    return low[0].upper() + low[1:]


def case_name(value: str, keep_mixed: bool = True) -> str:
    """Proper-case a person's name ("mcdonald" -> "McDonald", "VAN DER BERG" -> "van der Berg")."""
    text = " ".join(value.split())
    if keep_mixed and text != text.lower() and text != text.upper():
        return text
    words = text.split(" ")
    cased = []
    for i, word in enumerate(words):
        is_last = i == len(words) - 1
        if word.lower() in PARTICLES and not is_last and len(words) > 1:
            cased.append(word.lower())
        else:
            cased.append(_case_word(word))
    return " ".join(cased)


@dataclass
class NameCaseConfig:
    """Name columns to case; ``keep_mixed`` leaves values already in mixed case untouched."""

    columns: list[str] = field(default_factory=list)
    keep_mixed: bool = True


def case_names(df: pd.DataFrame, config: NameCaseConfig, ctx: JobContext | None = None):
    """Proper-case person names, the way people write their own."""
    return map_cells(df, config.columns, partial(case_name, keep_mixed=config.keep_mixed), "Name casing", ctx)
