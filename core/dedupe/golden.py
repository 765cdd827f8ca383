"""Golden records: one best row per person, each value saying where it came from.

Survivorship rules pick each field's value among a group's records: the most frequent
value, the value from the most complete record, the most recent record (by a date
column) or a preferred source (by a source column and an order of preference).
Empty values never win over filled ones. Source rows are never dropped: the
provenance table names, per person and field, the row the value was taken from,
and every row keeps its ``cluster_id`` in the deduplicated table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import ColumnError

RULES = ("most_frequent", "most_complete", "most_recent", "preferred_source")


@dataclass
class GoldenConfig:
    """Default rule for every field, per-column overrides, and what the rules need."""

    rule: str = "most_complete"
    per_column: dict[str, str] = field(default_factory=dict)
    date_column: str | None = None
    source_column: str | None = None
    source_order: list[str] = field(default_factory=list)


def _check(df: pd.DataFrame, config: GoldenConfig) -> None:
    for rule in [config.rule, *config.per_column.values()]:
        if rule not in RULES:
            raise ColumnError(f"Unknown survivorship rule '{rule}'; use one of: {', '.join(RULES)}.")
    for name, col in (("date", config.date_column), ("source", config.source_column)):
        if col is not None and col not in df.columns:
            raise ColumnError(f"The {name} column '{col}' is not in the table; pick another.")
    needs = {config.rule, *config.per_column.values()}
    if "most_recent" in needs and config.date_column is None:
        raise ColumnError("'Most recent' needs a date column; choose which column holds the date.")
    if "preferred_source" in needs and config.source_column is None:
        raise ColumnError("'Preferred source' needs a source column; choose which one names it.")


def _rank(df: pd.DataFrame, rule: str, config: GoldenConfig, filled: pd.DataFrame) -> pd.Series:
    """Higher rank wins; ties go to the earlier row."""
    if rule == "most_complete":
        return filled.sum(axis=1).astype(float)
    if rule == "most_recent":
        when = pd.to_datetime(df[config.date_column], errors="coerce", format="mixed")
        return (when - pd.Timestamp(0)).dt.total_seconds().fillna(-np.inf)
    if rule == "preferred_source":
        order = {s: len(config.source_order) - k for k, s in enumerate(config.source_order)}
        return df[config.source_column].map(order).fillna(0).astype(float)
    return pd.Series(0.0, index=df.index)


def golden_records(
    df: pd.DataFrame, clusters: pd.Series, config: GoldenConfig | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(golden, provenance): one row per cluster, and (cluster, column, row, rule) per value.

    ``clusters`` is aligned with ``df``; ``row`` in provenance is the 0-based row position.
    """
    config = config or GoldenConfig()
    _check(df, config)
    data = df.reset_index(drop=True).astype(str)
    groups = pd.Series(np.asarray(clusters), name="cluster_id")
    filled = data.apply(lambda c: c.str.strip() != "")
    ranks = {r: _rank(data, r, config, filled) for r in set(config.per_column.values()) |
             {config.rule}}
    golden_cols: dict[str, list] = {}
    prov_rows = []
    order = pd.unique(groups)
    positions = groups.groupby(groups, sort=False).indices
    for column in data.columns:
        rule = config.per_column.get(column, config.rule)
        values, rank = data[column].to_numpy(), ranks[rule].to_numpy()
        col_filled = filled[column].to_numpy()
        chosen = []
        for cid in order:
            rows = positions[cid]
            pick = _pick(rows, values, rank, col_filled, rule)
            chosen.append(values[pick] if pick is not None else "")
            prov_rows.append((str(cid), column, -1 if pick is None else int(pick), rule))
        golden_cols[column] = chosen
    golden = pd.DataFrame(golden_cols)
    golden.insert(0, "cluster_id", [str(c) for c in order])
    golden.insert(1, "records", [len(positions[c]) for c in order])
    provenance = pd.DataFrame(prov_rows, columns=["cluster_id", "column", "row", "rule"])
    return golden, provenance


def _pick(rows, values, rank, filled, rule: str) -> int | None:
    rows = rows[filled[rows]]
    if len(rows) == 0:
        return None
    if rule == "most_frequent":
        vals, first, counts = np.unique(values[rows], return_index=True, return_counts=True)
        best = np.lexsort((first, -counts))[0]
        return int(rows[first[best]])
    return int(rows[np.argmax(rank[rows])])
