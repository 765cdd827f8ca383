"""Candidate pairs: which records are worth comparing at all.

Comparing every record with every other is quadratic; blocking compares only records
that share a key (same e-mail, same phone, similar-sounding surname in one postcode,
name initials plus birth year, ...) or sit close in a sorted list of names. Rules are
chosen from the fields present and can be edited by the user; each rule reports how
many pairs it found. Keys shared by more than ``max_block`` records are skipped (and
counted) so one common value can never make the work quadratic. Linking two lists runs
the same rules over both together and keeps only the pairs across them (``side``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.dedupe.normalise import per_distinct, soundex
from core.jobs import JobContext, ensure_context


@dataclass
class BlockingRule:
    """Pair records sharing ``keys`` (kind "exact") or near in their sort order ("sorted")."""

    label: str
    keys: list[str]
    kind: str = "exact"
    window: int = 3
    enabled: bool = True


# Key parts a rule can use, computed from the normalised fields.
_first2 = per_distinct(lambda v: v[:2])
_first1 = per_distinct(lambda v: v[:1])
_first4 = per_distinct(lambda v: v[:4])

KEY_PARTS = {
    "email": lambda f: f["email"],
    "phone": lambda f: f["phone"],
    "last_sound": lambda f: soundex(f["last"]),
    "postcode": lambda f: f["postcode"],
    "first2": lambda f: _first2(f["first"]),
    "last2": lambda f: _first2(f["last"]),
    "birth_year": lambda f: _first4(f["dob"]),
    "dob": lambda f: f["dob"],
    "first_initial": lambda f: _first1(f["first"]),
    "street": lambda f: f["street"],
    "name": lambda f: (f["last"] + " " + f["first"]).str.strip(),
    "first_name": lambda f: (f["first"] + " " + f["last"]).str.strip(),
    # Either way round, so swapped first and last names still meet.
    "name_any_order": lambda f: _either_order(f["first"], f["last"]),
    "initials_any_order": lambda f: _either_order(_first2(f["first"]), _first2(f["last"])),
}


def _either_order(x: pd.Series, y: pd.Series) -> pd.Series:
    low = x.where(x <= y, y)
    high = y.where(x <= y, x)
    return (low + " " + high).where((x != "") & (y != ""), "")


KEY_NEEDS = {
    "last_sound": ["last"], "first2": ["first"], "last2": ["last"], "birth_year": ["dob"],
    "first_initial": ["first"], "name": ["first", "last"], "first_name": ["first", "last"],
    "name_any_order": ["first", "last"], "initials_any_order": ["first", "last"],
}


def default_rules(features: pd.DataFrame) -> list[BlockingRule]:
    """The rules that make sense for the fields this file has.

    Extra identifier-like columns (an id number, an address line) block on their own
    when most of their values are distinct; a column such as "state" would not help.
    """
    fields = list(features.columns)
    candidates = [
        BlockingRule("Same e-mail address", ["email"]),
        BlockingRule("Same phone number", ["phone"]),
        BlockingRule("Surname sounds alike, same postcode", ["last_sound", "postcode"]),
        BlockingRule("Name initials and birth year", ["initials_any_order", "birth_year"]),
        BlockingRule("Same date of birth and first initial", ["dob", "first_initial"]),
        BlockingRule("Same date of birth and postcode", ["dob", "postcode"]),
        BlockingRule("Same street and postcode", ["street", "postcode"]),
        BlockingRule("Neighbours in a list sorted by surname", ["name"], kind="sorted"),
        BlockingRule("Neighbours in a list sorted by first name", ["first_name"], kind="sorted"),
        BlockingRule("Neighbours in a list of names in any order", ["name_any_order"],
                     kind="sorted"),
    ]
    candidates += [BlockingRule(f"Same {f.split(':', 1)[1]}", [f]) for f in fields
                   if f.startswith("extra:") and features[f].nunique() > 0.3 * len(features)]
    return [r for r in candidates if all(_available(k, fields) for k in r.keys)]


def _available(key: str, fields: list[str]) -> bool:
    return all(f in fields for f in KEY_NEEDS.get(key, [key]))


@dataclass
class BlockingResult:
    """Unique candidate pairs (left < right) and what each rule contributed."""

    left: np.ndarray
    right: np.ndarray
    counts: list[dict] = field(default_factory=list)


def _rule_key(features: pd.DataFrame, rule: BlockingRule) -> np.ndarray:
    """Integer key per record; -1 where any key part is missing."""
    parts = [KEY_PARTS[k](features) if k in KEY_PARTS else features[k] for k in rule.keys]
    missing = np.zeros(len(features), dtype=bool)
    key = np.zeros(len(features), dtype=np.int64)
    for part in parts:
        values = part.to_numpy(dtype=object)
        missing |= values == ""
        # Sorted rules need the text order; exact rules only need equal keys to be equal.
        codes, uniques = pd.factorize(values, sort=rule.kind == "sorted")
        key = pd.factorize(key * (len(uniques) + 1) + codes, sort=True)[0].astype(np.int64)
    key[missing] = -1
    return key


def _pairs_sharing_key(key: np.ndarray, max_block: int) -> tuple[np.ndarray, np.ndarray, int]:
    """All pairs within each key group, vectorised by offset; big groups skipped."""
    order = np.argsort(key, kind="stable")
    order = order[key[order] >= 0]
    sorted_key = key[order]
    if len(order) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), 0
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    sizes = np.diff(np.r_[starts, len(order)])
    group_size = np.repeat(sizes, sizes)
    keep = (group_size > 1) & (group_size <= max_block)
    skipped = int(np.count_nonzero(sizes > max_block))
    idx, gkey = order[keep], sorted_key[keep]
    lefts, rights = [], []
    for offset in range(1, max_block):
        if offset >= len(idx):
            break
        same = gkey[:-offset] == gkey[offset:]
        if not same.any():
            break
        lefts.append(idx[:-offset][same])
        rights.append(idx[offset:][same])
    if not lefts:
        return np.empty(0, np.int64), np.empty(0, np.int64), skipped
    return np.concatenate(lefts), np.concatenate(rights), skipped


def _pairs_sorted_neighbours(key: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Each record with the next ``window - 1`` records in key order (sorted neighbourhood)."""
    order = np.argsort(key, kind="stable")
    order = order[key[order] >= 0]
    lefts, rights = [], []
    for offset in range(1, max(window, 2)):
        lefts.append(order[:-offset])
        rights.append(order[offset:])
    return np.concatenate(lefts), np.concatenate(rights)


def candidate_pairs(
    features: pd.DataFrame,
    rules: list[BlockingRule],
    max_block: int = 30,
    ctx: JobContext | None = None,
    side: np.ndarray | None = None,
) -> BlockingResult:
    """Union of all enabled rules' pairs, each pair once with left < right.

    With ``side`` (which list each record is from), only pairs across lists are kept.
    """
    ctx = ensure_context(ctx)
    n = len(features)
    encoded, counts = [], []
    active = [r for r in rules if r.enabled]
    for done, rule in enumerate(active):
        ctx.progress(done, len(active), f"Finding candidates: {rule.label}")
        key = _rule_key(features, rule)
        skipped = 0
        if rule.kind == "sorted":
            a, b = _pairs_sorted_neighbours(key, rule.window)
        else:
            a, b, skipped = _pairs_sharing_key(key, max_block)
        if side is not None:
            across = side[a] != side[b]
            a, b = a[across], b[across]
        # Within one rule every pair is found once, so no de-duplication is needed here.
        encoded.append(np.minimum(a, b) * n + np.maximum(a, b))
        counts.append({"rule": rule.label, "pairs": int(len(a)), "skipped_groups": skipped})
    ctx.progress(len(active), len(active), "Finding candidates")
    if not encoded:
        return BlockingResult(np.empty(0, np.int64), np.empty(0, np.int64), counts)
    allpairs = np.sort(np.concatenate(encoded))
    if len(allpairs):  # no two records share a key: no pairs (a list without duplicates)
        allpairs = allpairs[np.r_[True, allpairs[1:] != allpairs[:-1]]]
    return BlockingResult(allpairs // n, allpairs % n, counts)
