"""What a reviewer sees: the queue of uncertain pairs, each pair side by side.

The queue holds the pairs between the review and merge thresholds that nobody has
answered yet, the most uncertain first. A pair view lists every column with both
values, which characters differ, and the field's agreement in words, so the screen
only has to draw it. ``readable_pairs`` is the same information as a table for
``localreach dedupe --pairs``. Answers are kept by record identity (``record_keys``),
not row position, so they survive a re-import of the list in another order.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.dedupe.compare import comparison_label, comparison_levels
from core.dedupe.normalise import field_columns, normalise
from core.dedupe.pipeline import Decision


def decided_keys(decisions) -> set[tuple[int, int]]:
    return {(min(d.left, d.right), max(d.left, d.right)) for d in decisions}


def review_queue(scored, threshold: float, review_threshold: float, decisions=()) -> np.ndarray:
    """Indices of candidate pairs to review, most uncertain (closest to 50/50) first."""
    p = scored.probability
    band = np.flatnonzero((p >= review_threshold) & (p < threshold))
    done = decided_keys(decisions)
    band = np.array([k for k in band
                     if (int(scored.left[k]), int(scored.right[k])) not in done], dtype=np.int64)
    return band[np.argsort(np.abs(p[band] - 0.5), kind="stable")] if len(band) else band


def char_diff(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Each side as (text, differs) runs, so the screen can highlight changed characters."""
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append((a[i1:i2], op != "equal"))
        if j2 > j1:
            right.append((b[j1:j2], op != "equal"))
    return left, right


@dataclass
class FieldRow:
    column: str
    left: str
    right: str
    differs: bool
    agreement: str


def pair_rows(df: pd.DataFrame, scored, k: int, roles=None, id_column=None) -> list[FieldRow]:
    """Every column of the two records of candidate pair ``k``, with the field's agreement."""
    i, j = int(scored.left[k]), int(scored.right[k])
    level_of = {name: scored.levels[k, c] for c, name in enumerate(scored.comparisons)}
    field_of = {}
    for field, cols in field_columns(list(df.columns), roles, id_column).items():
        for col in cols:
            field_of[col] = field.replace("full", "first")
    rows = []
    for col in df.columns:
        a, b = str(df.iat[i, df.columns.get_loc(col)]), str(df.iat[j, df.columns.get_loc(col)])
        name = field_of.get(col)
        level = level_of.get(name)
        words = "" if level is None else ("missing" if level < 0 else
                                          comparison_levels(name)[level])
        rows.append(FieldRow(str(col), a, b, a.strip().lower() != b.strip().lower(), words))
    return rows


def readable_pairs(df: pd.DataFrame, pairs: pd.DataFrame, id_column: str | None) -> pd.DataFrame:
    """Scored pairs with 1-based record numbers, ids, and each field's agreement in words."""
    out = pd.DataFrame({"left_record": pairs["left"] + 1, "right_record": pairs["right"] + 1})
    if id_column:
        ids = df[id_column].astype(str).to_numpy()
        out[f"left_{id_column}"] = ids[pairs["left"]]
        out[f"right_{id_column}"] = ids[pairs["right"]]
    out["match_probability"] = pairs["probability"].map(lambda p: f"{p:.4f}")
    fields = [c for c in pairs.columns if c not in ("left", "right", "probability", "match_weight")]
    for name in fields:
        words = np.array(comparison_levels(name) + ["missing"], dtype=object)
        out[comparison_label(name)] = words[pairs[name].to_numpy().astype(np.int64)]
    return out.sort_values("match_probability", ascending=False, kind="stable").reset_index(drop=True)


def record_keys(df: pd.DataFrame, roles=None, id_column: str | None = None,
                lists: np.ndarray | None = None) -> np.ndarray:
    """A stable identity per record, so answers survive a re-import in another order.

    The id column's value where there is one, else a hash of the record's normalised
    matching fields (case, spacing and formatting do not change it). With ``lists`` (the
    list each record came from) the list's name comes first: two lists may use the same
    ids for different people.
    """
    features = normalise(df, roles, id_column)
    joined = features.astype(str).agg("\x1f".join, axis=1) if len(features.columns) else \
        pd.Series([""] * len(df))
    keys = np.array(["h:" + hashlib.sha256(v.encode()).hexdigest()[:20] for v in joined],
                    dtype=object)
    if id_column is not None:
        ids = df[id_column].astype(str).str.strip().to_numpy(dtype=object)
        keys = np.where(ids != "", "id:" + ids, keys)
    if lists is not None:
        keys = (np.asarray(lists).astype(str) + "\x1f" + keys.astype(str)).astype(object)
    return keys


def keyed_decisions(decisions, keys: np.ndarray) -> list[dict]:
    """Review answers by record identity (what the project stores)."""
    return [{"left": str(keys[d.left]), "right": str(keys[d.right]), "same": bool(d.same)}
            for d in decisions]


def positional_decisions(keyed: list[dict], keys: np.ndarray) -> list[Decision]:
    """Keyed answers as decisions on this table's rows; answers about records that are
    no longer there are left out."""
    first = pd.Series(np.arange(len(keys))).groupby(pd.Series(keys)).first().to_dict()
    return [Decision(first[k["left"]], first[k["right"]], k["same"]) for k in keyed
            if k["left"] in first and k["right"] in first and k["left"] != k["right"]]
