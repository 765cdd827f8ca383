"""Next month's export: new and changed records matched against the people already known.

Last run's records (each with its ``person_id``) stay as they are. A record of the new
export that was already there -- the same record identity: its id, else the hash of
its normalised fields -- keeps its person; only the others (new records, and changed
ones when there is no id column) are linked, many-to-one, against last run's records
with the linking model, and take the person of the record they match. Records that
match nobody are new people. Nothing is re-run over the whole list, and no person id
of a record that did not change ever moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.dedupe.link import LinkConfig, link_records
from core.dedupe.review import record_keys
from core.errors import ColumnError
from core.jobs import JobContext, ensure_context
from core.lookup import MATCHED_COLUMN

PERSON_COLUMN = "person_id"
SCORE_COLUMN = "match_score"
_ROW = "__previous_row__"


@dataclass
class IncrementalConfig:
    """``person_column``: where last run's table holds the person (``cluster_id`` for the
    output of ``localreach dedupe``)."""

    id_column: str | None = None
    threshold: float = LinkConfig.threshold
    person_column: str = PERSON_COLUMN
    region: str | None = None  # the project's, for phone numbers without their +code
    key_column: str | None = None  # both tables' record identity, when the caller made it


def match_new_records(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    roles: dict[str, str] | None = None,
    config: IncrementalConfig | None = None,
    ctx: JobContext | None = None,
) -> tuple[pd.DataFrame, dict]:
    """``current`` with the person column and ``match_score``: the person kept where the
    record is known (with last run's score, if any), else matched (the link's score)."""
    config = config or IncrementalConfig()
    ctx = ensure_context(ctx)
    person_column = config.person_column
    if person_column not in previous.columns:
        raise ColumnError(f"Last run's table has no '{person_column}' column; use the output "
                          "of the earlier run.")
    for df in (previous, current):
        if config.id_column is not None and config.id_column not in df.columns:
            raise ColumnError(f"There is no column '{config.id_column}' to use as the record "
                              "id; check the spelling.")
    old = previous.drop(columns=[c for c in (person_column, SCORE_COLUMN)
                                 if c in previous.columns]).reset_index(drop=True)
    old_person = previous[person_column].astype(str).to_numpy(dtype=object)
    if config.key_column is None:
        old_keys = pd.Index(record_keys(old, roles, config.id_column))
        keys = record_keys(current, roles, config.id_column)
    else:
        old_keys = pd.Index(old.pop(config.key_column).astype(str))
        current = current.reset_index(drop=True)
        keys = current[config.key_column].astype(str).to_numpy(dtype=object)
    first = ~old_keys.duplicated()
    where = pd.Series(np.flatnonzero(first), index=old_keys[first]).reindex(keys).to_numpy()
    person = np.full(len(current), None, dtype=object)
    score = np.full(len(current), "", dtype=object)
    seen = ~np.isnan(where)
    person[seen] = old_person[where[seen].astype(np.int64)]
    if SCORE_COLUMN in previous.columns:
        score[seen] = previous[SCORE_COLUMN].astype(str).to_numpy()[where[seen].astype(np.int64)]
    todo = np.flatnonzero(~seen)
    linked = 0
    if len(todo):
        left = old.assign(**{_ROW: np.arange(len(old)).astype(str)})
        right = current.iloc[todo].reset_index(drop=True).assign(**{_ROW: ""})
        if config.key_column is not None:
            right = right.drop(columns=config.key_column)
        if config.id_column is not None:
            left, right = left.drop(columns=config.id_column), right.drop(columns=config.id_column)
        link_config = LinkConfig(id_column=_ROW, threshold=config.threshold, region=config.region)
        out, _ = link_records(left, right, roles, roles, link_config, ctx)
        row = out[MATCHED_COLUMN].to_numpy(dtype=object)
        hit = row != ""
        person[todo[hit]] = old_person[row[hit].astype(np.int64)]
        score[todo[hit]] = out["match_score"].to_numpy(dtype=object)[hit]
        linked = int(hit.sum())
    fresh = np.flatnonzero(pd.isna(person))
    person[fresh] = _new_ids(old_person, keys[fresh])
    result = current.drop(columns=[config.key_column] if config.key_column else [])
    result[person_column] = person
    result[SCORE_COLUMN] = score
    report = {"records": len(current), "known": len(current) - len(todo),
              "matched_to_known_people": linked, "new_people": int(len(set(keys[fresh])))}
    return result, report


def _new_ids(existing: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Person ids not used before (the next numbers when the ids are numbers); records
    with the same identity get the same id."""
    numeric = pd.to_numeric(pd.Series(existing, dtype=object), errors="coerce")
    codes = pd.factorize(pd.Series(keys, dtype=object))[0]
    if len(existing) == 0 or numeric.notna().all():
        start = int(numeric.max()) + 1 if len(existing) else 1
        return np.array([str(start + c) for c in codes], dtype=object)
    used, fresh, k = set(existing), [], 0
    while len(fresh) < (codes.max() + 1 if len(codes) else 0):
        k += 1
        if f"new-{k}" not in used:
            fresh.append(f"new-{k}")
    return np.array([fresh[c] for c in codes], dtype=object)
