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

Small files (tens of rows, a handful of duplicates) cannot teach EM much: it may fit
noise or collapse (no matches at all). So EM starts from well-known m per level
(``M_PRIOR``) and the u of random pairs, and each M-step counts those as
``PRIOR_PAIRS`` pairs seen: with thousands of pairs the data decides, with a dozen the
prior does. A fit that does not converge, or ends with no match class, falls back to
the prior with only the share of matches learned. The same e-mail address and the
same name are always at least worth a review.
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
# m per level (different ... same) for a true match, before the data says otherwise:
# the usual shares in customer data (a second e-mail or phone is common, a second
# surname or birthday rare). Comparisons not listed use ``M_PRIOR_OTHER``.
M_PRIOR = {
    "first": [0.03, 0.04, 0.08, 0.85],
    "last": [0.02, 0.03, 0.05, 0.90],
    "email": [0.30, 0.05, 0.65],
    "phone": [0.30, 0.05, 0.65],
    "street": [0.15, 0.05, 0.10, 0.70],
    "city": [0.12, 0.03, 0.85],
    "postcode": [0.12, 0.05, 0.83],
    "dob": [0.02, 0.03, 0.05, 0.90],
    "gender": [0.05, 0.95],
    "company": [0.30, 0.10, 0.60],
}
M_PRIOR_OTHER = [0.10, 0.05, 0.85]
# The most often two different people share an e-mail address or a phone number (a
# family's). In a small file most random pairs sharing one are its duplicates, so the
# random pairs' share is capped here; a big file's share is far below anyway.
U_EXACT_CAP = {"email": 1e-3, "phone": 2e-3}
# u per level for two different people, the same way (a shared surname or town is
# common, a shared e-mail rare).
U_PRIOR = {
    "first": [0.90, 0.06, 0.03, 0.01],
    "last": [0.93, 0.04, 0.02, 0.01],
    "email": [0.998, 0.001, 0.001],
    "phone": [0.997, 0.002, 0.001],
    "street": [0.95, 0.03, 0.01, 0.01],
    "city": [0.90, 0.02, 0.08],
    "postcode": [0.95, 0.02, 0.03],
    "dob": [0.85, 0.12, 0.025, 0.005],
    "gender": [0.5, 0.5],
    "company": [0.95, 0.02, 0.03],
}
U_PRIOR_OTHER = [0.98, 0.01, 0.01]
# How many distinct random pairs the well-known u counts as.
U_PRIOR_PAIRS = 100.0
# How many records the well-known u of an exact value counts as in term frequencies.
TF_PRIOR_RECORDS = 30.0
# How many pairs the prior m and u count as in each M-step (shrinkage toward them).
PRIOR_PAIRS = 20.0
# The same e-mail and the same name: at least this much evidence (p 0.67, "review").
EMAIL_AND_NAME_BITS = 1.0
# Bounds of the learned share of matches among candidate pairs.
PRIOR_MIN, PRIOR_MAX = 1e-6, 0.999


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
    n_levels = [len(comparison_levels(n)) for n in names]
    # A handful of records makes a handful of distinct pairs, its duplicates among them:
    # the well-known u counts as U_PRIOR_PAIRS of them.
    pairs = enc.n * (enc.n - 1) / 2 if split is None else split * (enc.n - split)
    seen = min(float(len(a)), pairs)
    u = [_frequencies(levels[:, k], n_levels[k], U_PRIOR_PAIRS * len(a) / max(seen, 1.0),
                      start=prior_u(n)) for k, n in enumerate(names)]
    for k, name in enumerate(names):
        cap = U_EXACT_CAP.get(name)
        if cap is not None and u[k][-1] > cap:
            rest = np.asarray(u[k][:-1])
            u[k] = [*(rest / rest.sum() * (1 - cap)), cap]
    return u


def _frequencies(col: np.ndarray, n_levels: int, prior: float, weights=None,
                 start=None) -> list[float]:
    """Share of each level; ``prior`` pseudo-counts spread evenly, or as ``start`` says."""
    present = col >= 0
    counts = np.bincount(col[present], weights=None if weights is None else weights[present],
                         minlength=n_levels)[:n_levels].astype(float)
    spread = np.full(n_levels, 1.0 / n_levels) if start is None else np.asarray(start)
    probs = (counts + prior * spread) / (counts.sum() + prior)
    return list(np.maximum(probs, U_FLOOR))


def prior_u(name: str) -> list[float]:
    """The well-known u per level: how often different people agree by chance."""
    raw = np.asarray(U_PRIOR.get(name, U_PRIOR_OTHER), dtype=float)
    return list(raw / raw.sum())


def prior_m(name: str) -> list[float]:
    """The well-known m per level of a comparison (what EM starts from and shrinks to)."""
    raw = np.asarray(M_PRIOR.get(name, M_PRIOR_OTHER), dtype=float)
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
    u_start = estimate_u(enc, names, split=split)
    m_start = [prior_m(n) for n in names]
    n_levels = [len(comparison_levels(n)) for n in names]
    # Group identical level patterns: EM then runs over a few hundred rows, not millions.
    radix = np.cumprod([1] + [k + 1 for k in n_levels[:-1]])
    code = np.zeros(len(levels), dtype=np.int64)  # a column at a time: no int64 copy of all levels
    for k, step in enumerate(radix.tolist()):
        code += (levels[:, k].astype(np.int64) + 1) * step
    if labels is None:
        labels = np.full(len(levels), -1, dtype=np.int8)
    key = code * 3 + (labels + 1)
    uniq, first, counts = np.unique(key, return_index=True, return_counts=True)
    pat, pat_label = levels[first], labels[first]

    def posterior(m, u, prior) -> np.ndarray:
        # The E-step scores like the final model (address grouped, identity vetoes), so
        # households never become the "match" class.
        weights = MatchModel(names, m, u, prior).weights()
        per_field = [np.where(pat[:, k] >= 0, weights[k][np.maximum(pat[:, k], 0)], 0.0)
                     for k in range(len(names))]
        post = probability(_total(names, _veto(names, per_field, pat), pat, prior))
        return np.where(pat_label >= 0, pat_label, post)

    def share(post) -> float:
        return float(np.clip((post * counts).sum() / max(counts.sum(), 1), PRIOR_MIN, PRIOR_MAX))

    m, u, prior = m_start, u_start, 0.1
    it, converged = 0, False
    for it in range(1, max_iter + 1):
        ctx.progress(it, max_iter, "Learning what makes a match")
        post = posterior(m, u, prior)
        new_m = [_frequencies(pat[:, k], n_levels[k], PRIOR_PAIRS, post * counts, m_start[k])
                 for k in range(len(names))]
        u = [_frequencies(pat[:, k], n_levels[k], PRIOR_PAIRS, (1 - post) * counts, u_start[k])
             for k in range(len(names))]
        delta = max(float(np.max(np.abs(np.subtract(a, b)))) for a, b in zip(new_m, m, strict=True))
        m, prior = new_m, share(post)
        if delta < 1e-4:
            converged = True
            break
    if not converged or _collapsed(MatchModel(names, m, u, prior)):
        # Keep the prior m and the random pairs' u; learn only how many pairs match.
        m, u = m_start, u_start
        for _ in range(max_iter):
            new_prior = share(posterior(m, u, prior))
            if abs(new_prior - prior) < 1e-6:
                break
            prior = new_prior
    return MatchModel(list(names), [list(map(float, x)) for x in m],
                      [list(map(float, x)) for x in u], prior, it)


def _collapsed(model: MatchModel) -> bool:
    """No match class left: the share of matches at a bound, or no level that is evidence for."""
    if not all(np.isfinite(np.concatenate(model.m + model.u))):
        return True
    evidence = max(float(np.max(w)) for w in model.weights())
    return model.prior <= PRIOR_MIN or model.prior >= PRIOR_MAX or evidence < 1.0


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
            # A value twice in five records is not common, so a small file's frequencies
            # lean on the well-known u (as if TF_PRIOR_RECORDS more records had been seen).
            seen = np.count_nonzero(enc.codes[name] >= 0)
            raw = enc.tf[name][np.maximum(enc.codes[name][a], 0)]
            tf = (raw * seen + TF_PRIOR_RECORDS * prior_u(name)[top]) / (seen + TF_PRIOR_RECORDS)
            tf = np.maximum(tf, U_FLOOR)
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
    return evidence(model, enc, levels, a)[0]


def _total(names: list[str], per_field: list[np.ndarray], levels: np.ndarray,
           prior: float) -> np.ndarray:
    """The pair's evidence with the prior; the same e-mail and name never below a review."""
    total = np.log2(prior / (1 - prior)) + _combine(names, per_field, levels)
    if "email" not in names:
        return total
    same = levels[:, names.index("email")] == len(comparison_levels("email")) - 1
    named = np.zeros(len(levels), dtype=bool)
    for name, least in (("first", 2), ("last", 3)):  # first: a nickname or one typo will do
        if name in names:
            col = levels[:, names.index(name)]
            same &= (col < 0) | (col >= least)
            named |= col >= least
    return np.where(same & named, np.maximum(total, EMAIL_AND_NAME_BITS), total)


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
    return evidence(model, enc, levels, a)[1]


def evidence(model: MatchModel, enc: Encoded, levels: np.ndarray,
             a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The total evidence per pair and whether it is clearly different, from one pass
    over the fields (at 1M records each field's weights are ~0.1 GB; they were made
    twice)."""
    per_field = field_weights(model, enc, levels, a)
    against = np.zeros(len(levels))
    for w in per_field:
        against += np.minimum(w, 0.0)
    total = _total(model.comparisons, per_field, levels, model.prior)
    return total, (total < 0) & (against <= CONFLICT_BITS)
