"""Field-by-field comparison of candidate pairs, in bulk.

Each comparison turns a pair into an agreement level (0 = disagree ... highest = exact;
-1 = a value is missing, which counts neither way). Values are integer codes over the
distinct normalised strings, so exact agreement is a numpy equality and fuzzy scores
(rapidfuzz ``cpdist`` with workers) run once per distinct pair of values, never in a
Python loop over pairs. Names are compared both ways round (first/last swapped) and
through the nickname table; dates of birth allow a day/month swap or one digit off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from core.jobs import JobContext, ensure_context

# Name, level labels (index = level), user words.
COMPARISONS = {
    "first": (["different", "similar", "very similar or nickname", "same"], "First name"),
    "last": (["different", "similar", "very similar", "same"], "Surname"),
    "email": (["different", "close", "same"], "E-mail"),
    "phone": (["different", "same last digits", "same"], "Phone"),
    "street": (["different", "similar", "very similar", "same"], "Street"),
    "city": (["different", "similar", "same"], "Town"),
    "postcode": (["different", "one character off", "same"], "Postcode"),
    "dob": (["different", "same year or close", "swapped or one digit off", "same"],
            "Date of birth"),
    "gender": (["different", "same"], "Gender"),
    "company": (["different", "similar", "same"], "Company"),
}
EXTRA_LEVELS = ["different", "one typo", "same"]
# Comparisons whose exact level is adjusted for how common the value is.
TERM_FREQUENCY = ("first", "last", "city", "postcode")


def comparison_levels(name: str) -> list[str]:
    return COMPARISONS[name][0] if name in COMPARISONS else EXTRA_LEVELS


def comparison_label(name: str) -> str:
    return COMPARISONS[name][1] if name in COMPARISONS else name.split(":", 1)[1]


class Encoded:
    """Normalised fields as integer codes (-1 = missing) plus their distinct values.

    First and last names share one vocabulary so swapped names compare directly.
    """

    def __init__(self, features: pd.DataFrame) -> None:
        self.n = len(features)
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, np.ndarray] = {}
        self.tf: dict[str, np.ndarray] = {}
        names = [f for f in ("first", "last", "first_canon") if f in features]
        if names:
            stacked = pd.concat([features[f] for f in names], ignore_index=True)
            codes, uniques = pd.factorize(stacked.replace("", None), use_na_sentinel=True)
            for k, f in enumerate(names):
                self.codes[f] = codes[k * self.n:(k + 1) * self.n].astype(np.int64)
                self.values[f] = np.asarray(uniques, dtype=object)
        for f in features.columns:
            if f not in self.codes:
                codes, uniques = pd.factorize(features[f].replace("", None), use_na_sentinel=True)
                self.codes[f] = codes.astype(np.int64)
                self.values[f] = np.asarray(uniques, dtype=object)
        for f in TERM_FREQUENCY:
            if f in self.codes:
                c = self.codes[f]
                counts = np.bincount(c[c >= 0], minlength=len(self.values[f]))
                self.tf[f] = counts / max(1, np.count_nonzero(c >= 0))

    def comparisons(self) -> list[str]:
        have = set(self.codes)
        names = [c for c in COMPARISONS if c in have]
        return names + sorted(f for f in have if f.startswith("extra:"))


def _similarity(values: np.ndarray, ca: np.ndarray, cb: np.ndarray, scorer, **kw) -> np.ndarray:
    """Scorer over distinct value pairs; 1.0 / exact when codes agree, NaN if missing."""
    out = np.full(len(ca), np.nan)
    present = (ca >= 0) & (cb >= 0)
    same = present & (ca == cb)
    out[same] = kw.pop("same_value", 1.0)
    sel = present & ~same
    if sel.any():
        a, b = ca[sel], cb[sel]
        m = len(values) + 1
        enc = np.minimum(a, b) * m + np.maximum(a, b)
        inv, uniq = pd.factorize(enc)
        scores = cpdist(values[uniq // m], values[uniq % m], scorer=scorer, workers=-1, **kw)
        out[sel] = np.asarray(scores, dtype=float)[inv]
    return out


def _jw(enc: Encoded, fa: str, fb: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _similarity(enc.values[fa], enc.codes[fa][a], enc.codes[fb][b],
                       JaroWinkler.normalized_similarity)


def _levels(sim: np.ndarray, cuts: list[float]) -> np.ndarray:
    """Level = number of cut-offs reached; -1 where missing."""
    lv = np.zeros(len(sim), dtype=np.int8)
    for cut in cuts:
        lv += (sim >= cut).astype(np.int8)
    lv[np.isnan(sim)] = -1
    return lv


def _names(enc: Encoded, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    out = {}
    has_first, has_last = "first" in enc.codes, "last" in enc.codes
    first = _jw(enc, "first", "first", a, b) if has_first else None
    last = _jw(enc, "last", "last", a, b) if has_last else None
    if has_first and has_last:
        # Only pairs whose names agree poorly the usual way round can agree better swapped.
        straight = np.nan_to_num(first) + np.nan_to_num(last)
        maybe = np.flatnonzero(straight < 1.8)
        cross1 = _jw(enc, "first", "last", a[maybe], b[maybe])
        cross2 = _jw(enc, "last", "first", a[maybe], b[maybe])
        swapped = (np.nan_to_num(cross1) + np.nan_to_num(cross2) > straight[maybe] + 0.2)
        swapped &= (np.nan_to_num(cross1) >= 0.9) & (np.nan_to_num(cross2) >= 0.9)
        first[maybe[swapped]] = cross1[swapped]
        last[maybe[swapped]] = cross2[swapped]
    if has_first:
        lv = np.maximum(_levels(first, [0.80, 0.92, 1.0]), _one_edit(enc, "first", a, b))
        canon = enc.codes["first_canon"]
        nick = (canon[a] >= 0) & (canon[a] == canon[b]) & (lv <= 1)
        lv[nick | ((lv == 0) & _initial(enc, a, b))] = 2
        out["first"] = lv
    if has_last:
        out["last"] = np.maximum(_levels(last, [0.80, 0.92, 1.0]), _one_edit(enc, "last", a, b))
    return out


def _one_edit(enc: Encoded, f: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Level 1 ("similar") for names one typo apart, which Jaro-Winkler scores low when
    they are short (Uwe/Uew, Mia/Ma); level 2 when the names are longer than four letters."""
    ca, cb = enc.codes[f][a], enc.codes[f][b]
    # One edit apart means lengths differ by at most one: skip the rest cheaply.
    lens = np.array([len(v) for v in enc.values[f]] + [0])
    near = np.abs(lens[ca] - lens[cb]) <= 1
    dist = np.full(len(a), np.nan)
    dist[near] = _similarity(enc.values[f], ca[near], cb[near], OSA.distance, same_value=0)
    dist[~near & (ca >= 0) & (cb >= 0)] = 2
    longer = np.maximum(lens[ca], lens[cb])
    lv = np.where(dist <= 1, np.where(longer > 4, 2, 1), 0).astype(np.int8)
    lv[np.isnan(dist)] = -1
    return lv


def _initial(enc: Encoded, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One first name is a single letter and starts the other (J. vs John)."""
    values, codes = enc.values["first"], enc.codes["first"]
    ca, cb = codes[a], codes[b]
    ok = (ca >= 0) & (cb >= 0)
    lens = np.array([len(v) for v in values] + [0])
    firsts = np.array([v[:1] for v in values] + [""], dtype=object)
    ca_, cb_ = np.where(ok, ca, -1), np.where(ok, cb, -1)
    short = (lens[ca_] == 1) | (lens[cb_] == 1)
    return ok & short & (firsts[ca_] == firsts[cb_])


def _dob(enc: Encoded, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    values = enc.values["dob"]
    digits = np.array([[ord(c) - 48 for c in v.ljust(8, "0")[:8]] for v in values] +
                      [[0] * 8], dtype=np.int16).reshape(-1, 8)
    ca, cb = enc.codes["dob"][a], enc.codes["dob"][b]
    present = (ca >= 0) & (cb >= 0)
    da, db = digits[ca], digits[cb]
    diff = (da != db).sum(axis=1)
    year_same = (da[:, :4] == db[:, :4]).all(axis=1)
    swap = year_same & (da[:, 4:6] == db[:, 6:8]).all(axis=1) & (da[:, 6:8] == db[:, 4:6]).all(axis=1)
    lv = np.zeros(len(a), dtype=np.int8)
    lv[year_same | (diff <= 2)] = 1
    lv[swap | (diff == 1)] = 2
    lv[diff == 0] = 3
    lv[~present] = -1
    return lv


def _email(enc: Encoded, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ca, cb = enc.codes["email"][a], enc.codes["email"][b]
    la, lb = enc.codes["email_local"][a], enc.codes["email_local"][b]
    da, db = enc.codes["email_domain"][a], enc.codes["email_domain"][b]
    local_dist = _similarity(enc.values["email_local"], la, lb, Levenshtein.distance, same_value=0)
    # One letter off is a typo; another number (b.smith70 / b.smith90) another account.
    digits = pd.factorize(np.array(["".join(filter(str.isdigit, v))
                                    for v in enc.values["email_local"]] + [""], dtype=object))[0]
    lv = np.zeros(len(a), dtype=np.int8)
    close = ((la == lb) & (la >= 0)) | ((da == db) & (local_dist <= 1) & (digits[la] == digits[lb]))
    lv[close] = 1
    lv[(ca == cb) & (ca >= 0)] = 2
    lv[(ca < 0) | (cb < 0)] = -1
    return lv


def _phone(enc: Encoded, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    values = enc.values["phone"]
    tails = pd.factorize(pd.Series(list(values) + ["?"]).str[-6:])[0]
    ca, cb = enc.codes["phone"][a], enc.codes["phone"][b]
    lv = np.zeros(len(a), dtype=np.int8)
    lv[tails[ca] == tails[cb]] = 1
    lv[ca == cb] = 2
    lv[(ca < 0) | (cb < 0)] = -1
    return lv


def _simple(enc: Encoded, f: str, a: np.ndarray, b: np.ndarray, scorer, cuts) -> np.ndarray:
    """Levels from a 0..1 or 0..100 scorer (exact agreement scores the top cut)."""
    sim = _similarity(enc.values[f], enc.codes[f][a], enc.codes[f][b], scorer,
                      same_value=cuts[-1])
    return _levels(sim, cuts)


def compare_pairs(
    enc: Encoded, a: np.ndarray, b: np.ndarray, ctx: JobContext | None = None,
    chunk: int = 2_000_000,
) -> tuple[list[str], np.ndarray]:
    """Agreement levels, shape (pairs, comparisons), int8 with -1 for missing."""
    ctx = ensure_context(ctx)
    names = enc.comparisons()
    out = np.empty((len(a), len(names)), dtype=np.int8)
    for start in range(0, len(a), chunk):
        ctx.progress(start, len(a), "Comparing possible duplicates")
        sa, sb = a[start:start + chunk], b[start:start + chunk]
        cols = _names(enc, sa, sb)
        for name in names:
            if name in cols:
                continue
            if name == "dob":
                cols[name] = _dob(enc, sa, sb)
            elif name == "email":
                cols[name] = _email(enc, sa, sb)
            elif name == "phone":
                cols[name] = _phone(enc, sa, sb)
            elif name == "street":
                cols[name] = _simple(enc, name, sa, sb, fuzz.token_set_ratio, [70, 90, 100])
            elif name == "city":
                cols[name] = _simple(enc, name, sa, sb, JaroWinkler.normalized_similarity,
                                     [0.9, 1.0])
            elif name == "gender":
                cols[name] = _simple(enc, name, sa, sb, Levenshtein.normalized_similarity, [1.0])
            elif name == "company":
                cols[name] = _simple(enc, name, sa, sb, fuzz.token_set_ratio, [90, 100])
            else:  # postcode and extra identifiers: exact or one typo (two digits swapped)
                cols[name] = _simple(enc, name, sa, sb, OSA.normalized_similarity, [0.75, 1.0])
        for k, name in enumerate(names):
            out[start:start + chunk, k] = cols[name]
    ctx.progress(len(a), len(a), "Comparing possible duplicates")
    return names, out


def field_scores(enc: Encoded, i: int, j: int) -> dict[str, float | None]:
    """Similarity 0..1 per compared field for one pair (what the reviewer sees)."""
    a, b = np.array([i]), np.array([j])
    out: dict[str, float | None] = {}
    for name in enc.comparisons():
        sim = _similarity(enc.values[name], enc.codes[name][a], enc.codes[name][b],
                          JaroWinkler.normalized_similarity)[0]
        out[name] = None if np.isnan(sim) else round(float(sim), 2)
    return out
