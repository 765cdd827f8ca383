"""Linking a second table (sales lines) to the customer list: who bought what.

Every RIGHT row gets the LEFT record it belongs to, trying the surest evidence first:
the customer id when the row has one that exists on the left, then the e-mail address
(or its pseudonym token), then the phone number, then a close name within the same
postcode. Rows nothing links keep an empty ``matched_id`` and are counted in the
report: never dropped, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from core.dedupe.normalise import field_columns, normalise
from core.errors import ColumnError
from core.jobs import JobContext, ensure_context
from core.roles import Role

MATCHED_COLUMN = "matched_id"
SCORE_COLUMN = "match_score"
METHODS = ("customer id", "e-mail", "phone", "name and postcode")
# Names must be at least this alike (Jaro-Winkler) within one postcode.
NAME_MIN = 0.92
# A postcode shared by more left records than this is too vague to link by name.
MAX_POSTCODE_GROUP = 500


@dataclass
class LinkConfig:
    """``id_column`` names LEFT's record id; ``right_id_column`` the RIGHT column holding it."""

    id_column: str | None = None
    right_id_column: str | None = None


def _id_columns(left, right, left_roles, right_roles, config: LinkConfig) -> tuple[str, str | None]:
    left_id = config.id_column or next(
        (c for c, r in (left_roles or {}).items() if r == Role.CUSTOMER_ID), None)
    if left_id is None:
        raise ColumnError("The customer list has no id column; name it with --id-column.")
    if left_id not in left.columns:
        raise ColumnError(f"The customer list has no column '{left_id}'; check the spelling.")
    right_id = config.right_id_column
    if right_id is None:
        if left_id in right.columns:
            right_id = left_id
        else:
            right_id = next((c for c, r in (right_roles or {}).items()
                             if r == Role.CUSTOMER_ID and c in right.columns), None)
    elif right_id not in right.columns:
        raise ColumnError(f"The second file has no column '{right_id}'; check the spelling.")
    return left_id, right_id


def _first_left_row(keys: pd.Series) -> pd.Series:
    """Distinct non-empty key -> first left row position holding it."""
    keys = keys.reset_index(drop=True)
    keys = keys[keys != ""]
    return pd.Series(keys.index, index=keys.to_numpy()).groupby(level=0).first()


def _token(values: pd.Series, normalised: pd.Series) -> pd.Series:
    """The normalised address, or the raw value when it is a pseudonym token."""
    raw = values.astype(str).str.strip().reset_index(drop=True)
    return normalised.where(normalised != "", raw.where(~raw.str.contains("@"), ""))


def link_records(
    left: pd.DataFrame,
    right: pd.DataFrame,
    left_roles: dict[str, str] | None = None,
    right_roles: dict[str, str] | None = None,
    config: LinkConfig | None = None,
    ctx: JobContext | None = None,
) -> tuple[pd.DataFrame, dict]:
    """RIGHT with ``matched_id`` and ``match_score`` added, and counts per method."""
    config = config or LinkConfig()
    ctx = ensure_context(ctx)
    left_id, right_id = _id_columns(left, right, left_roles, right_roles, config)
    n = len(right)
    match = np.full(n, -1, dtype=np.int64)
    score = np.zeros(n)
    method = np.full(n, "", dtype=object)
    left_ids = left[left_id].astype(str).reset_index(drop=True)

    def assign(found: np.ndarray, value: float, how: str) -> None:
        new = (match == -1) & (found >= 0)
        match[new], score[new], method[new] = found[new], value, how

    ctx.progress(0, 4, "Linking by customer id")
    if right_id is not None:
        lookup = _first_left_row(left_ids)
        found = right[right_id].astype(str).map(lookup).fillna(-1).to_numpy(np.int64)
        assign(found, 1.0, METHODS[0])
    lf = normalise(left, left_roles, left_id)
    rf = normalise(right, right_roles, right_id)
    lcols = field_columns(list(left.columns), left_roles, left_id)
    rcols = field_columns(list(right.columns), right_roles, right_id)
    for step, (field, value, how) in enumerate(
        (("email", 1.0, METHODS[1]), ("phone", 0.95, METHODS[2])), start=1
    ):
        ctx.progress(step, 4, f"Linking by {how}")
        if field in lf and field in rf:
            lkey, rkey = lf[field], rf[field]
            if field == "email":
                lkey = _token(left[lcols["email"][0]], lkey)
                rkey = _token(right[rcols["email"][0]], rkey)
            found = rkey.map(_first_left_row(lkey)).fillna(-1).to_numpy(np.int64)
            assign(found, value, how)
    ctx.progress(3, 4, "Linking by name and postcode")
    if all(f in lf and f in rf for f in ("first", "last", "postcode")):
        _by_name(lf, rf, match, score, method)
    ctx.progress(4, 4, "Linked")
    out = right.copy()
    out[MATCHED_COLUMN] = np.where(match >= 0, left_ids.to_numpy()[np.maximum(match, 0)], "")
    out[SCORE_COLUMN] = [f"{s:.4f}" if m >= 0 else "" for s, m in zip(score, match, strict=True)]
    counts = {how: int(np.count_nonzero(method == how)) for how in METHODS}
    report = {"rows": n, "linked": int(np.count_nonzero(match >= 0)),
              "unlinked": int(np.count_nonzero(match < 0)), "by_method": counts,
              "id_column": left_id, "right_id_column": right_id}
    return out, report


def _by_name(lf, rf, match, score, method) -> None:
    """Unlinked rows: the most alike name among left records with the same postcode."""
    todo = np.flatnonzero((match < 0) & (rf["postcode"] != "").to_numpy()
                          & (rf["last"] != "").to_numpy())
    if len(todo) == 0:
        return
    lname = (lf["first"] + " " + lf["last"]).str.strip()
    rname = (rf["first"] + " " + rf["last"]).str.strip()
    lpost = lf["postcode"][lf["postcode"] != ""]
    sizes = lpost.value_counts()
    lpost = lpost[lpost.map(sizes) <= MAX_POSTCODE_GROUP]
    left_side = pd.DataFrame({"l": lpost.index, "postcode": lpost.to_numpy()})
    right_side = pd.DataFrame({"r": todo, "postcode": rf["postcode"].to_numpy()[todo]})
    pairs = right_side.merge(left_side, on="postcode")
    if pairs.empty:
        return
    sim = cpdist(rname.to_numpy()[pairs["r"]], lname.to_numpy()[pairs["l"]],
                 scorer=JaroWinkler.normalized_similarity, workers=-1)
    pairs["sim"] = sim
    best = pairs[pairs["sim"] >= NAME_MIN].sort_values(["r", "sim", "l"], ascending=[True, False, True])
    best = best.drop_duplicates("r")
    rows = best["r"].to_numpy()
    match[rows] = best["l"].to_numpy()
    score[rows] = best["sim"].to_numpy().round(4)
    method[rows] = METHODS[3]
