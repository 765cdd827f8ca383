"""Several customer lists into one person table: one golden record per person.

The lists (the webshop's customers, the newsletter list, the till's loyalty cards, an
old CRM) are put one under the other, columns that hold the same matching field
(e-mail, surname, ...) under one name -- the first list's. The duplicates step then
runs on all of them at once, so duplicates are found within each list and across
lists with one model; the golden record takes each field by the survivorship rules and
says where the value came from: which list, which row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.dedupe.golden import GoldenConfig, golden_records
from core.dedupe.normalise import field_columns
from core.dedupe.pipeline import DedupeConfig, find_duplicates
from core.errors import ColumnError
from core.jobs import JobContext

PERSON_COLUMN = "person_id"
LIST_COLUMN = "list"
ROW_COLUMN = "row"
FROM_SUFFIX = " (from)"


@dataclass
class PeopleConfig:
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    golden: GoldenConfig = field(default_factory=GoldenConfig)


def align_columns(frames: list[pd.DataFrame], roles: list[dict | None]) -> list[pd.DataFrame]:
    """Each list with its matching-field columns renamed to the first list's names."""
    target: dict[str, str] = {}
    out = []
    for df, rl in zip(frames, roles, strict=True):
        rename = {}
        for fld, cols in field_columns(list(df.columns), rl).items():
            if len(cols) != 1:
                continue
            name = target.setdefault(fld, cols[0])
            if name != cols[0] and name not in df.columns:
                rename[cols[0]] = name
        out.append(df.rename(columns=rename))
    return out


def people_table(
    lists: list[tuple[str, pd.DataFrame]],
    roles: list[dict | None] | None = None,
    config: PeopleConfig | None = None,
    ctx: JobContext | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(people, records, report).

    ``people``: one row per person -- ``person_id``, how many records, which lists,
    each column's golden value and, beside it, ``<column> (from)`` naming the list and
    row (1-based) it came from. ``records``: every input row as ``list``, ``row``,
    ``person_id`` and ``match_score``.
    """
    config = config or PeopleConfig()
    if len(lists) < 2:
        raise ColumnError("Linking lists into one person table needs at least two lists.")
    names = [name for name, _ in lists]
    if len(set(names)) != len(names):
        raise ColumnError("Two lists have the same name; give each list its own name.")
    roles = roles or [None] * len(lists)
    frames = [df.astype(str).reset_index(drop=True) for _, df in lists]
    renamed = align_columns(frames, roles)
    union_roles = _union_roles(frames, renamed, roles)
    union = pd.concat(renamed, ignore_index=True).fillna("")
    source = np.repeat(np.arange(len(lists)), [len(f) for f in frames])
    row = np.concatenate([np.arange(1, len(f) + 1) for f in frames])
    deduped, _, report = find_duplicates(union, union_roles, config.dedupe, ctx=ctx)
    cluster = deduped["cluster_id"]
    golden, provenance = golden_records(union, cluster, config.golden)
    label = np.array([f"{names[s]} row {r}" for s, r in zip(source, row, strict=True)] + [""],
                     dtype=object)
    origin = provenance.pivot(index="cluster_id", columns="column", values="row")
    people = golden.rename(columns={"cluster_id": PERSON_COLUMN})
    lists_of = pd.Series(np.array(names, dtype=object)[source]).groupby(cluster.to_numpy())
    people.insert(2, "lists", people[PERSON_COLUMN].map(
        lists_of.agg(lambda v: ", ".join(dict.fromkeys(v)))))
    for column in union.columns[::-1]:
        rows = origin.loc[people[PERSON_COLUMN], column].to_numpy(np.int64)
        at = people.columns.get_loc(column) + 1
        people.insert(at, f"{column}{FROM_SUFFIX}", label[rows])
    records = pd.DataFrame({LIST_COLUMN: np.array(names, dtype=object)[source], ROW_COLUMN: row,
                            PERSON_COLUMN: cluster.to_numpy(),
                            "match_score": deduped["match_score"].to_numpy()})
    across = records.groupby(PERSON_COLUMN)[LIST_COLUMN].nunique()
    report = dict(report, lists=len(lists), people_in_several_lists=int((across > 1).sum()))
    return people, records, report


def _union_roles(frames, renamed, roles) -> dict[str, str] | None:
    """Roles keyed by the aligned column names (a column's first stated role wins)."""
    if all(r is None for r in roles):
        return None
    merged: dict[str, str] = {}
    for before, after, rl in zip(frames, renamed, roles, strict=True):
        for old, new in zip(before.columns, after.columns, strict=True):
            if rl and old in rl:
                merged.setdefault(new, rl[old])
    return merged
