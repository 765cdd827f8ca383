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
from core.roles.headers import normalise as header_key

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
    order = pd.unique(groups)
    codes = pd.Index(order).get_indexer(groups)  # each row's cluster, numbered in order
    positions = groups.groupby(groups, sort=False).indices
    golden_cols: dict[str, np.ndarray] = {}
    picks: list[np.ndarray] = []
    for column in data.columns:
        rule = config.per_column.get(column, config.rule)
        values, rank = data[column].to_numpy(), ranks[rule].to_numpy()
        col_filled = filled[column].to_numpy()
        if rule == "most_frequent":
            pick = np.array([_pick(positions[cid], values, rank, col_filled, rule) for cid in order],
                            dtype=object)
            pick = np.where(pick == None, -1, pick).astype(np.int64)  # noqa: E711 (an object array)
        else:
            pick = _best_ranked(codes, rank, col_filled, len(order))
        golden_cols[column] = np.where(pick >= 0, values[np.maximum(pick, 0)], "")
        picks.append(pick)
    golden = pd.DataFrame(golden_cols)
    golden.insert(0, "cluster_id", [str(c) for c in order])
    golden.insert(1, "records", [len(positions[c]) for c in order])
    columns = list(data.columns)
    provenance = pd.DataFrame({
        "cluster_id": np.tile(np.array([str(c) for c in order], dtype=object), len(columns)),
        "column": np.repeat(np.array(columns, dtype=object), len(order)),
        "row": np.concatenate(picks) if picks else np.zeros(0, dtype=np.int64),
        "rule": np.repeat(np.array([config.per_column.get(c, config.rule) for c in columns],
                                   dtype=object), len(order)),
    })
    return golden, provenance


def _best_ranked(codes: np.ndarray, rank: np.ndarray, filled: np.ndarray, clusters: int) -> np.ndarray:
    """Per cluster, the filled row of highest rank, the first such row on a tie (what
    ``argmax`` over the cluster's rows gives); -1 where none is filled. Sorted once for
    all clusters, not a Python call per cluster."""
    rows = np.flatnonzero(filled)
    ranked = rows[np.lexsort((rows, -rank[rows], codes[rows]))]
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = codes[ranked][1:] != codes[ranked][:-1]
    pick = np.full(clusters, -1, dtype=np.int64)
    pick[codes[ranked[first]]] = ranked[first]
    return pick


def _pick(rows, values, rank, filled, rule: str) -> int | None:
    rows = rows[filled[rows]]
    if len(rows) == 0:
        return None
    if rule == "most_frequent":
        vals, first, counts = np.unique(values[rows], return_index=True, return_counts=True)
        best = np.lexsort((first, -counts))[0]
        return int(rows[first[best]])
    return int(rows[np.argmax(rank[rows])])


# Headers of columns saying when a record was last changed (best) or created.
_CHANGED = ("updated", "updated at", "updated on", "last updated", "modified", "modified at",
            "last modified", "changed", "last changed", "geandert", "geandert am",
            "aktualisiert", "date modified", "date updated")
_CREATED = ("created", "created at", "created on", "creation date", "date created",
            "signup date", "registered", "registration date", "erstellt", "erstellt am",
            "angelegt", "angelegt am", "date added", "added")
# Headers of columns saying where a record came from.
_SOURCES = ("source", "lead source", "record source", "origin", "quelle", "herkunft",
            "data source", "list", "system")


def _mostly_dates(values: pd.Series) -> bool:
    text = values.astype(str).str.strip()
    text = text[text != ""].head(500)
    if text.empty:
        return False
    when = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)  # offsets may differ
    return bool(when.notna().mean() >= 0.8)


def record_date_column(df: pd.DataFrame, roles: dict[str, str] | None = None) -> str | None:
    """The column saying when each record was changed or created, for 'most recent'.

    Headers such as updated / modified win over created / signup, then an order-date
    role; the values must mostly read as dates. Dates of birth never count.
    """
    roles = roles or {}
    ranked = []
    for k, column in enumerate(df.columns):
        role, key = roles.get(column), header_key(column)
        if role == "date_of_birth":
            continue
        rank = (0 if key in _CHANGED else 1 if key in _CREATED
                else 2 if role == "order_date" else None)
        if rank is not None:
            ranked.append((rank, k, column))
    for _, _, column in sorted(ranked):
        if _mostly_dates(df[column]):
            return str(column)
    return None


def record_source_column(df: pd.DataFrame, roles: dict[str, str] | None = None) -> str | None:
    """The column naming where each record came from (a source or channel), if any."""
    roles = roles or {}
    for column in df.columns:
        if header_key(column) in _SOURCES or roles.get(column) == "channel":
            if df[column].astype(str).str.strip().ne("").any():
                return str(column)
    return None


def source_preference(values: pd.Series, preferred: str | None) -> list[str]:
    """Sources in order of preference: the chosen one first, then the most common."""
    counts = values.astype(str).str.strip()
    order = [str(v) for v in counts[counts != ""].value_counts(sort=True).index]
    if preferred in order:
        order.remove(preferred)
        order.insert(0, preferred)
    return order
