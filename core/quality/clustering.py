"""Value clustering for categorical columns, the way OpenRefine does it.

Spellings of one thing ("Nike", "nike inc", "NIKE Inc.") are found by *key collision*
(values whose fingerprint, n-gram fingerprint or phonetic key agree) or by *nearest
neighbour* (Levenshtein distance within a radius, comparing only values that share a
block of characters so it stays fast). The user picks the surviving spelling of each
group; :func:`merge_values` then rewrites the column as an ordinary, undoable step.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from core.errors import LocalReachError
from core.jobs import JobContext, ensure_context
from core.quality.base import StepReport, as_text, check_columns

METHODS = ("fingerprint", "ngram", "phonetic", "levenshtein")
METHOD_LABELS = {
    "fingerprint": "Same words in any order, case or punctuation",
    "ngram": "Same letters, ignoring spaces",
    "phonetic": "Sounds the same",
    "levenshtein": "A few typing differences apart",
}
LEGAL_WORDS = frozenset(
    "inc incorporated ltd limited llc gmbh ag co corp corporation company plc sa sas sarl "
    "bv nv kg ohg ug srl spa oy ab as".split()
)
_PUNCT = re.compile(r"[^\w\s]|_")
MAX_BLOCK = 400  # a block this big is a common substring, not a lead: skip it


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def fingerprint(value: str, drop_legal: bool = True) -> str:
    """Lower-case, accent-free, punctuation-free, unique sorted words (legal forms dropped)."""
    words = set(_PUNCT.sub("", _ascii(value.strip().lower())).split())
    if drop_legal and len(words - LEGAL_WORDS) > 0:
        words -= LEGAL_WORDS
    return " ".join(sorted(words))


def ngram_fingerprint(value: str, n: int = 2) -> str:
    """Unique sorted character n-grams of the value without spaces and punctuation."""
    text = re.sub(r"\s+", "", _PUNCT.sub("", _ascii(value.lower())))
    return "".join(sorted({text[i : i + n] for i in range(max(1, len(text) - n + 1))}))


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def _soundex(word: str) -> str:
    codes = word.translate(_SOUNDEX)
    out, last = word[0], codes[0]
    for ch, code in zip(word[1:], codes[1:], strict=True):
        if code.isdigit() and code != last:
            out += code
        if ch not in "hw":
            last = code
    return (out + "000")[:4]


def phonetic_key(value: str, drop_legal: bool = True) -> str:
    """Soundex of each fingerprint word, so "Meyer" and "Maier" collide."""
    words = [w for w in fingerprint(value, drop_legal).split() if w.isalpha()]
    return " ".join(_soundex(w) for w in words)


@dataclass
class ClusterConfig:
    """Which column, which method, and the knobs of the nearest-neighbour method."""

    column: str = ""
    method: str = "fingerprint"
    ngram: int = 2
    radius: int = 2
    block: int = 4
    drop_legal_words: bool = True


@dataclass
class ValueCluster:
    """Spellings that look like one value, most frequent first, with the proposed survivor."""

    values: list[tuple[str, int]]
    suggestion: str
    rows: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def _key_groups(values: list[str], config: ClusterConfig) -> list[list[str]]:
    if config.method == "fingerprint":
        keys = [fingerprint(v, config.drop_legal_words) for v in values]
    elif config.method == "ngram":
        keys = [ngram_fingerprint(v, config.ngram) for v in values]
    else:
        keys = [phonetic_key(v, config.drop_legal_words) for v in values]
    groups: dict[str, list[str]] = defaultdict(list)
    for value, key in zip(values, keys, strict=True):
        if key:
            groups[key].append(value)
    return [g for g in groups.values() if len(g) > 1]


def _neighbour_groups(values: list[str], config: ClusterConfig, ctx: JobContext) -> list[list[str]]:
    norm = [" ".join(v.lower().split()) for v in values]
    blocks: dict[str, set[int]] = defaultdict(set)
    for i, text in enumerate(norm):
        size = min(config.block, len(text))
        for j in range(len(text) - size + 1):
            blocks[text[j : j + size]].add(i)
    parent = list(range(len(values)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    todo = [sorted(b) for b in blocks.values() if 1 < len(b) <= MAX_BLOCK]
    for n, members in enumerate(todo):
        if n % 200 == 0:
            ctx.progress(n, len(todo), "Comparing spellings")
        texts = [norm[i] for i in members]
        dist = cdist(texts, texts, scorer=Levenshtein.distance, score_cutoff=config.radius, workers=1)
        for a, b in zip(*np.nonzero(dist <= config.radius), strict=True):
            if a < b:
                parent[root(members[a])] = root(members[b])
    groups: dict[int, list[str]] = defaultdict(list)
    for i, value in enumerate(values):
        groups[root(i)].append(value)
    return [g for g in groups.values() if len(g) > 1]


def find_clusters(
    df: pd.DataFrame, config: ClusterConfig, ctx: JobContext | None = None
) -> list[ValueCluster]:
    """Groups of spellings in ``config.column`` that probably mean the same, biggest first."""
    ctx = ensure_context(ctx)
    check_columns(df, [config.column], "Value clustering")
    if config.method not in METHODS:
        raise LocalReachError(
            f"Value clustering: unknown method '{config.method}'; use one of {', '.join(METHODS)}"
        )
    counts = Counter(v for v in as_text(df[config.column]) if v.strip())
    values = sorted(counts)
    if config.method == "levenshtein":
        groups = _neighbour_groups(values, config, ctx)
    else:
        groups = _key_groups(values, config)
    clusters = []
    for group in groups:
        ranked = sorted(((v, counts[v]) for v in group), key=lambda vc: (-vc[1], vc[0]))
        clusters.append(ValueCluster(ranked, ranked[0][0], sum(c for _, c in ranked)))
    ctx.progress(1, 1, "Value clustering")
    return sorted(clusters, key=lambda c: (-c.rows, c.suggestion))


def merge_mapping(clusters: list[ValueCluster]) -> dict[str, str]:
    """Variant -> surviving spelling for each cluster (its ``suggestion``, maybe user-edited)."""
    return {v: c.suggestion for c in clusters for v, _ in c.values if v != c.suggestion}


@dataclass
class ValueMergeConfig:
    """One column and the spellings to replace: ``{variant: surviving spelling}``."""

    column: str = ""
    mapping: dict[str, str] = field(default_factory=dict)


def merge_values(df: pd.DataFrame, config: ValueMergeConfig, ctx: JobContext | None = None):
    """Replace each variant spelling by its survivor; other cells stay as they are."""
    ensure_context(ctx).check()
    check_columns(df, [config.column], "Merge spellings")
    before = as_text(df[config.column])
    mapped = before.map(config.mapping)
    after = mapped.where(mapped.notna(), before).astype(before.dtype)
    out = df.copy(deep=False)
    out[config.column] = after
    report = StepReport("Merge spellings")
    report.add_column(config.column, before, after, np.zeros(len(df), bool))
    return out, report
