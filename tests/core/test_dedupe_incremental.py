"""Next month's records: known people keep their ids; review answers survive a re-import."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_dedupe_febrl import pair_set
from test_dedupe_link_people import two_lists

from core.dedupe.incremental import PERSON_COLUMN, IncrementalConfig, match_new_records
from core.dedupe.pipeline import (
    Decision,
    DedupeConfig,
    find_duplicates,
    group_records,
    score_records,
)
from core.dedupe.review import keyed_decisions, positional_decisions, record_keys
from core.errors import ColumnError


@pytest.fixture(scope="module")
def last_month():
    shop, _, _, _ = two_lists(1)
    out, _, _ = find_duplicates(shop, None, DedupeConfig(id_column="customer_id"))
    return out.drop(columns="match_score").rename(columns={"cluster_id": PERSON_COLUMN})


def next_month(previous: pd.DataFrame, seed: int = 0):
    """Last month's records shuffled, 2 of them changed, plus 3 new: one is a second
    record of a known person (a typo, a new e-mail), two are new people."""
    rng = np.random.default_rng(seed)
    current = previous.drop(columns=PERSON_COLUMN).sample(frac=1, random_state=seed)
    current = current.reset_index(drop=True)
    changed = rng.choice(len(current), 2, replace=False)
    current.loc[changed[0], "phone"] = "0171 5550123"
    current.loc[changed[1], "street"] = "Lindenallee 3"
    known = previous.iloc[7]
    twin = dict(known, customer_id="S90001", email="new.address@mail.example",
                first_name=known["first_name"][:-1] + known["first_name"][-1] * 2)
    del twin[PERSON_COLUMN]
    new = [twin,
           dict(customer_id="S90002", first_name="Xaver", last_name="Quendelin",
                email="xq@mail.example", phone="0151 9990001", street="Am Ende 1",
                postcode="01234", city="Irgendwo", date_of_birth="1977-07-07"),
           dict(customer_id="S90003", first_name="Yolanda", last_name="Przybylska",
                email="", phone="", street="Weg 2", postcode="04321", city="Nirgends",
                date_of_birth="1988-08-08")]
    current = pd.concat([current, pd.DataFrame(new)], ignore_index=True)
    return current, current.loc[changed, "customer_id"].tolist(), known[PERSON_COLUMN]


@pytest.mark.parametrize("id_column", ["customer_id", None])
def test_new_and_changed_records_nothing_else_moves(last_month, id_column):
    current, changed, twin_person = next_month(last_month)
    data = current if id_column else current.drop(columns="customer_id")
    previous = last_month if id_column else last_month.drop(columns="customer_id")
    out, report = match_new_records(previous, data, None, IncrementalConfig(id_column))
    before = last_month.set_index("customer_id")[PERSON_COLUMN]
    after = pd.Series(out[PERSON_COLUMN].to_numpy(), index=current["customer_id"])
    old = current["customer_id"].isin(before.index).to_numpy()
    assert (after[old] == before[after.index[old]]).all()  # changed ones included
    assert after["S90001"] == twin_person
    assert after["S90002"] != after["S90003"]
    assert not {after["S90002"], after["S90003"]} & set(before)
    assert report["new_people"] == 2
    assert report["matched_to_known_people"] == (3 if id_column is None else 1)
    assert report["known"] == len(current) - (5 if id_column is None else 3)


def test_last_runs_table_must_have_person_ids(last_month):
    with pytest.raises(ColumnError, match="person_id"):
        match_new_records(last_month.drop(columns=PERSON_COLUMN), last_month)


def test_review_answers_survive_a_shuffled_reimport():
    shop, loyalty, _, _ = two_lists(2)
    # Two lists in one table (duplicates to answer about), no id column: identity by hash.
    shop = pd.concat([shop, loyalty], ignore_index=True).drop(columns="customer_id")
    scored = score_records(shop)
    p = scored.probability
    merged = np.flatnonzero(p >= 0.9)[:3]
    doubtful = np.flatnonzero((p > 0.05) & (p < 0.9))[:3]
    answers = [(int(scored.left[k]), int(scored.right[k]), False) for k in merged]
    answers += [(int(scored.left[k]), int(scored.right[k]), True) for k in doubtful]
    assert len(answers) == 6
    decisions = [Decision(a, b, same) for a, b, same in answers]
    stored = keyed_decisions(decisions, record_keys(shop))
    grouped = group_records(scored, 0.9, decisions=decisions).cluster

    order = np.random.default_rng(5).permutation(len(shop))
    again = shop.iloc[order].reset_index(drop=True)
    # A re-import may differ in case and spacing: the identity does not.
    again["last_name"] = again["last_name"].str.upper() + " "
    restored = positional_decisions(stored, record_keys(again))
    assert len(restored) == 6
    regrouped = group_records(score_records(again), 0.9, decisions=restored).cluster
    as_before = {(min(order[i], order[j]), max(order[i], order[j]))
                 for i, j in pair_set(regrouped)}
    assert as_before == pair_set(grouped)
    for a, b, same in answers:
        assert (grouped[a] == grouped[b]) == same
