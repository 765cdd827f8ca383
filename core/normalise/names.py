"""Names and other free text: which spellings count as one.

Two readings, for two needs:

- :func:`fold_text` (pseudonyms): NFKC, invisible characters removed, single spaces,
  case-folded. Accents are kept -- "Müller" and "Muller" may be two people, and a token
  must never change once written;
- :func:`fold` (comparing records): also drops accents, so a typed-out or lost umlaut
  still matches; :func:`letters` keeps only letters and spaces, and
  :func:`formal_first_name` maps nicknames to the formal name (Bob -> robert).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache

from core.resources import resource_path

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064")
ZERO_WIDTH_RE = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]")
_WS_RE = re.compile(r"\s+")
_NOT_LETTER = re.compile(r"[^a-z \-']")
_JOINER = re.compile(r"[\-']")


def fold_text(value: str) -> str:
    """NFKC, no invisible characters, single spaces, case-folded; accents kept."""
    text = ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFKC", value))
    return _WS_RE.sub(" ", text).strip().casefold()


def fold(text: str) -> str:
    """Lower case, accents removed, full-width letters folded, spaces collapsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def letters(text: str) -> str:
    """Only a-z and single spaces of a :func:`fold`-ed text; hyphens and apostrophes split."""
    return " ".join(_JOINER.sub(" ", _NOT_LETTER.sub("", text)).split())


@cache
def nicknames() -> dict[str, str]:
    """Nickname -> formal first name (first entry wins), from resources/nicknames.csv."""
    table: dict[str, str] = {}
    with open(resource_path("nicknames.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            table.setdefault(row["nickname"].strip().lower(), row["name"].strip().lower())
    return table


def formal_first_name(name: str) -> str:
    """Bob -> robert, Liz -> elizabeth (on folded names); unknown names stay as they are."""
    return nicknames().get(name, name)
