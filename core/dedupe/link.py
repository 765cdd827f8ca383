"""Linking a second table (sales lines, another customer list) to the customer list.

Every RIGHT row gets the LEFT record it belongs to, the surest evidence first: the
customer id when the row has one that exists on the left, then the e-mail address (or
its pseudonym token). Rows these do not settle are matched probabilistically, with the
same Fellegi-Sunter model as the duplicates step (blocking rules with their pair
counts, EM-trained weights, term frequencies), learned on the two lists themselves:
many-to-one for sales lines (identical rows scored once), or one-to-one for two
customer lists. Links below the threshold are not made; the model's expected
precision and recall at the threshold are in the report, and so are the scored pairs
(``scores``), so :func:`explain_link` says in words why a row was linked. Rows nothing
links keep an empty ``matched_id`` and are counted: never dropped, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.dedupe.assign import expected_quality, many_to_one, one_to_one
from core.dedupe.explain import Explanation, explain_pair
from core.dedupe.normalise import field_columns, normalise
from core.dedupe.pipeline import DedupeConfig, Scored, score_features
from core.errors import ColumnError
from core.jobs import JobContext, ensure_context
from core.lookup import MATCHED_COLUMN, first_positions, id_positions
from core.roles import Role, person_key

SCORE_COLUMN = "match_score"
METHODS = ("customer id", "e-mail", "matching details")


@dataclass
class LinkConfig:
    """``id_column`` names LEFT's record id; ``right_id_column`` the RIGHT column holding it.

    ``one_to_one`` for two customer lists (each person once per list); otherwise many
    RIGHT rows may link to one LEFT record (sales lines). ``threshold``: how sure a
    probabilistic link must be.
    """

    id_column: str | None = None
    right_id_column: str | None = None
    one_to_one: bool = False
    threshold: float = DedupeConfig.threshold
    rules: list[dict] | None = None
    max_block: int = DedupeConfig.max_block
    region: str | None = None  # the project's, for phone numbers without their +code


@dataclass
class LinkScores:
    """The pairs the matching details scored: the scored records are LEFT's, then the
    distinct RIGHT rows left to link. Per RIGHT row: its scored record and its linked
    LEFT's (-1: not scored, or not linked by matching details)."""

    scored: Scored
    left_record: pd.Series  # LEFT row position -> its scored record
    right_record: np.ndarray
    linked: np.ndarray


def explain_link(scores: LinkScores, right_row: int, left_row: int | None = None) -> Explanation | None:
    """Why RIGHT row ``right_row`` is (not) LEFT row ``left_row`` (default: the one it was
    linked to), field by field; None when the matching details did not score the row (its
    customer id or e-mail settled it) or it was not linked and no ``left_row`` is given."""
    j = int(scores.right_record[right_row])
    i = int(scores.linked[right_row]) if left_row is None else int(scores.left_record.get(left_row, -1))
    if i < 0 or j < 0:
        return None
    return explain_pair(scores.scored, i, j)


def _id_columns(left, right, left_roles, right_roles, config: LinkConfig) -> tuple[str, str | None]:
    key = person_key(left_roles or {}, left.columns)  # no ids: the e-mail keys a person
    left_id = config.id_column or (key[0] if key else None)
    if left_id is None:
        raise ColumnError("The customer list has no id or e-mail column; name its id column "
                          "with --id-column.")
    if left_id not in left.columns:
        raise ColumnError(f"The customer list has no column '{left_id}'; check the spelling.")
    right_id = config.right_id_column
    if right_id is None:
        # the same header, unless the second file's roles say it is something else (a
        # PrestaShop orders export's 'ID' is the order's, the customers export's 'ID' a customer's)
        if left_id in right.columns and (right_roles or {}).get(left_id) in (
                None, Role.CUSTOMER_ID, Role.OTHER):
            right_id = left_id
        else:
            right_id = next((c for c, r in (right_roles or {}).items()
                             if r == Role.CUSTOMER_ID and c in right.columns), None)
    elif right_id not in right.columns:
        raise ColumnError(f"The second file has no column '{right_id}'; check the spelling.")
    return left_id, right_id


def _first_left_rows(left_keys: pd.Series, right_keys: pd.Series) -> np.ndarray:
    """For each right key, the first left row position holding it; -1 for none (an
    empty key never links)."""
    return first_positions(left_keys.where(left_keys != ""), right_keys.to_numpy())


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
    """RIGHT with ``matched_id`` and ``match_score`` added, and a report."""
    config = config or LinkConfig()
    ctx = ensure_context(ctx)
    left_id, right_id = _id_columns(left, right, left_roles, right_roles, config)
    n = len(right)
    match = np.full(n, -1, dtype=np.int64)
    score = np.zeros(n)
    method = np.full(n, "", dtype=object)
    left_ids = left[left_id].astype(str).reset_index(drop=True)
    # an id is no field to match on; a list keyed by its e-mail still matches by it
    left_key = None if (left_roles or {}).get(left_id) == Role.EMAIL else left_id

    def assign(found: np.ndarray, value, how: str) -> None:
        new = (match == -1) & (found >= 0)
        match[new], method[new] = found[new], how
        score[new] = value[new] if isinstance(value, np.ndarray) else value

    ctx.progress(0, 3, "Linking by customer id")
    if right_id is not None:
        found = id_positions(left[left_id], right[right_id])
        assign(found, 1.0, METHODS[0])
    quality = None
    if (match < 0).any():  # the fields are read only for rows their id did not settle
        lf = normalise(left, left_roles, left_key, region=config.region)
        rf = normalise(right, right_roles, right_id, region=config.region)
        ctx.progress(1, 3, "Linking by e-mail")
        if "email" in lf and "email" in rf:
            lcols = field_columns(list(left.columns), left_roles, left_key)
            rcols = field_columns(list(right.columns), right_roles, right_id)
            lkey = _token(left[lcols["email"][0]], lf["email"])
            rkey = _token(right[rcols["email"][0]], rf["email"])
            if config.one_to_one:
                lkey = lkey.where(~lkey.index.isin(match[match >= 0]), "")
            found = _first_left_rows(lkey, rkey)
            assign(found, 1.0, METHODS[1])
        ctx.progress(2, 3, "Linking by matching details")
        quality = _probabilistic(lf, rf, match, config, ctx)
    if quality is not None:
        found, prob, expected = quality
        assign(found, prob, METHODS[2])
    ctx.progress(3, 3, "Linked")
    out = right.copy(deep=False)  # copy-on-write: the new columns leave RIGHT as it is
    out[MATCHED_COLUMN] = np.where(match >= 0, left_ids.to_numpy()[np.maximum(match, 0)], "")
    out[SCORE_COLUMN] = _score_texts(score, match >= 0)
    counts = {how: int(np.count_nonzero(method == how)) for how in METHODS}
    report = {"rows": n, "linked": int(np.count_nonzero(match >= 0)),
              "unlinked": int(np.count_nonzero(match < 0)), "by_method": counts,
              "id_column": left_id, "right_id_column": right_id,
              "one_to_one": config.one_to_one, "threshold": config.threshold}
    if quality is not None:
        report.update(expected)
    return out, report


def _score_texts(score: np.ndarray, linked: np.ndarray) -> np.ndarray:
    """Each linked row's score with four decimals ("" when not linked), formatted once
    per distinct score (a million id links are all 1.0)."""
    texts = np.full(len(score), "", dtype=object)
    distinct, which = np.unique(score[linked], return_inverse=True)
    texts[linked] = np.array([f"{s:.4f}" for s in distinct], dtype=object)[which]
    return texts


def _probabilistic(lf: pd.DataFrame, rf: pd.DataFrame, match: np.ndarray, config: LinkConfig,
                   ctx: JobContext):
    """(left row per right row or -1, probability per right row, report part), or None
    when nothing is left to link or the lists share too few fields to compare."""
    shared = [c for c in lf.columns if c in rf.columns]
    todo = np.flatnonzero(match < 0)
    if len(shared) < 2 or len(todo) == 0 or len(lf) == 0:
        return None
    lf = lf[shared]
    if config.one_to_one:
        lf = lf.iloc[np.setdiff1d(np.arange(len(lf)), match[match >= 0])]
    left_rows = lf.index.to_numpy()
    # Identical rows (a customer's many sales lines) are one record to score.
    rows = rf.iloc[todo][shared]
    distinct, record = _distinct_rows(rows)
    features = pd.concat([lf, distinct], ignore_index=True)
    nl = len(lf)
    scored = score_features(features, DedupeConfig(rules=config.rules,
                                                   max_block=config.max_block),
                            ctx=ctx, split=nl)
    a, b = scored.left, scored.right - nl
    count = np.bincount(record, minlength=len(distinct)).astype(float)
    above = np.flatnonzero(scored.probability >= config.threshold)
    pick = one_to_one if config.one_to_one else many_to_one
    chosen = above[pick(a[above], b[above], scored.weight[above])]
    precision, recall = expected_quality(b, scored.probability, chosen, count)
    best_left = np.full(len(distinct), -1, dtype=np.int64)
    best_prob = np.zeros(len(distinct))
    best_left[b[chosen]] = left_rows[a[chosen]]
    best_prob[b[chosen]] = scored.probability[chosen]
    found = np.full(len(match), -1, dtype=np.int64)
    prob = np.zeros(len(match))
    found[todo], prob[todo] = best_left[record], best_prob[record]
    right_record, linked = np.full(len(match), -1, dtype=np.int64), np.full(len(match), -1, dtype=np.int64)
    best_record = np.full(len(distinct), -1, dtype=np.int64)
    best_record[b[chosen]] = a[chosen]
    right_record[todo], linked[todo] = nl + record, best_record[record]
    scores = LinkScores(scored, pd.Series(np.arange(nl), index=left_rows), right_record, linked)
    report = {"expected_precision": round(precision, 4), "expected_recall": round(recall, 4),
              "candidate_pairs": int(len(a)), "rules": scored.rule_counts, "scores": scores}
    return found, prob, report


def _distinct_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct rows and, per input row, which distinct row it is."""
    joined = rows.iloc[:, 0].astype(str)
    for column in rows.columns[1:]:
        joined = joined + "\x1f" + rows[column].astype(str)
    record = pd.factorize(joined.to_numpy(dtype=object))[0]
    first = np.unique(record, return_index=True)[1]
    return rows.iloc[first].reset_index(drop=True), record
