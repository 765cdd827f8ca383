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

PERSON_COLUMN = "person_id"
_ROW = "__previous_row__"


@dataclass
class IncrementalConfig:
    id_column: str | None = None
    threshold: float = LinkConfig.threshold


def match_new_records(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    roles: dict[str, str] | None = None,
    config: IncrementalConfig | None = None,
    ctx: JobContext | None = None,
) -> tuple[pd.DataFrame, dict]:
    """``current`` with ``person_id``: kept where the record is known, else matched."""
    config = config or IncrementalConfig()
    ctx = ensure_context(ctx)
    if PERSON_COLUMN not in previous.columns:
        raise ColumnError(f"Last run's table has no '{PERSON_COLUMN}' column; use the output "
                          "of the earlier run.")
    for df in (previous, current):
        if config.id_column is not None and config.id_column not in df.columns:
            raise ColumnError(f"There is no column '{config.id_column}' to use as the record "
                              "id; check the spelling.")
    old = previous.drop(columns=PERSON_COLUMN).reset_index(drop=True)
    old_person = previous[PERSON_COLUMN].astype(str).to_numpy(dtype=object)
    known = pd.Series(old_person, index=record_keys(old, roles, config.id_column))
    known = known[~known.index.duplicated()]
    keys = record_keys(current, roles, config.id_column)
    person = pd.Series(keys).map(known).to_numpy(dtype=object)
    todo = np.flatnonzero(pd.isna(person))
    linked = 0
    if len(todo):
        left = old.assign(**{_ROW: np.arange(len(old)).astype(str)})
        right = current.iloc[todo].reset_index(drop=True).assign(**{_ROW: ""})
        if config.id_column is not None:
            left, right = left.drop(columns=config.id_column), right.drop(columns=config.id_column)
        link_config = LinkConfig(id_column=_ROW, threshold=config.threshold)
        out, _ = link_records(left, right, roles, roles, link_config, ctx)
        row = out["matched_id"].to_numpy(dtype=object)
        hit = row != ""
        person[todo[hit]] = old_person[row[hit].astype(np.int64)]
        linked = int(hit.sum())
    fresh = np.flatnonzero(pd.isna(person))
    person[fresh] = _new_ids(old_person, keys[fresh])
    result = current.copy()
    result[PERSON_COLUMN] = person
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
