"""Re-identification risk of an analytic export: k-anonymity over chosen quasi-identifiers.

A table is k-anonymous when every combination of quasi-identifier values (postcode,
age band, gender, city, ...) is shared by at least k rows. We report the smallest
group size, the share of rows that are unique, the smallest groups, and propose
generalisations (coarser postcode, birth year, age band, leaving a column out) that
reach the chosen k, greedily, one step at a time. Segments or personas with fewer
than k members are flagged with :func:`small_groups`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from core.errors import ColumnError
from core.privacy.detect import detect_column
from core.privacy.policy import generalise, parse_dates

SUPPRESSED = "*"
_LADDERS = {
    "postcode": [("generalise", "outward"), ("generalise", "prefix2"), ("generalise", "prefix1"), ("drop", "")],
    "date_of_birth": [("generalise", "year"), ("generalise", "age_band"), ("drop", "")],
}
_WORDS = {"outward": "keep only the outward code", "prefix2": "keep the first 2 characters",
          "prefix1": "keep the first character", "year": "keep the birth year",
          "age_band": "keep a 10-year age band", "": "leave the column out"}


@dataclass
class RiskReport:
    k: int
    target_k: int
    rows: int
    unique_share: float
    at_risk: int
    groups: int
    smallest: pd.DataFrame

    @property
    def ok(self) -> bool:
        return self.k >= self.target_k

    def to_dict(self) -> dict:
        return {"k": self.k, "target_k": self.target_k, "rows": self.rows, "unique_share": self.unique_share,
                "at_risk": self.at_risk, "groups": self.groups, "smallest": self.smallest}


def _group_sizes(df: pd.DataFrame, qis: Sequence[str]) -> pd.Series:
    """Size of each row's group, aligned with the rows."""
    keys = df[list(qis)].astype(str)
    return keys.groupby(list(qis), sort=False, dropna=False)[qis[0]].transform("size")


def k_anonymity(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int = 5, top: int = 10) -> RiskReport:
    """Smallest group, share of unique rows, rows in groups under ``k``, smallest groups."""
    qis = list(quasi_identifiers)
    missing = [c for c in qis if c not in df.columns]
    if missing:
        raise ColumnError(f"Column '{missing[0]}' is not in the table; pick quasi-identifiers from its columns.")
    if not qis or df.empty:
        return RiskReport(len(df), k, len(df), 0.0, 0, min(len(df), 1), pd.DataFrame(columns=[*qis, "people"]))
    sizes = _group_sizes(df, qis)
    groups = df[qis].astype(str).value_counts(sort=False).rename("people").reset_index()
    count = len(groups)
    groups = groups.sort_values("people", kind="stable").head(top).reset_index(drop=True)
    return RiskReport(
        k=int(sizes.min()),
        target_k=k,
        rows=len(df),
        unique_share=round(float((sizes == 1).mean()), 4),
        at_risk=int((sizes < k).sum()),
        groups=count,
        smallest=groups.astype({"people": "int64"}),
    )


def _ladder(df: pd.DataFrame, column: str, kind: str | None) -> list[tuple[str, str]]:
    kind = kind or detect_column(column, df[column]).kind
    if kind == "date_of_birth" and parse_dates(df[column]).notna().mean() < 0.5:
        kind = None
    return _LADDERS.get(kind or "", [("drop", "")])


def _apply(values: pd.Series, kind: str | None, step: tuple[str, str], reference: dt.date, column: str) -> pd.Series:
    action, option = step
    if action == "drop":
        return pd.Series(SUPPRESSED, index=values.index, dtype=object)
    return generalise(values.astype(str), kind if kind == "postcode" else "date_of_birth", option, reference, column)


def suggest_generalisations(
    df: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    k: int = 5,
    *,
    kinds: Mapping[str, str | None] | None = None,
    reference_date: dt.date | None = None,
) -> list[dict]:
    """Steps that bring the table to ``k``: each picks, among the changes that merge some
    groups or values, the one leaving fewest rows at risk (then generalising before leaving
    a column out, then the lightest change).

    Each suggestion: column, action ("generalise"/"drop"), option, plain-words change,
    and k / rows at risk after all steps so far. Empty when the table already reaches k.
    """
    reference = reference_date or dt.date.today()
    qis = list(quasi_identifiers)
    kinds = {c: (kinds or {}).get(c) or detect_column(c, df[c]).kind for c in qis}
    ladders = {c: _ladder(df, c, kinds[c]) for c in qis}
    level = dict.fromkeys(qis, 0)
    current = df[qis].astype(str)
    suggestions: list[dict] = []
    report = k_anonymity(current, qis, k)
    while not report.ok:
        best = None
        for c in qis:
            for lvl in range(level[c], len(ladders[c])):
                step = ladders[c][lvl]
                trial = current.copy()
                trial[c] = _apply(df[c], kinds[c], step, reference, c)
                r = k_anonymity(trial, qis, k)
                if r.groups >= report.groups and trial[c].nunique() >= current[c].nunique():
                    continue  # merges nothing, neither overall nor within the column
                # fewest rows at risk; then generalise before leaving out; then the lightest change
                score = (r.at_risk, step[0] == "drop", -r.groups)
                if best is None or score < best[0]:
                    best = (score, c, lvl, trial, r)
        if best is None:
            break
        _, c, lvl, current, report = best
        level[c] = lvl + 1
        action, option = ladders[c][lvl]
        suggestions.append({"column": c, "action": action, "option": option,
                            "change": f"{c}: {_WORDS[option]}", "k_after": report.k,
                            "at_risk_after": report.at_risk})
    return suggestions


def small_groups(sizes: Mapping[str, int], k: int) -> list[str]:
    """Segments or personas with fewer than ``k`` members: too small to show safely."""
    return [name for name, n in sizes.items() if int(n) < k]
