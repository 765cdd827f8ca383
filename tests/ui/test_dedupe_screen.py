"""The Duplicates screen driven through its widgets: figures, review keys, undo, slider,
pairing rules, the golden record and the merge, on FEBRL 3 (5,000 records of 2,000
people, rec_id "rec-<person>-org/dup-<n>" gives the truth), which has uncertain pairs
(nine between 50% and 90% sure, four of them truly one person)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.jobs import JobRunner
from tests.ui.picture_support import drawn
from ui.screens.duplicates.screen import Screen

FEBRL3 = str(Path(__file__).resolve().parents[1] / "data" / "febrl3.csv.gz")


@pytest.fixture(scope="module")
def febrl() -> pd.DataFrame:
    return pd.read_csv(FEBRL3, dtype=str, keep_default_na=False)


def person(rec_id: str) -> str:
    """The FEBRL truth: records of one person share the number in their rec_id."""
    return rec_id.split("-")[1]


def open_screen(qtbot, df: pd.DataFrame, roles=None) -> Screen:
    doc, jobs = Document(), JobRunner()
    doc.set_source("crm", df, {"path": "febrl3.csv"},
                   {"rec_id": "customer_id"} if roles is None else roles, "Import customer list")
    doc.undo_stack.setClean()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.grouped is not None, timeout=20000)
    return widget


def settle(qtbot, screen) -> None:
    """Wait for the regrouping an answer, a slider move or an undo started (a job)."""
    qtbot.waitUntil(lambda: not screen.regrouping(), timeout=20000)


@pytest.fixture
def screen(qtbot, febrl):
    widget = open_screen(qtbot, febrl.copy())
    yield widget
    widget.jobs.shutdown()


def pair(screen) -> tuple[int, int]:
    """Row positions of the pair on show."""
    k = int(screen.grouped.queue[screen.current_pair()])
    return int(screen.found.scored.left[k]), int(screen.found.scored.right[k])


def labels(screen):
    return screen.grouped.grouping.cluster


def figures(screen) -> list[str]:
    return [screen.figures[k].text() for k in ("records", "people", "to_review", "merged")]


def test_figures_rules_histogram_and_status(screen, qtbot):
    assert figures(screen) == ["5,000 records", "2,015 people", "9 possible duplicates to review",
                               "2,985 merged automatically"]
    assert screen.status() == ("needs attention", "9 possible duplicates to review")
    rules = {screen.rules_table.item(r, 0).text(): screen.rules_table.item(r, 1).text()
             for r in range(screen.rules_table.rowCount())}
    assert rules["Same soc_sec_id"] == "5,601"
    assert rules["Neighbours in a list sorted by surname"] == "9,985"
    assert drawn(qtbot, screen.chart).title() == "How sure we are, pair by pair"
    assert screen.document.state("duplicates") is None  # nothing stored by looking


def test_review_queue_holds_the_truly_uncertain_pairs(screen, febrl):
    """Of the nine pairs to review, four are one person by FEBRL's truth: the model is
    right to be unsure, neither side dominates."""
    queue, scored = screen.grouped.queue, screen.found.scored
    ids = febrl["rec_id"].to_numpy()
    same = [person(ids[scored.left[k]]) == person(ids[scored.right[k]]) for k in queue]
    assert (len(same), sum(same)) == (9, 4)
    chances = scored.probability[queue]
    assert ((chances >= 0.5) & (chances < 0.9)).all()


def test_review_pair_side_by_side_with_differences_marked(qtbot, screen):
    panel = screen.review
    assert panel.heading.text() == "Pair 1 of 9: 60% likely the same person"
    assert pair(screen) == (2285, 4573)
    assert panel.table.rowCount() == 11
    columns = [panel.table.item(r, 0).text() for r in range(11)]
    assert columns[:3] == ["rec_id (differs)", "given_name", "surname (differs)"]
    values = [(panel.table.item(2, c).data(Qt.ItemDataRole.UserRole)) for c in (1, 2)]
    assert values == ["scrimgeour", "george"]
    assert panel.table.item(9, 3).text() == "swapped or one digit off"  # 19190908 / 19160908
    assert "text-decoration:underline" in panel.table.cellWidget(2, 1).text()
    assert "text-decoration:underline" not in panel.table.cellWidget(1, 1).text()
    golden = golden_rows(screen)
    assert set(golden) == set(pd.read_csv(FEBRL3, nrows=0).columns)
    assert golden["surname"] == ("scrimgeour", "record 2,286")
    assert screen.group_line.text() == (
        "This group: records 1,770, 2,286, 2,360, 4,222, 4,565 and 4,574")
    assert panel.explanation.isHidden()
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_E)
    assert panel.explanation.text() == (
        "60% likely the same person. Same first name: strong; date of birth swapped or one "
        "digit off: medium; same state: medium; different street: against; different "
        "surname: against; different town: against; different soc_sec_id: against; "
        "different postcode: against.")
    qtbot.keyClick(panel.table, Qt.Key.Key_Right)
    assert panel.explanation.isHidden()  # a new pair, a new question


def test_keyboard_decisions_are_undoable(qtbot, screen):
    doc = screen.document
    left, right = pair(screen)
    screen.review.table.setFocus()
    qtbot.keyClick(screen.review.table, Qt.Key.Key_Y)
    settle(qtbot, screen)
    assert doc.state("duplicates")["decisions"] == [
        {"left": "id:rec-1853-org", "right": "id:rec-702-dup-0", "same": True}]
    assert doc.undo_stack.undoText() == f"Same person: records {left + 1:,} and {right + 1:,}"
    assert figures(screen)[2] == "8 possible duplicates to review"
    assert screen.figures["answered"].text() == "1 answered by you"
    assert labels(screen)[left] == labels(screen)[right]
    qtbot.keyClick(screen.review.table, Qt.Key.Key_N)
    settle(qtbot, screen)
    second = doc.state("duplicates")["decisions"][1]
    assert second["same"] is False
    rows = {f"id:{r}": n for n, r in enumerate(screen.found.shown["rec_id"])}
    assert labels(screen)[rows[second["left"]]] != labels(screen)[rows[second["right"]]]
    qtbot.keyClick(screen.review.table, Qt.Key.Key_Right)  # skip: nothing stored
    assert len(doc.state("duplicates")["decisions"]) == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    settle(qtbot, screen)
    assert doc.state("duplicates") is None
    assert figures(screen)[2] == "9 possible duplicates to review"


def test_slider_shows_a_live_count_and_stores_the_threshold(qtbot, screen):
    doc = screen.document
    screen.slider.setValue(60)
    settle(qtbot, screen)
    assert doc.state("duplicates")["config"]["threshold"] == 0.6
    # The two pairs just under 60% are left to review; of the seven above, the four true ones
    # were already grouped through other pairs and the chain guard keeps the rest apart.
    assert screen.live.text() == "At 60% sure: 2,015 people, 2 pairs to review"
    doc.undo_stack.undo()
    settle(qtbot, screen)
    assert screen.slider.value() == 90
    assert figures(screen)[2] == "9 possible duplicates to review"


def test_switching_a_pairing_rule_off_rescores(qtbot, screen):
    item = screen.rules_table.item(0, 0)
    label = item.text()
    item.setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: screen.rules_table.item(0, 1).text() == "off", timeout=20000)
    rules = screen.document.state("duplicates")["config"]["rules"]
    assert [r["label"] for r in rules if not r["enabled"]] == [label]
    assert screen.document.undo_stack.undoText() == f"Stop using pairing rule: {label}"


def test_merge_adds_one_id_per_person_in_one_undo_step(screen, febrl):
    doc = screen.document
    screen.merge_button.click()
    merged = doc.frame("crm")
    assert list(merged.columns) == [*febrl.columns, "cluster_id", "match_score"]
    assert merged["cluster_id"].nunique() == 2015
    truth = merged["rec_id"].map(person)
    assert truth.groupby(merged["cluster_id"]).nunique().max() == 1  # no two people merged
    assert screen.status() == ("needs attention", "9 possible duplicates to review")
    assert doc.audit_entries()[-1]["step"] == "duplicates"
    doc.undo_stack.undo()
    assert list(doc.frame("crm").columns) == list(febrl.columns)
    assert doc.state("duplicates") is None


def test_waits_for_a_customer_list(qtbot):
    doc, jobs = Document(), JobRunner()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    assert widget.waiting_for() == "Import a customer list first."
    assert widget.status() == ("not started", "")
    jobs.shutdown()


def test_sales_lines_linked(qtbot):
    febrl1 = pd.read_csv(Path(FEBRL3).with_name("febrl1.csv"), dtype=str, keep_default_na=False)
    sales = pd.DataFrame({"order_id": ["1", "2", "3", "4"],
                          "rec_id": ["rec-223-org", "rec-122-dup-0", "rec-9999-org", ""],
                          "amount": ["5", "6", "7", "8"]})
    doc, jobs = Document(), JobRunner()
    doc.set_source("crm", febrl1, {"path": "febrl1.csv"}, {"rec_id": "customer_id"}, "Import")
    doc.set_source("sales", sales, {"path": "sales.csv"},
                   {"order_id": "order_id", "rec_id": "customer_id", "amount": "amount"},
                   "Import sales")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.found is not None, timeout=20000)
    assert widget.sales_line.text() == (
        "2 of 4 sales lines belong to a customer; 2 could not be linked.")
    widget.jobs.shutdown()


def test_relearning_from_answers_keeps_them(qtbot, screen):
    a, b = pair(screen)
    screen.review.same_button.click()
    settle(qtbot, screen)
    before = screen.found
    screen.relearn_button.click()
    qtbot.waitUntil(lambda: screen.found is not before, timeout=20000)
    settle(qtbot, screen)
    assert labels(screen)[a] == labels(screen)[b]
    assert screen.grouped.grouping.report["reviewed"] == 1


def test_golden_record_rule_is_chosen_and_undoable(qtbot, screen):
    doc = screen.document
    choose(qtbot, screen, "most_frequent")
    assert doc.state("duplicates")["golden_rule"] == "most_frequent"
    assert doc.undo_stack.undoText() == "Merged record keeps the most common value"
    # Six records, the four of person 702 share their first name, not 1853's.
    assert golden_rows(screen)["given_name"][0] == "michaela"
    doc.undo_stack.undo()
    settle(qtbot, screen)
    assert screen.golden_rule.currentData() == "most_complete"


def golden_rows(screen) -> dict[str, tuple[str, str]]:
    """Merged record preview: column -> (value, the record it was taken from)."""
    table = screen.golden_table
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def choose(qtbot, screen, rule: str) -> None:
    index = screen.golden_rule.findData(rule)
    screen.golden_rule.setCurrentIndex(index)
    screen.golden_rule.activated.emit(index)
    settle(qtbot, screen)


def test_rules_needing_a_missing_column_are_offered_disabled_with_a_reason(screen):
    combo = screen.golden_rule
    assert [combo.itemData(i) for i in range(combo.count())] == [
        "most_complete", "most_recent", "most_frequent", "preferred_source"]
    enabled = {combo.itemData(i): combo.model().item(i).isEnabled() for i in range(combo.count())}
    assert enabled == {"most_complete": True, "most_recent": False, "most_frequent": True,
                       "preferred_source": False}
    assert screen.golden_note.text() == (
        "“Most recent” needs a column saying when each record was created or changed "
        "(such as created_at or updated); this list has none. "
        "“Preferred source” needs a column saying where each record came from "
        "(such as source or channel); this list has none.")
    assert screen.golden_source.isHidden()


def parts(screen) -> list[tuple[int, ...]]:
    """How the group's records are split into people (row positions)."""
    found: dict = {}
    for r in GROUP:
        found.setdefault(labels(screen)[r], []).append(r)
    return sorted(tuple(v) for v in found.values())


GROUP = (1769, 2285, 2359, 4221, 4564, 4573)  # pair 1's group: records 1,770 ... 4,574


@pytest.fixture
def dated_screen(qtbot, febrl):
    """FEBRL 3 with an 'updated' date and a 'source' naming the list each record came
    from: record 4,574 changed last, record 2,286 from the newsletter."""
    df = febrl.copy()
    df["updated"] = "2020-01-01"
    df.loc[2285, "updated"], df.loc[4573, "updated"] = "2021-03-01", "2024-05-06"
    df["source"] = "shop"
    df.loc[2285, "source"] = "newsletter"
    widget = open_screen(qtbot, df)
    yield widget
    widget.jobs.shutdown()


def test_golden_record_by_each_rule_with_provenance(qtbot, dated_screen):
    screen, doc = dated_screen, dated_screen.document
    assert pair(screen) == (2285, 4573)
    assert screen.review.heading.text() == (
        "Pair 1 of 9: 60% likely the same person, across lists: newsletter and shop")
    assert screen.golden_note.isHidden()
    # Most complete: person 702's four records have no address_2, 1853's two have one, so
    # the first of those (record 2,286) wins.
    assert golden_rows(screen)["surname"] == ("scrimgeour", "record 2,286 (newsletter)")
    assert golden_rows(screen)["address_2"] == ("lillydale", "record 2,286 (newsletter)")
    choose(qtbot, screen, "most_recent")
    assert doc.state("duplicates")["golden_rule"] == "most_recent"
    assert doc.undo_stack.undoText() == (
        "Merged record keeps the value from the most recently changed record")
    rows = golden_rows(screen)
    assert rows["surname"] == ("george", "record 4,574 (shop)")  # updated 2024-05-06
    assert rows["updated"] == ("2024-05-06", "record 4,574 (shop)")
    assert rows["address_2"] == ("lillydale", "record 2,286 (newsletter)")  # empty never wins
    choose(qtbot, screen, "most_frequent")
    assert golden_rows(screen)["source"] == ("shop", "record 1,770 (shop)")
    choose(qtbot, screen, "preferred_source")
    assert screen.golden_source.isVisible()
    sources = [screen.golden_source.itemData(i) for i in range(screen.golden_source.count())]
    assert sources == ["shop", "newsletter"]  # the most common source is preferred first
    assert golden_rows(screen)["surname"] == ("george", "record 1,770 (shop)")
    screen.golden_source.setCurrentIndex(1)
    screen.golden_source.activated.emit(1)
    settle(qtbot, screen)
    assert doc.state("duplicates")["golden_source"] == "newsletter"
    assert doc.undo_stack.undoText() == "Merged record prefers records from newsletter"
    assert golden_rows(screen)["surname"] == ("scrimgeour", "record 2,286 (newsletter)")
    doc.undo_stack.undo()
    settle(qtbot, screen)
    assert golden_rows(screen)["surname"] == ("george", "record 1,770 (shop)")
    for _ in range(3):
        doc.undo_stack.undo()
    settle(qtbot, screen)
    assert screen.golden_rule.currentData() == "most_complete"
    assert golden_rows(screen)["surname"] == ("scrimgeour", "record 2,286 (newsletter)")


def test_split_a_whole_group_is_undoable_and_survives_relearning(qtbot, screen):
    doc = screen.document
    assert figures(screen)[2] == "9 possible duplicates to review"
    before = parts(screen)
    assert before == [(1769, 2359, 4221, 4573), (2285, 4564)]  # persons 702 and 1853
    screen.review.table.setFocus()
    qtbot.keyClick(screen.review.table, Qt.Key.Key_S)
    settle(qtbot, screen)
    decisions = doc.state("duplicates")["decisions"]
    assert len(decisions) == 15 and not any(d["same"] for d in decisions)
    ids = set(screen.found.shown["rec_id"].iloc[list(GROUP)])
    assert {d["left"][3:] for d in decisions} | {d["right"][3:] for d in decisions} == ids
    assert doc.undo_stack.undoText() == (
        "Split group: records 1,770, 2,286, 2,360, 4,222, 4,565 and 4,574 are different people")
    assert len({labels(screen)[r] for r in GROUP}) == 6
    assert figures(screen)[2] == "7 possible duplicates to review"
    old = screen.found
    screen.relearn_button.click()
    qtbot.waitUntil(lambda: screen.found is not old, timeout=20000)
    settle(qtbot, screen)
    assert len({labels(screen)[r] for r in GROUP}) == 6
    doc.undo_stack.undo()
    settle(qtbot, screen)
    assert doc.state("duplicates") is None
    assert parts(screen) == before


def test_a_new_screen_shows_no_empty_source_box(qtbot):
    # before any merged record is previewed, "Prefer records from:" and its empty box
    # were on screen (seen in the demo's screenshot); they belong to that one rule
    jobs = JobRunner()
    fresh = Screen(Document(), jobs)
    qtbot.addWidget(fresh)
    fresh.show()
    assert fresh.source_label.isHidden() and fresh.golden_source.isHidden()
    jobs.shutdown()
