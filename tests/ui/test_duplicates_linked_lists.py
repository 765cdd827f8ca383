"""Several customer lists (Import's "Add another customer list"): the Duplicates screen
reviews the records the lists were stacked from, as the link compares them -- not the
person table a second time (issue 15: it showed "150 records, 150 people, 0 merged").

Faker lists (:func:`faker_lists.make_lists`: a webshop, a newsletter, a till's cards):
211 records, 150 people, the link's 61 automatic merges in "Merged automatically";
taking a record out of one links the lists again (one undo step, one audit row), undo
gives back the exact person ids, and the recipe made from the project runs to the
window's people record by record. FEBRL 3 as two lists: pairs to review across lists,
each record with its list's name; answering one links the lists again.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from app.actions import duplicates as actions
from app.actions import imports
from app.document import Document
from app.jobs import JobRunner
from core.io import read_table
from core.recipe import load_recipe, recipe_from_project, run_recipe, save_recipe
from tests.ui.test_dedupe_screen import FEBRL3, settle
from ui.screens.duplicates.screen import Screen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from faker_lists import CARDS  # noqa: E402
from test_recipe_window_lists import LISTS, _files, _people  # noqa: E402


def _linked(folder: Path, names, roles=None) -> Document:
    """The first list imported, the others added (``roles``: a list's roles by name)."""
    doc = Document()
    imports.import_file(doc, "crm", folder / f"{names[0]}.csv", {}, {}).run()
    for name in names[1:]:
        given = (roles or {}).get(name, {})
        if given:
            given = {**imports.detected_roles(read_table(folder / f"{name}.csv")[0]), **given}
        imports.add_customer_list(doc, folder / f"{name}.csv", {}, given, name).run()
    return doc


def _open(qtbot, doc: Document) -> Screen:
    widget = Screen(doc, JobRunner())
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.grouped is not None, timeout=30000)
    return widget


def _figures(screen) -> list[str]:
    return [screen.figures[k].text() for k in ("records", "people", "to_review", "merged")]


def _cells(screen, column: int) -> list[str]:
    table = screen.merged.table
    return [table.item(r, column).text() for r in range(table.rowCount())]


@pytest.fixture
def three_lists(qtbot, tmp_path, request):
    _files(tmp_path, request.param)
    doc = _linked(tmp_path, LISTS, {"loyalty": {CARDS["id"]: "customer_id"}})
    imports.import_file(doc, "sales", tmp_path / "sales.csv", {}, {}).run()
    screen = _open(qtbot, doc)
    yield tmp_path, screen
    screen.jobs.shutdown()


@pytest.mark.parametrize("three_lists", [0, 1], indirect=True)
def test_the_lists_records_are_reviewed_and_an_answer_links_them_again(qtbot, three_lists):
    folder, screen = three_lists
    doc, panel = screen.document, screen.merged
    people = doc.frame("crm")["person_id"].tolist()
    records = doc.state("lists")["records"]["person_id"].tolist()
    assert _figures(screen) == ["211 records", "150 people", "0 possible duplicates to review",
                                "61 merged automatically"]
    assert screen.tabs.tabText(1) == "Merged automatically (61 groups)"
    assert screen.status() == ("done", "150 people")
    assert not screen.merge_button.isVisible() and not screen.slider.isEnabled()
    assert screen.lists_line.text().startswith("These are the records of your 3 customer lists "
                                               "(shop, newsletter, loyalty)")
    # each record with its list's name and its row in that list
    lists = _cells(screen, 1)
    assert len(lists) == 2 and lists[0] != lists[1]
    rows = [int(r) for r in _cells(screen, 0)]
    shown = doc.state("lists")["records"].set_index(["list", "row"])
    first, second = (shown.loc[(name, row), "person_id"] for name, row in zip(lists, rows, strict=True))
    assert first == second  # one person in the link

    audited = len(doc.audit_entries())
    panel.table.selectRow(1)
    panel.take_out_button.click()
    settle(qtbot, screen)
    qtbot.waitUntil(lambda: screen.figures["people"].text() == "151 people", timeout=30000)
    assert doc.undo_stack.undoText() == (f"Take record {rows[1]} ({lists[1]}) out: not the same "
                                         f"person as records {rows[0]} ({lists[0]})")
    assert len(doc.frame("crm")) == 151 and screen.tabs.tabText(1) == "Merged automatically (60 groups)"
    shown = doc.state("lists")["records"].set_index(["list", "row"])
    assert shown.loc[(lists[0], rows[0]), "person_id"] != shown.loc[(lists[1], rows[1]), "person_id"]
    entries = doc.audit_entries()[audited:]
    assert [(e["step"], e["params"]["people_before"], e["params"]["people"]) for e in entries] == [
        ("duplicates", 150, 151)]
    doc.undo_stack.undo()
    settle(qtbot, screen)
    qtbot.waitUntil(lambda: screen.figures["people"].text() == "150 people", timeout=30000)
    assert doc.frame("crm")["person_id"].tolist() == people
    assert doc.state("lists")["records"]["person_id"].tolist() == records
    doc.undo_stack.redo()
    settle(qtbot, screen)
    qtbot.waitUntil(lambda: screen.figures["people"].text() == "151 people", timeout=30000)

    save_recipe(recipe_from_project(doc.snapshot(), "Three lists"), folder / "r.toml")
    recipe, base = load_recipe(folder / "r.toml")
    assert [(d["left"].split("\x1f")[0], d["same"]) for d in recipe.config("link")["decisions"]] == [
        (lists[1], False)]
    report = run_recipe(recipe, folder / "run", base=base)
    ran = read_table(folder / "run" / "records.csv")[0]
    assert report["people"] == 151 and len(ran) == 211
    assert _people(ran) == _people(doc.state("lists")["records"])  # each record, same person


def test_febrl_as_two_lists_shows_pairs_to_review_across_lists(qtbot, tmp_path):
    febrl = pd.read_csv(FEBRL3, dtype=str, keep_default_na=False)
    original = febrl["rec_id"].str.endswith("-org")
    febrl[original].to_csv(tmp_path / "old CRM.csv", index=False)
    febrl[~original].to_csv(tmp_path / "newsletter.csv", index=False)
    screen = _open(qtbot, _linked(tmp_path, ["old CRM", "newsletter"]))
    assert _figures(screen) == ["5,000 records", "2,148 people", "84 possible duplicates to review",
                                "2,852 merged automatically"]
    choose = screen.pair_kind
    choose.setCurrentIndex(choose.findData("across"))
    choose.activated.emit(choose.currentIndex())
    settle(qtbot, screen)
    assert len(screen.grouped.queue) == 27
    heading = screen.review.heading.text()
    assert heading.startswith("Pair 1 of 27: ") and heading.endswith(", across lists: old CRM and newsletter")
    header = [screen.review.table.horizontalHeaderItem(c).text() for c in (1, 2)]
    assert header == ["Record A (old CRM)", "Record B (newsletter)"]
    k = int(screen.grouped.queue[0])
    a, b = int(screen.found.scored.left[k]), int(screen.found.scored.right[k])
    screen.review.same_button.click()  # a pair across lists: the lists are linked again
    settle(qtbot, screen)
    qtbot.waitUntil(lambda: screen.figures["to_review"].text() == "83 possible duplicates to review",
                    timeout=30000)
    assert screen.document.undo_stack.undoText() == ("Same person: records 39 (old CRM) and "
                                                     "1,741 (newsletter)")
    records = screen.document.state("lists")["records"]
    assert records.loc[a, "person_id"] == records.loc[b, "person_id"]
    assert records.loc[[a, b], "record_key"].tolist() == [
        "old CRM\x1fid:rec-1953-org", "newsletter\x1fid:rec-1953-dup-2"]
    assert screen.figures["answered"].text() == "1 answered by you"
    screen.jobs.shutdown()


@pytest.mark.parametrize("three_lists", [0], indirect=True)
def test_an_undo_and_redo_at_once_show_the_redone_people(qtbot, three_lists):
    """Undo and redo faster than the search: the search for the undone answers (150
    people) must not end on show once the answer is back (it did: '150 people' stayed)."""
    _, screen = three_lists
    doc, panel = screen.document, screen.merged
    panel.table.selectRow(1)
    panel.take_out_button.click()
    qtbot.waitUntil(lambda: screen.figures["people"].text() == "151 people", timeout=30000)
    settle(qtbot, screen)
    for _ in range(2):
        doc.undo_stack.undo()
        doc.undo_stack.redo()
    qtbot.waitUntil(lambda: not screen.regrouping() and not screen.jobs.is_running(screen.STEP),
                    timeout=30000)
    assert screen.found.key == actions.scoring_key(doc)
    assert _figures(screen)[1:] == ["151 people", "0 possible duplicates to review", "60 merged automatically"]
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: not screen.regrouping() and not screen.jobs.is_running(screen.STEP),
                    timeout=30000)
    assert screen.found.key == actions.scoring_key(doc) and _figures(screen)[1] == "150 people"
