"""Rejecting the machine's own merges (issue 15): the Duplicates screen lists the groups
it merged automatically, and "Take this record out" stores 'different people' answers by
record identity (one undo step, one audit row); the grouping is the dedupe step's, so the
project reopened and ``localreach run`` on its recipe find the same people record by
record."""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker_lists import contact_list

from app.actions import duplicates, imports
from app.document import Document
from app.project import open_document, save_document
from core.io import read_table
from core.recipe import recipe_from_project, run_recipe

ID = "customer_no"


def _list(tmp_path) -> tuple[pd.DataFrame, np.ndarray]:
    crm, person = contact_list("en_GB", 5, 120)
    crm.insert(0, ID, [f"C{100 + i}" for i in range(len(crm))])
    crm.to_csv(tmp_path / "crm.csv", index=False)
    return crm, person


def _people(doc: Document, found) -> np.ndarray:
    return duplicates.group(doc, found).grouping.cluster


def test_take_a_record_out_of_an_automatic_group_and_run_the_recipe(tmp_path):
    crm, person = _list(tmp_path)
    doc = Document()
    imports.import_file(doc, "crm", tmp_path / "crm.csv", {}, {}).run()
    found = duplicates.find_duplicates(doc).run()
    review = duplicates.group(doc, found)
    assert review.grouping.report["people"] == len(set(person)) == 96
    groups = duplicates.merged_groups(found, review)
    assert len(groups) == 19
    assert [len(g.members) for g in groups[:5]] == [4, 3, 3, 3, 2]
    assert all(len(set(person[g.members])) == 1 for g in groups)  # each one person in truth
    largest = [int(r) for r in groups[0].members]
    assert crm[ID].iloc[largest].tolist() == ["C106", "C182", "C183", "C208"]
    before = review.grouping.cluster.copy()
    audited = len(doc.audit_entries())

    record = largest[1]
    text = duplicates.take_out(doc, found, review, groups[0].members, record)
    assert text == doc.undo_stack.undoText() == (
        "Take record 83 out: not the same person as records 7, 84 and 109")
    stored = duplicates.state(doc)["decisions"]
    assert stored == [{"left": "id:C182", "right": f"id:{c}", "same": False}
                      for c in ("C106", "C183", "C208")]
    after = _people(doc, found)
    assert after.max() + 1 == 97
    assert all(after[record] != after[r] for r in largest if r != record)
    assert len({after[r] for r in largest if r != record}) == 1  # the other three stay one
    assert [e["params"] for e in doc.audit_entries()[audited:]] == [
        {"answer": "different people", "records": 4, "pairs": 3, "people_before": 96,
         "people_after": 97}]

    doc.undo_stack.undo()
    assert (_people(doc, found) == before).all()
    doc.undo_stack.redo()
    assert (_people(doc, found) == after).all()

    path = save_document(doc, tmp_path / "p.lreach")
    again = open_document(str(path))
    found_again = duplicates.find_duplicates(again).run()
    assert (_people(again, found_again) == after).all()

    duplicates.merge_duplicates(again, duplicates.group(again, found_again))
    window = again.frame("crm").set_index(ID)["cluster_id"]
    run_recipe(recipe_from_project(again.snapshot()), tmp_path / "run")
    ran = read_table(tmp_path / "run" / "customers.csv")[0].set_index(ID)["cluster_id"]
    assert ran.reindex(window.index).tolist() == window.tolist()
    assert window.nunique() == 97


def test_a_whole_group_is_not_one_person_and_explained(tmp_path):
    _list(tmp_path)
    doc = Document()
    imports.import_file(doc, "crm", tmp_path / "crm.csv", {}, {}).run()
    found = duplicates.find_duplicates(doc).run()
    review = duplicates.group(doc, found)
    group = duplicates.merged_groups(found, review, "least_sure")[0]
    view = duplicates.group_view(found, [group], 0)
    assert view.heading == ("Group 1 of 1: 2 records merged automatically; each is over 99% "
                            "likely the same person as one of the others")
    assert view.columns[:3] == ["Record", ID, "first_name"]
    members = [int(r) for r in group.members]
    assert duplicates.explain_record(found, members, members[1]) == (
        "Records 50 and 99: 100% likely the same person. Same surname: medium; same postcode: "
        "medium; same town: medium; same phone: medium; same street: medium; first name very "
        "similar or nickname: medium.")
    surest = [g.sureness for g in duplicates.merged_groups(found, review, "least_sure")]
    assert surest == sorted(surest) and len(surest) == 19
    text = duplicates.not_the_same(doc, found, review, members)
    assert text == "Not the same person: records 50 and 99"
    after = _people(doc, found)
    assert after.max() + 1 == 97 and after[members[0]] != after[members[1]]
    assert len(duplicates.merged_groups(found, duplicates.group(doc, found))) == 18
