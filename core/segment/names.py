"""Groups found in the data get names from their figures ("Recent frequent big spenders"),
not "Group 3": each group's median orders, spend and days since the last order, against
the median of everyone who bought."""

from __future__ import annotations

import re

import pandas as pd

NUMBERED = re.compile(r"^Group \d+$")
HIGH, LOW = 1.5, 1 / 1.5  # a group's median this far above / below everyone's is worth a word


def _level(value: float, overall: float) -> int:
    if overall <= 0 or pd.isna(value):
        return 0
    ratio = value / overall
    return 1 if ratio >= HIGH else -1 if ratio <= LOW else 0


def group_names(frame: pd.DataFrame, column: str = "segment") -> dict[str, str]:
    """``{"Group 1": "Lapsed one-time small spenders", ...}`` for the numbered groups."""
    groups = [g for g in pd.unique(frame[column].astype(str)) if NUMBERED.match(g)]
    figures = frame[frame[column].astype(str).isin(groups)]
    numbers = figures[["frequency", "monetary", "recency_days"]].apply(pd.to_numeric, errors="coerce")
    overall = numbers.median()
    medians = numbers.groupby(figures[column].astype(str).to_numpy()).median()
    names: dict[str, str] = {}
    for group in sorted(groups, key=lambda g: int(g.split()[1])):
        row = medians.loc[group]
        when = {1: "Lapsed", -1: "Recent", 0: ""}[_level(row["recency_days"], overall["recency_days"])]
        often = {1: "frequent", -1: "occasional", 0: ""}[_level(row["frequency"], overall["frequency"])]
        if row["frequency"] <= 1:
            often = "one-time"
        spend = {1: "big spenders", -1: "small spenders", 0: "buyers"}[_level(row["monetary"], overall["monetary"])]
        words = " ".join(w for w in (when, often, spend) if w) or "Typical buyers"
        if words == "buyers":
            words = "Typical buyers"
        name = words[0].upper() + words[1:]
        taken = sum(1 for n in names.values() if n == name or n.startswith(f"{name} ("))
        names[group] = f"{name} ({taken + 1})" if taken else name
    return names


def rename_groups(out: pd.DataFrame, report: dict, names: dict[str, str], column: str = "segment") -> None:
    """Put ``names`` in the segmented rows and every part of the report that lists groups."""
    if not names:
        return
    out[column] = out[column].replace(names)
    report["sizes"] = report["sizes"].assign(segment=report["sizes"]["segment"].replace(names))
    if "map" in report:
        report["map"] = report["map"].assign(segment=report["map"]["segment"].replace(names))
    if "crosstab" in report:
        report["crosstab"] = report["crosstab"].rename(index=names)
