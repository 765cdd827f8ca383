"""The duplicates step end to end: normalise, block, compare, learn, score, group.

``score_records`` does the expensive part once (and is what the GUI runs in a worker);
``group_records`` turns the scored pairs into people for any threshold and set of
review decisions in a fraction of a second, so the threshold slider stays live.
``find_duplicates`` is both together, for the command line and recipes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.dedupe.blocking import BlockingRule, candidate_pairs, default_rules
from core.dedupe.clusters import cluster
from core.dedupe.compare import Encoded, compare_pairs
from core.dedupe.fellegi_sunter import (
    MatchModel,
    clearly_different,
    evidence,
    fit,
    probability,
)
from core.dedupe.normalise import normalise
from core.errors import ColumnError
from core.jobs import JobContext, ensure_context

CLUSTER_COLUMN = "cluster_id"
SCORE_COLUMN = "match_score"


@dataclass
class DedupeConfig:
    """Settings of the step; plain values so they go into recipes and the project."""

    threshold: float = 0.9
    review_threshold: float = 0.5
    id_column: str | None = None
    rules: list[dict] | None = None
    max_block: int = 30
    region: str | None = None  # the project's, for phone numbers without their +code


@dataclass
class Decision:
    """A reviewer's answer about two records (row positions in the table)."""

    left: int
    right: int
    same: bool


@dataclass
class Scored:
    """Everything learned about a table's candidate pairs."""

    features: pd.DataFrame
    encoded: Encoded
    left: np.ndarray
    right: np.ndarray
    comparisons: list[str]
    levels: np.ndarray
    model: MatchModel
    weight: np.ndarray
    probability: np.ndarray
    conflict: np.ndarray
    rule_counts: list[dict] = field(default_factory=list)

    def conflicts(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """For any pairs, candidates or not: clearly different people (chain guard)."""
        _, levels = compare_pairs(self.encoded, a, b)
        return clearly_different(self.model, self.encoded, levels, a, b)

    def pairs_frame(self) -> pd.DataFrame:
        """One row per candidate pair: row positions, probability, level per field."""
        out = pd.DataFrame({"left": self.left, "right": self.right,
                            "probability": self.probability.round(4),
                            "match_weight": self.weight.round(2)})
        for k, name in enumerate(self.comparisons):
            out[name] = self.levels[:, k]
        return out


def rules_for(features: pd.DataFrame, config: DedupeConfig) -> list[BlockingRule]:
    if config.rules is not None:
        return [BlockingRule(**r) for r in config.rules]
    return default_rules(features)


def score_records(
    df: pd.DataFrame,
    roles: dict[str, str] | None = None,
    config: DedupeConfig | None = None,
    decisions: list[Decision] = (),
    ctx: JobContext | None = None,
) -> Scored:
    """Find and score every candidate pair of records in ``df``."""
    config = config or DedupeConfig()
    ctx = ensure_context(ctx)
    if config.id_column is not None and config.id_column not in df.columns:
        raise ColumnError(
            f"There is no column '{config.id_column}' to use as the record id; "
            f"check the spelling (columns are: {', '.join(map(str, df.columns))})."
        )
    features = normalise(df, roles, config.id_column, region=config.region)
    if len(features.columns) < 2:
        raise ColumnError(
            "Too few columns describe a person to find duplicates (names, e-mail, phone, "
            "address, date of birth); set the column roles in the Import step."
        )
    return score_features(features, config, decisions, ctx)


def score_features(
    features: pd.DataFrame,
    config: DedupeConfig,
    decisions: list[Decision] = (),
    ctx: JobContext | None = None,
    split: int | None = None,
) -> Scored:
    """Block, compare, learn and score normalised records.

    With ``split`` the records are two lists (rows before ``split`` are the first) and
    only pairs across them are candidates: linking learns with the same model as dedupe.
    """
    ctx = ensure_context(ctx)
    enc = Encoded(features)
    side = None if split is None else np.arange(len(features)) >= split
    blocks = candidate_pairs(features, rules_for(features, config), config.max_block, ctx, side)
    a, b = blocks.left, blocks.right
    names, levels = compare_pairs(enc, a, b, ctx)
    labels = np.full(len(a), -1, dtype=np.int8)
    if decisions:
        index = pd.Series(np.arange(len(a)), index=pd.MultiIndex.from_arrays([a, b]))
        for d in decisions:
            key = (min(d.left, d.right), max(d.left, d.right))
            if key in index.index:
                labels[index[key]] = int(d.same)
    model = fit(enc, names, levels, labels, ctx=ctx, split=split)
    weight, conflict = evidence(model, enc, levels, a)
    return Scored(features, enc, a, b, names, levels, model, weight, probability(weight),
                  conflict, blocks.counts)


@dataclass
class Grouping:
    """People found at one threshold: a group per record and a score per record."""

    cluster: np.ndarray
    score: np.ndarray
    report: dict


def group_records(
    scored: Scored, threshold: float, review_threshold: float = 0.5,
    decisions: list[Decision] = (),
) -> Grouping:
    """Group records at ``threshold``, honouring review decisions and the chain guard."""
    n = len(scored.features)
    same = [(d.left, d.right) for d in decisions if d.same]
    different = [(d.left, d.right) for d in decisions if not d.same]
    labels = cluster(n, scored.left, scored.right, scored.probability, threshold,
                     same, different, scored.conflict, scored.conflicts, scored.weight)
    a, b, p = scored.left, scored.right, scored.probability
    together = labels[a] == labels[b]
    best = np.zeros(n)
    np.maximum.at(best, a, np.where(together, p, 0))
    np.maximum.at(best, b, np.where(together, p, 0))
    alone = np.bincount(labels)[labels] == 1
    near = np.zeros(n)
    np.maximum.at(near, a, p)
    np.maximum.at(near, b, p)
    best = np.where(alone, near, best)
    decided = {(min(d.left, d.right), max(d.left, d.right)) for d in decisions}
    review = (p >= review_threshold) & (p < threshold)
    review &= ~np.isin(a * n + b, [x * n + y for x, y in decided])
    review_open = int(np.count_nonzero(review))
    report = {
        "records": n,
        "people": int(labels.max() + 1) if n else 0,
        "merged_records": int(n - (labels.max() + 1)) if n else 0,
        "merged_pairs": int(np.count_nonzero(together & (p >= threshold))),
        "to_review": review_open,
        "reviewed": len(decided),
        "candidate_pairs": int(len(a)),
        "threshold": threshold,
    }
    return Grouping(labels, best, report)


def find_duplicates(
    df: pd.DataFrame,
    roles: dict[str, str] | None = None,
    config: DedupeConfig | None = None,
    decisions: list[Decision] = (),
    ctx: JobContext | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """``df`` with ``cluster_id`` and ``match_score`` added, the scored pairs, a report."""
    config = config or DedupeConfig()
    scored = score_records(df, roles, config, decisions, ctx)
    grouping = group_records(scored, config.threshold, config.review_threshold, decisions)
    out = df.copy(deep=False)
    out[CLUSTER_COLUMN] = (grouping.cluster + 1).astype(str)
    out[SCORE_COLUMN] = [f"{s:.4f}" for s in grouping.score]
    report = dict(grouping.report, rules=scored.rule_counts, iterations=scored.model.iterations)
    return out, scored.pairs_frame(), report
