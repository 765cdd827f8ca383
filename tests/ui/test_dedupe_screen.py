"""The Duplicates screen driven through its widgets: figures, review keys, undo, slider,
pairing rules and the merge."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.jobs import JobRunner
from ui.screens.duplicates.screen import Screen

FEBRL = str(Path(__file__).resolve().parents[1] / "data" / "febrl1.csv")  # a copy of shared/data/febrl1.csv


@pytest.fixture(scope="module")
def febrl() -> pd.DataFrame:
    return pd.read_csv(FEBRL, dtype=str, keep_default_na=False)


@pytest.fixture(autouse=True)
def wide_review_band(monkeypatch):
    """FEBRL 1's pairs are all near 0% or 100% sure (dedupe F1 0.999): to drive the review
    panel, these tests ask to review every pair from 0.1% sure up, which gives six."""
    import functools

    from core.dedupe.pipeline import DedupeConfig
    from ui.screens.duplicates import screen as duplicates

    monkeypatch.setattr(duplicates, "DedupeConfig",
                        functools.partial(DedupeConfig, review_threshold=0.001))


@pytest.fixture
def screen(qtbot, febrl):
    doc = Document()
    jobs = JobRunner()
    doc.set_source("crm", febrl.copy(), {"path": "febrl.csv"}, {"rec_id": "customer_id"},
                   "Import customer list")
    doc.undo_stack.setClean()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.grouping is not None, timeout=20000)
    yield widget
    jobs.shutdown()


def figures(screen) -> list[str]:
    return [screen.figures[k].text() for k in ("records", "people", "to_review", "merged")]


def test_figures_rules_histogram_and_status(screen):
    assert figures(screen)[:3] == ["1,000 records", "501 people", "6 possible duplicates to review"]
    assert figures(screen)[3].endswith(" merged automatically")
    assert screen.status() == ("needs attention", "6 possible duplicates to review")
    rules = {screen.rules_table.item(r, 0).text(): screen.rules_table.item(r, 1).text()
             for r in range(screen.rules_table.rowCount())}
    assert rules["Same soc_sec_id"] == "450"
    assert rules["Neighbours in a list sorted by surname"] == "1,997"  # 999 + 998 neighbours
    assert screen.chart.title() == "How sure we are, pair by pair"
    assert screen.value()["config"]["id_column"] == "rec_id"


@pytest.mark.xfail(strict=True, reason="written around FEBRL 1's two uncertain pairs (records "
                   "452/484, 238/242), which the improved model (bc3d32a) now settles; to be "
                   "rebuilt on a list with uncertain pairs")
def test_review_pair_side_by_side_with_differences_marked(screen):
    panel = screen.review
    assert panel.heading.text().startswith("Pair 1 of 6: ")
    assert panel.table.rowCount() == 11
    columns = [panel.table.item(r, 0).text() for r in range(11)]
    assert columns[0] == "rec_id (differs)"
    differing = [r for r in range(11) if columns[r].endswith("(differs)")]
    label = panel.table.cellWidget(differing[-1], 1).text()
    assert "text-decoration:underline" in label
    golden = golden_rows(screen)
    assert set(golden) == set(pd.read_csv(FEBRL, nrows=0).columns)
    assert golden["surname"] == ("schembri", "record 452")


def test_keyboard_decisions_are_undoable(qtbot, screen):
    doc = screen.document
    k = screen.current_pair()
    left, right = int(screen.scored.left[k]), int(screen.scored.right[k])
    screen.review.table.setFocus()
    qtbot.keyClick(screen.review.table, Qt.Key.Key_Y)
    assert doc.state("duplicates")["decisions"] == [{"left": left, "right": right, "same": True}]
    assert doc.undo_stack.undoText() == f"Same person: records {left + 1} and {right + 1}"
    assert figures(screen)[2] == "5 possible duplicates to review"
    assert screen.figures["answered"].text() == "1 answered by you"
    labels = screen.grouping.cluster
    assert labels[left] == labels[right]
    qtbot.keyClick(screen.review.table, Qt.Key.Key_N)
    second = doc.state("duplicates")["decisions"][1]
    assert second["same"] is False
    assert screen.grouping.cluster[second["left"]] != screen.grouping.cluster[second["right"]]
    qtbot.keyClick(screen.review.table, Qt.Key.Key_Right)  # skip: nothing stored
    assert len(doc.state("duplicates")["decisions"]) == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.state("duplicates") is None
    assert figures(screen)[2] == "6 possible duplicates to review"


def test_slider_shows_a_live_count_and_stores_the_threshold(screen):
    doc = screen.document
    screen.slider.setValue(55)
    assert screen.live.text().startswith("At 55% sure: ")
    assert doc.state("duplicates")["config"]["threshold"] == 0.55
    assert screen.live.text() == "At 55% sure: 501 people, 6 pairs to review"
    doc.undo_stack.undo()
    assert screen.slider.value() == 90
    assert figures(screen)[2] == "6 possible duplicates to review"


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
    assert merged["cluster_id"].nunique() == 501
    assert screen.status() == ("needs attention", "6 possible duplicates to review")
    assert doc.audit_entries()[-1]["step"] == "dedupe"
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


def test_sales_lines_linked_and_relearning_from_answers(qtbot, febrl):
    doc, jobs = Document(), JobRunner()
    doc.set_source("crm", febrl.copy(), {"path": "febrl.csv"}, {"rec_id": "customer_id"},
                   "Import customer list")
    sales = pd.DataFrame({"order_id": ["1", "2", "3", "4"],
                          "rec_id": ["rec-223-org", "rec-122-dup-0", "rec-9999-org", ""],
                          "amount": ["5", "6", "7", "8"]})
    doc.set_source("sales", sales, {"path": "sales.csv"},
                   {"order_id": "order_id", "rec_id": "customer_id", "amount": "amount"},
                   "Import sales")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.grouping is not None, timeout=20000)
    assert widget.sales_line.text() == (
        "2 of 4 sales lines belong to a customer; 2 could not be linked.")
    k = widget.current_pair()
    widget.review.same_button.click()
    before = widget.scored
    widget.relearn_button.click()
    qtbot.waitUntil(lambda: widget.scored is not before, timeout=20000)
    a, b = int(widget.scored.left[k]), int(widget.scored.right[k])
    assert widget.grouping.cluster[a] == widget.grouping.cluster[b]
    assert widget.grouping.report["reviewed"] == 1
    jobs.shutdown()


def test_golden_record_rule_is_chosen_and_undoable(screen):
    doc = screen.document
    index = screen.golden_rule.findData("most_frequent")
    screen.golden_rule.setCurrentIndex(index)
    screen.golden_rule.activated.emit(index)
    assert doc.state("duplicates")["golden_rule"] == "most_frequent"
    assert doc.undo_stack.undoText() == "Merged record keeps the most common value"
    # Two records, every value once: the most common value is the first record's.
    k = screen.current_pair()
    first = int(screen.scored.left[k])
    assert golden_rows(screen)["rec_id"] == (screen._input().iat[first, 0], f"record {first + 1}")
    doc.undo_stack.undo()
    assert screen.golden_rule.currentData() == "most_complete"


def golden_rows(screen) -> dict[str, tuple[str, str]]:
    """Merged record preview: column -> (value, the record it was taken from)."""
    table = screen.golden_table
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def choose(screen, rule: str) -> None:
    index = screen.golden_rule.findData(rule)
    screen.golden_rule.setCurrentIndex(index)
    screen.golden_rule.activated.emit(index)


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


@pytest.fixture
def mixed_screen(qtbot, febrl):
    """febrl with an 'updated' date, a 'source', and record 238 in the list twice
    (row 1000), so the second pair to review, records 238 and 242, has a group of three."""
    df = febrl.copy()
    twin = df.iloc[[237]].copy()
    twin["rec_id"] = "rec-395-dup-9"
    df = pd.concat([df, twin], ignore_index=True)
    df["updated"] = "2020-01-01"
    df.loc[451, "updated"], df.loc[483, "updated"] = "2021-03-01", "2024-05-06"
    df["source"] = "shop"
    df.loc[451, "source"] = "newsletter"
    doc, jobs = Document(), JobRunner()
    doc.set_source("crm", df, {"path": "febrl.csv"}, {"rec_id": "customer_id"},
                   "Import customer list")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.grouping is not None, timeout=20000)
    yield widget
    jobs.shutdown()


@pytest.mark.xfail(strict=True, reason="written around FEBRL 1's two uncertain pairs (records "
                   "452/484, 238/242), which the improved model (bc3d32a) now settles; to be "
                   "rebuilt on a list with uncertain pairs")
def test_golden_record_by_each_rule_with_provenance(mixed_screen):
    screen, doc = mixed_screen, mixed_screen.document
    k = screen.current_pair()
    assert (int(screen.scored.left[k]), int(screen.scored.right[k])) == (451, 483)
    assert screen.golden_note.isHidden()
    # Most complete: both records are complete, so the first one (record 452) wins.
    assert golden_rows(screen)["given_name"] == ("erinv", "record 452")
    choose(screen, "most_recent")
    assert doc.state("duplicates")["golden_rule"] == "most_recent"
    assert doc.undo_stack.undoText() == (
        "Merged record keeps the value from the most recently changed record")
    rows = golden_rows(screen)
    assert rows["given_name"] == ("erin", "record 484")  # updated 2024-05-06
    assert rows["date_of_birth"] == ("19470910", "record 484")
    assert rows["updated"] == ("2024-05-06", "record 484")
    choose(screen, "most_frequent")
    assert golden_rows(screen)["source"] == ("newsletter", "record 452")  # a tie: first one
    choose(screen, "preferred_source")
    assert screen.golden_source.isVisible()
    sources = [screen.golden_source.itemData(i) for i in range(screen.golden_source.count())]
    assert sources == ["shop", "newsletter"]  # the most common source is preferred first
    assert golden_rows(screen)["given_name"] == ("erin", "record 484")
    screen.golden_source.setCurrentIndex(1)
    screen.golden_source.activated.emit(1)
    assert doc.state("duplicates")["golden_source"] == "newsletter"
    assert doc.undo_stack.undoText() == "Merged record prefers records from newsletter"
    assert golden_rows(screen)["given_name"] == ("erinv", "record 452")
    doc.undo_stack.undo()
    assert golden_rows(screen)["given_name"] == ("erin", "record 484")
    for _ in range(3):
        doc.undo_stack.undo()
    assert screen.golden_rule.currentData() == "most_complete"
    assert golden_rows(screen)["given_name"] == ("erinv", "record 452")


@pytest.mark.xfail(strict=True, reason="written around FEBRL 1's two uncertain pairs (records "
                   "452/484, 238/242), which the improved model (bc3d32a) now settles; to be "
                   "rebuilt on a list with uncertain pairs")
def test_split_a_whole_group_is_undoable_and_survives_relearning(qtbot, mixed_screen):
    screen, doc = mixed_screen, mixed_screen.document
    screen.review.table.setFocus()
    qtbot.keyClick(screen.review.table, Qt.Key.Key_Right)
    k = screen.current_pair()
    assert (int(screen.scored.left[k]), int(screen.scored.right[k])) == (237, 241)
    assert screen.group_line.text() == "This group: records 238, 242 and 1,001"
    labels = screen.grouping.cluster
    assert labels[237] == labels[1000] != labels[241]
    assert figures(screen)[2] == "3 possible duplicates to review"
    qtbot.keyClick(screen.review.table, Qt.Key.Key_S)
    assert doc.state("duplicates")["decisions"] == [
        {"left": 237, "right": 241, "same": False}, {"left": 237, "right": 1000, "same": False},
        {"left": 241, "right": 1000, "same": False}]
    assert doc.undo_stack.undoText() == (
        "Split group: records 238, 242 and 1,001 are different people")
    labels = screen.grouping.cluster
    assert len({labels[237], labels[241], labels[1000]}) == 3
    assert figures(screen)[2] == "1 possible duplicate to review"
    before = screen.scored
    screen.relearn_button.click()
    qtbot.waitUntil(lambda: screen.scored is not before, timeout=20000)
    labels = screen.grouping.cluster
    assert len({labels[237], labels[241], labels[1000]}) == 3
    doc.undo_stack.undo()
    assert doc.state("duplicates") is None
    labels = screen.grouping.cluster
    assert labels[237] == labels[1000] != labels[241]
