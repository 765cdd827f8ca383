"""The user's review answers go into the recipe: ``localreach run`` on a project where the
user rejected an automatic merge and accepted a pair to review groups the records as the
window did (issue 15). Answers are keyed by record identity, so they also hold when the
run reads the file in another order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker_lists import contact_list

from app.actions import duplicates, imports
from app.document import Document
from core.dedupe.pipeline import Decision
from core.dedupe.review import keyed_decisions
from core.io import read_table
from core.recipe import load_recipe, recipe_from_project, run_recipe, save_recipe

ID = "customer_no"


def _partition(frame: pd.DataFrame) -> set[frozenset]:
    return {frozenset(ids) for _c, ids in frame.groupby(frame["cluster_id"].astype(str))[ID]}


def _window(path):
    """The user's clicks: find duplicates at 99 %, say 'different people' to the surest
    automatic merge (stored as the screen stores an answer: by record identity) and
    'same person' to the first pair to review, then merge."""
    doc = Document()
    imports.import_file(doc, "crm", path, {}, {}).run()
    duplicates.set_threshold(doc, 0.99)
    found = duplicates.find_duplicates(doc).run()
    surest = int(np.argmax(found.scored.probability))
    assert found.scored.probability[surest] >= 0.99
    reject = keyed_decisions([Decision(int(found.scored.left[surest]),
                                       int(found.scored.right[surest]), False)], found.keys)
    doc.set_state(duplicates.STEP, {**duplicates.state(doc), "decisions": reject}, "Different people")
    review = duplicates.group(doc, found)
    assert len(review.queue) > 0
    duplicates.answer_pair(doc, found, review, 0, True)
    duplicates.merge_duplicates(doc, duplicates.group(doc, found))
    return doc


def test_run_groups_as_the_window_after_a_rejected_merge_and_an_accepted_pair(tmp_path):
    crm, _person = contact_list("en_GB", 5, 120)
    crm.insert(0, ID, [f"C{100 + i}" for i in range(len(crm))])
    # a record with only row 3's surname and address (no first name, e-mail or phone):
    # 98 % likely row 3's person, to review at a 99 % threshold
    crm.loc[len(crm)] = {**dict.fromkeys(crm.columns, ""), ID: "X1",
                         **crm.loc[3, ["last_name", "street", "postcode", "city"]].to_dict()}
    crm.to_csv(tmp_path / "crm.csv", index=False)
    doc = _window(tmp_path / "crm.csv")
    window = doc.frame("crm")
    save_recipe(recipe_from_project(doc.snapshot()), tmp_path / "r.toml")  # as the file it is
    recipe = load_recipe(tmp_path / "r.toml")[0]
    answers = recipe.steps["dedupe"]["decisions"]
    assert [d["same"] for d in answers] == [False, True]
    assert all(d["left"].startswith("id:C") for d in answers)
    run_recipe(recipe, tmp_path / "run")
    ran = read_table(tmp_path / "run" / "customers.csv")[0]
    assert _partition(ran) == _partition(window)
    # without the answers the run groups otherwise: the answers are what made them equal
    recipe.steps["dedupe"].pop("decisions")
    run_recipe(recipe, tmp_path / "plain")
    plain = read_table(tmp_path / "plain" / "customers.csv")[0]
    assert _partition(plain) != _partition(window)
    # a re-import in another order: the same people
    crm.iloc[::-1].to_csv(tmp_path / "crm.csv", index=False)
    recipe.steps["dedupe"]["decisions"] = answers
    run_recipe(recipe, tmp_path / "again")
    assert _partition(read_table(tmp_path / "again" / "customers.csv")[0]) == _partition(window)
