"""Why two records are (not) one person, in plain words.

For any pair of records -- a candidate pair or not -- each compared field's agreement
level and the evidence it adds (in bits: log2 of how much likelier the agreement is
for the same person than for two different people, term frequencies and identity
rules included) become a phrase and a strength: "same e-mail: strong; surname one
letter apart: medium; different postcode: against".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA

from core.dedupe.compare import compare_pairs, comparison_label, comparison_levels
from core.dedupe.fellegi_sunter import field_weights, match_weights, probability

# Evidence (bits) from which a field's agreement is called strong / medium / weak.
STRONG_BITS, MEDIUM_BITS = 6.0, 2.0
STRONGLY_AGAINST_BITS = -10.0
# Level words that read before the field's name ("same e-mail"), not after it.
_ADJECTIVES = {"different", "similar", "very similar", "same", "close"}


@dataclass
class Reason:
    field: str
    phrase: str     # "surname one letter apart"
    bits: float     # evidence for (+) or against (-); 0 when a value is missing
    strength: str   # strong, medium, weak, against, strongly against, no evidence

    def text(self) -> str:
        return f"{self.phrase}: {self.strength}"


@dataclass
class Explanation:
    probability: float
    reasons: list[Reason]

    def text(self) -> str:
        """The fields with evidence, strongest for first, then those against."""
        told = [r for r in self.reasons if r.strength != "no evidence"]
        return "; ".join(r.text() for r in sorted(told, key=lambda r: -r.bits))


def strength(bits: float) -> str:
    if bits >= STRONG_BITS:
        return "strong"
    if bits >= MEDIUM_BITS:
        return "medium"
    if bits > 0:
        return "weak"
    return "strongly against" if bits <= STRONGLY_AGAINST_BITS else "against"


def explain_pair(scored, i: int, j: int) -> Explanation:
    """Explain records ``i`` and ``j`` (row positions) of a scored table."""
    enc, model = scored.encoded, scored.model
    a, b = np.array([i]), np.array([j])
    names, levels = compare_pairs(enc, a, b)
    bits = [float(w[0]) for w in field_weights(model, enc, levels, a)]
    reasons = []
    for k, name in enumerate(names):
        level = int(levels[0, k])
        label = comparison_label(name)
        label = label if label.isupper() else label.lower()
        if level < 0:
            reasons.append(Reason(name, f"{label} missing in one record", 0.0, "no evidence"))
            continue
        words = comparison_levels(name)[level]
        if name in ("first", "last") and _one_letter_apart(enc, name, i, j):
            words = "one letter apart"
        phrase = f"{words} {label}" if words in _ADJECTIVES else f"{label} {words}"
        reasons.append(Reason(name, phrase, round(bits[k], 1), strength(bits[k])))
    p = float(probability(match_weights(model, enc, levels, a, b))[0])
    return Explanation(round(p, 4), reasons)


def _one_letter_apart(enc, name: str, i: int, j: int) -> bool:
    ci, cj = enc.codes[name][i], enc.codes[name][j]
    if ci < 0 or cj < 0 or ci == cj:
        return False
    return OSA.distance(enc.values[name][ci], enc.values[name][cj]) == 1
