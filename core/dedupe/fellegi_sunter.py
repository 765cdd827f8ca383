"""Match weights learned from the data itself, turned into a probability of "same person".

Fellegi-Sunter: each comparison level has m = P(level | same person) and
u = P(level | different people); the pair's evidence is the sum of log2(m/u).
u comes from random pairs (almost all different people); m and the share of
true matches among candidates come from expectation-maximisation over the candidate
pairs, with no labels needed. Review decisions, when there are some, enter EM as
known answers. Exact agreement on a common value (Smith, London) is worth less than
on a rare one: the u of an exact match is replaced by how common the value is.

Evidence against a match is kept strong on purpose, because family members share a
surname, an address and a phone: a clearly different date of birth counts at least
20 bits against, and a clearly different first name decides "different people" --
unless an identity number (social security, passport) is the same, or for the first
name the birthdays are (then it is more likely a data-entry error). Street, town
and postcode agree and change together, so they count once, not three times, and
not when two of them disagree (same town, other street and postcode: another address). A shared
name with nothing else in common never merges on its own: it goes to review.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from core.dedupe.compare import TERM_FREQUENCY, Encoded, compare_pairs, comparison_levels
from core.dedupe.normalise import is_identifier
from core.jobs import JobContext, ensure_context

# Fields of one address: they agree together and change together when someone moves,
# so they count as much as the strongest among them (for and against), not as a sum.
ADDRESS = ("street", "city", "postcode")
NAMES = ("first", "last", "gender")
# A name alone tops out here (probability 0.8 with an even prior): review, not merge.
NAME_ONLY_CAP_BITS = 2.0
# This much evidence against, not outweighed by the evidence for: "clearly different".
CONFLICT_BITS = -10.0
# Evidence against, in bits: a different birthday at least this much...
DOB_AGAINST_BITS = 20.0
# ...and a different first name without the same birthday: "different people".
FIRST_NAME_VETO_BITS = 40.0
# The lowest u a level may have (rare exact values do not make infinite evidence).
U_FLOOR = 1e-6


@dataclass
class MatchModel:
    """Learned weights; plain lists so it serialises to JSON with the project."""

    comparisons: list[str]
    m: list[list[float]]
    u: list[list[float]]
    prior: float
    iterations: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    def weights(self) -> list[np.ndarray]:
        """log2(m/u) per level, as learned (see ``_veto`` for the identity rules)."""
        return [np.log2(np.asarray(m) / np.asarray(u))
                for m, u in zip(self.m, self.u, strict=True)]


def _random_pairs(n: int, size: int, split: int | None = None,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of records; with ``split``, one from each list (rows before / after it)."""
    rng = np.random.default_rng(seed)
    if split is None:
        a, b = rng.integers(0, n, size), rng.integers(0, n, size)
    else:
        a, b = rng.integers(0, split, size), rng.integers(split, n, size)
    keep = a != b
    return a[keep], b[keep]


def estimate_u(enc: Encoded, names: list[str], sample: int = 30_000,
               split: int | None = None) -> list[list[float]]:
    """u per level from random pairs: how often different people agree by chance."""
    a, b = _random_pairs(enc.n, min(sample, max(enc.n * 20, 1000)), split)
    _, levels = compare_pairs(enc, a, b)
    return [_frequencies(levels[:, k], len(comparison_levels(n)), prior=1.0)
            for k, n in enumerate(names)]


def _frequencies(col: np.ndarray, n_levels: int, prior: float, weights=None) -> list[float]:
    present = col >= 0
    counts = np.bincount(col[present], weights=None if weights is None else weights[present],
                         minlength=n_levels)[:n_levels].astype(float)
    probs = (counts + prior) / (counts.sum() + prior * n_levels)
    return list(np.maximum(probs, U_FLOOR))


def _initial_m(n_levels: int) -> list[float]:
    raw = np.array([0.5 ** (n_levels - 1 - k) for k in range(n_levels)])
    raw[0] = 0.05
    return list(raw / raw.sum())


def fit(
    enc: Encoded,
    names: list[str],
    levels: np.ndarray,
    labels: np.ndarray | None = None,
    max_iter: int = 40,
    ctx: JobContext | None = None,
    split: int | None = None,
) -> MatchModel:
    """EM for m and the match share; ``labels`` holds 1/0 for reviewed pairs, -1 otherwise.

    ``split`` is set when linking two lists (records before it are the first list).
    """
    ctx = ensure_context(ctx)
    u = estimate_u(enc, names, split=split)
    n_levels = [len(comparison_levels(n)) for n in names]
    # Group identical level patterns: EM then runs over a few hundred rows, not millions.
    radix = np.cumprod([1] + [k + 1 for k in n_levels[:-1]])
    code = ((levels.astype(np.int64) + 1) * radix).sum(axis=1)
    if labels is None:
        labels = np.full(len(levels), -1, dtype=np.int8)
    key = code * 3 + (labels + 1)
    uniq, first, counts = np.unique(key, return_index=True, return_counts=True)
    pat, pat_label = levels[first], labels[first]
    m = [_initial_m(k) for k in n_levels]
    prior = 0.1
    it = 0
    for it in range(1, max_iter + 1):
        ctx.progress(it, max_iter, "Learning what makes a match")
        # The E-step scores like the final model (address grouped, identity vetoes), so
        # households never become the "match" class.
        weights = MatchModel(names, m, u, prior).weights()
        per_field = [np.where(pat[:, k] >= 0, weights[k][np.maximum(pat[:, k], 0)], 0.0)
                     for k in range(len(names))]
        per_field = _veto(names, per_field, pat)
        post = probability(np.log2(prior / (1 - prior)) + _combine(names, per_field, pat))
        post = np.where(pat_label >= 0, pat_label, post)
        weight = post * counts
        new_m = [_frequencies(pat[:, k], n_levels[k], prior=0.1, weights=weight)
                 for k in range(len(names))]
        u = [_frequencies(pat[:, k], n_levels[k], prior=0.1, weights=(1 - post) * counts)
             for k in range(len(names))]
        new_prior = float(np.clip(weight.sum() / counts.sum(), 1e-6, 0.999))
        delta = max(float(np.max(np.abs(np.subtract(a, b)))) for a, b in zip(new_m, m, strict=True))
        m, prior = new_m, new_prior
        if delta < 1e-4:
            break
    return MatchModel(list(names), [list(map(float, x)) for x in m],
                      [list(map(float, x)) for x in u], prior, it)


def field_weights(model: MatchModel, enc: Encoded, levels: np.ndarray,
                   a: np.ndarray) -> list[np.ndarray]:
    """Evidence per field and pair: term-frequency adjusted, the first-name veto applied."""
    weights = model.weights()
    names = model.comparisons
    per_field = []
    for k, name in enumerate(names):
        col = levels[:, k]
        w = np.where(col >= 0, weights[k][np.maximum(col, 0)], 0.0)
        top = len(weights[k]) - 1
        if name in TERM_FREQUENCY and name in enc.tf:
            tf = np.maximum(enc.tf[name][np.maximum(enc.codes[name][a], 0)], U_FLOOR)
            w = np.where(col == top, np.log2(model.m[k][top] / tf), w)
        per_field.append(w)
    return _veto(names, per_field, levels)


def _veto(names: list[str], per_field: list[np.ndarray], levels: np.ndarray) -> list[np.ndarray]:
    """Identity rules: a different birthday counts at least DOB_AGAINST_BITS against,
    unless an identity number is the same (or one typo apart); a clearly different first name means
    different people, unless the birthdays or an identity number are the same."""
    same_id = np.zeros(len(levels), dtype=bool)
    for j, name in enumerate(names):
        if is_identifier(name):
            same_id |= levels[:, j] >= 1  # the same, or one typo apart
    per_field = list(per_field)
    if "dob" in names:
        k = names.index("dob")
        floor = (levels[:, k] == 0) & ~same_id
        per_field[k] = np.where(floor, np.minimum(per_field[k], -DOB_AGAINST_BITS), per_field[k])
    if "first" in names:
        k = names.index("first")
        veto = (levels[:, k] == 0) & ~same_id
        if "dob" in names:
            veto &= levels[:, names.index("dob")] != len(comparison_levels("dob")) - 1
        per_field[k] = np.where(veto, -FIRST_NAME_VETO_BITS, per_field[k])
    return per_field


def match_weights(model: MatchModel, enc: Encoded, levels: np.ndarray,
                  a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Total evidence in bits per pair (prior included), term-frequency adjusted."""
    per_field = field_weights(model, enc, levels, a)
    return np.log2(model.prior / (1 - model.prior)) + _combine(model.comparisons, per_field,
                                                               levels)


def _combine(names: list[str], per_field: list[np.ndarray], levels: np.ndarray) -> np.ndarray:
    """Sum of the fields' evidence, the address fields counted as one."""
    total = np.zeros(len(levels))
    strongest, weakest = total.copy(), total.copy()
    differing = np.zeros(len(levels), dtype=np.int8)
    beyond_name = np.zeros(len(levels), dtype=bool)
    for j, (name, w) in enumerate(zip(names, per_field, strict=True)):
        if name in ADDRESS:
            strongest = np.maximum(strongest, w)
            weakest = np.minimum(weakest, w)
            differing += levels[:, j] == 0
        else:
            total = total + w
            beyond_name |= (w > 1.0) & (name not in NAMES)
    # One address: the same town with another street and postcode is another address
    # (one differing part may be a typo).
    address = np.where(differing >= 2, weakest, strongest + weakest)
    beyond_name |= address > 1.0
    total = total + address
    return np.where(beyond_name, total, np.minimum(total, NAME_ONLY_CAP_BITS))


def probability(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def clearly_different(model: MatchModel, enc: Encoded, levels: np.ndarray,
                      a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairs with strong evidence against them (CONFLICT_BITS or more: a different
    birthday, a different first name) that is not outweighed by the evidence for.

    A pair that merely lacks evidence (it shares nothing but a name) is unproven, not
    "different", and must not break a chain of good links.
    """
    per_field = field_weights(model, enc, levels, a)
    against = np.sum([np.minimum(w, 0.0) for w in per_field], axis=0)
    total = np.log2(model.prior / (1 - model.prior)) + _combine(model.comparisons, per_field,
                                                                levels)
    return (total < 0) & (against <= CONFLICT_BITS)
