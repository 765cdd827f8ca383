"""Several customer lists into one person table: one golden record per person.

The lists (the webshop's customers, the newsletter list, the till's loyalty cards, an
old CRM) are put one under the other, columns that hold the same matching field
(e-mail, surname, ...) under one name -- the first list's. The duplicates step then
runs on all of them at once, so duplicates are found within each list and across
lists with one model; the golden record takes each field by the survivorship rules and
says where the value came from: which list, which row.

Next month's lists: with last run's ``records`` (each record's identity, person and
fields) only new and changed records are matched against the people already known
(:func:`core.dedupe.incremental.match_new_records`); every record still there keeps its
person. A record's identity is its list's name and its own customer id, else a hash of
its matching fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.dedupe.golden import GoldenConfig, golden_records
from core.dedupe.incremental import IncrementalConfig, match_new_records
from core.dedupe.normalise import field_columns
from core.dedupe.pipeline import DedupeConfig, find_duplicates
from core.dedupe.review import positional_decisions, record_keys
from core.errors import ColumnError
from core.jobs import JobContext
from core.roles import Role

PERSON_COLUMN = "person_id"
LIST_COLUMN = "list"
ROW_COLUMN = "row"
KEY_COLUMN = "record_key"
SCORE_COLUMN = "match_score"
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


@dataclass
class Stacked:
    """The lists one under the other as they are compared: matching columns under one
    name (``union``, with ``roles``), each row's list (an index into ``names``), its row
    in that list (1-based) and its identity (``keys``, what review answers name)."""

    names: list[str]
    union: pd.DataFrame
    roles: dict[str, str] | None
    source: np.ndarray
    row: np.ndarray
    keys: np.ndarray

    @property
    def lists(self) -> np.ndarray:
        """Each row's list name."""
        return np.array(self.names, dtype=object)[self.source]


def stack_lists(lists: list[tuple[str, pd.DataFrame]], roles: list[dict | None] | None = None) -> Stacked:
    """The named lists stacked for one model (at least two, each its own name)."""
    if len(lists) < 2:
        raise ColumnError("Linking lists into one person table needs at least two lists.")
    names = [name for name, _ in lists]
    if len(set(names)) != len(names):
        raise ColumnError("Two lists have the same name; give each list its own name.")
    roles = roles or [None] * len(lists)
    frames = [df.astype(str).reset_index(drop=True) for _, df in lists]
    renamed = align_columns(frames, roles)
    union = pd.concat(renamed, ignore_index=True).fillna("")
    source = np.repeat(np.arange(len(lists)), [len(f) for f in frames])
    row = np.concatenate([np.arange(1, len(f) + 1) for f in frames])
    keys = np.concatenate([_keys(name, df, rl) for name, df, rl in zip(names, frames, roles, strict=True)])
    return Stacked(names, union, _union_roles(frames, renamed, roles), source, row, keys)


def people_table(
    lists: list[tuple[str, pd.DataFrame]],
    roles: list[dict | None] | None = None,
    config: PeopleConfig | None = None,
    ctx: JobContext | None = None,
    previous: pd.DataFrame | None = None,
    decisions: list[dict] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(people, records, report).

    ``people``: one row per person -- ``person_id``, how many records, which lists,
    each column's golden value and, beside it, ``<column> (from)`` naming the list and
    row (1-based) it came from. ``records``: every input row as ``list``, ``row``,
    ``person_id``, ``match_score``, ``record_key`` and its matching columns; given as
    ``previous`` next time, its people keep their ids. ``decisions``: review answers
    ``{left, right, same}`` by record key (the Duplicates screen's), used as the
    duplicates step uses them; with ``previous`` the known people stand as they are.
    """
    config = config or PeopleConfig()
    stacked = stack_lists(lists, roles)
    names, union, union_roles = stacked.names, stacked.union, stacked.roles
    source, row, keys = stacked.source, stacked.row, stacked.keys
    if previous is None:
        answers = positional_decisions(decisions or [], keys)
        deduped, _, report = find_duplicates(union, union_roles, config.dedupe, answers, ctx=ctx)
        cluster, score = deduped["cluster_id"], deduped["match_score"]
    else:
        cluster, score, report = _known_people(union, keys, union_roles, previous, config, ctx)
    golden, provenance = golden_records(union, cluster, config.golden)
    label = np.array([f"{names[s]} row {r}" for s, r in zip(source, row, strict=True)] + [""],
                     dtype=object)
    origin = provenance.pivot(index="cluster_id", columns="column", values="row")
    people = golden.rename(columns={"cluster_id": PERSON_COLUMN})
    lists_of = pd.Series(stacked.lists).groupby(cluster.to_numpy())
    people.insert(2, "lists", people[PERSON_COLUMN].map(
        lists_of.agg(lambda v: ", ".join(dict.fromkeys(v)))))
    for column in union.columns[::-1]:
        rows = origin.loc[people[PERSON_COLUMN], column].to_numpy(np.int64)
        at = people.columns.get_loc(column) + 1
        people.insert(at, f"{column}{FROM_SUFFIX}", label[rows])
    records = pd.DataFrame({LIST_COLUMN: stacked.lists, ROW_COLUMN: row,
                            PERSON_COLUMN: cluster.to_numpy(), SCORE_COLUMN: score.to_numpy(),
                            KEY_COLUMN: keys})
    matching = {c for cols in field_columns(list(union.columns), union_roles).values() for c in cols}
    fields = [c for c in union.columns if c in matching and c not in records.columns]
    records = pd.concat([records, union[fields]], axis=1)
    across = records.groupby(PERSON_COLUMN)[LIST_COLUMN].nunique()
    report = dict(report, lists=len(lists), people_in_several_lists=int((across > 1).sum()))
    return people, records, report


def _keys(name: str, df: pd.DataFrame, roles: dict | None) -> np.ndarray:
    """Each record's identity: its list's name, then its own customer id, else its hash."""
    id_column = next((c for c, r in (roles or {}).items()
                      if r == Role.CUSTOMER_ID and c in df.columns), None)
    return record_keys(df, roles, id_column, np.full(len(df), name, dtype=object))


def _known_people(union, keys, roles, previous: pd.DataFrame, config: PeopleConfig, ctx):
    """(person, score, report): last run's people for known records, the rest matched."""
    for column in (KEY_COLUMN, PERSON_COLUMN):
        if column not in previous.columns:
            raise ColumnError(f"Last run's records have no '{column}' column; use the records "
                              "table of the earlier run.")
    old = previous[[c for c in previous.columns if c not in (LIST_COLUMN, ROW_COLUMN)
                    and (c in union.columns or c in (KEY_COLUMN, PERSON_COLUMN, SCORE_COLUMN))]]
    incremental = IncrementalConfig(threshold=config.dedupe.threshold, region=config.dedupe.region,
                                    key_column=KEY_COLUMN)
    out, report = match_new_records(old.astype(str), union.assign(**{KEY_COLUMN: keys}), roles,
                                    incremental, ctx)
    people = int(out[PERSON_COLUMN].nunique())
    return out[PERSON_COLUMN], out[SCORE_COLUMN], dict(report, people=people, to_review=0)


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
