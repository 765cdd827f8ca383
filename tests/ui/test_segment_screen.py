"""Segments screen on demo data: run, pictures, undo as one step, settings and rule edits."""

from dataclasses import asdict

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.jobs import JobRunner
from core.project.store import load_project, save_project
from core.segment import rfm
from core.segment.pipeline import SegmentConfig
from tests.ui.picture_support import drawn
from ui.screens.segments.screen import Screen


@pytest.fixture
def screen(qtbot, demo_frames):
    doc, jobs = Document(), JobRunner()
    crm, sales = demo_frames
    doc.set_frame("crm", crm, "Import customers", roles={"customer_id": "customer_id"})
    doc.set_frame("sales", sales, "Import sales")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    jobs.shutdown()


def _run(screen, qtbot):
    screen.find.click()
    qtbot.waitUntil(lambda: screen.result() is not None, timeout=60000)


def test_waits_for_the_files(qtbot):
    doc, jobs = Document(), JobRunner()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    assert widget.waiting_for() == ("Import a customer list and a sales file first (a sales "
                                    "file alone will do).")
    doc.set_frame("crm", pd.DataFrame({"customer_id": ["1"]}), "Import")
    assert widget.waiting_for() == ("Import a sales file first: groups are based on what "
                                    "people bought.")
    jobs.shutdown()


def test_named_segments_run_and_undo_as_one_step(screen, qtbot, demo_frames):
    crm, _ = demo_frames
    assert screen.tie_rule.text() == rfm.TIE_RULES["together"]
    _run(screen, qtbot)
    frame = screen.document.frame("crm")
    assert len(frame) == len(crm) and "segment" in frame.columns
    report = screen.result()["report"]
    state, figure = screen.status()
    named = int((report["sizes"]["segment"] != "No purchases").sum())
    assert (state, figure) == ("done", f"{named} segments")
    assert screen.summary.text().startswith(f"{report['buyers']:,} people with orders in "
                                            f"{named} named segments")
    assert drawn(qtbot, screen.sizes_chart).title() == "People in each group"
    bars = screen.sizes_chart.figure.axes[0].patches  # one bar per group, its people
    assert [b.get_width() for b in bars][::-1] == list(report["sizes"]["people"])
    assert [screen.names.item(r, 0).text() for r in range(screen.names.rowCount())] == \
        list(report["sizes"]["segment"])
    assert [screen.names.item(r, 1).text() for r in range(screen.names.rowCount())] == \
        [f"{n:,}" for n in report["sizes"]["people"]]
    assert drawn(qtbot, screen.grid_chart).title().startswith("People by how recently")
    assert screen.rules.table.rowCount() == 11
    people = sum(int(screen.rules.table.item(r, 5).text().replace(",", ""))
                 for r in range(11))
    assert people == report["buyers"]
    screen.document.undo_stack.undo()
    assert screen.result() is None
    assert "segment" not in screen.document.frame("crm").columns


def test_clusters_show_the_proposed_number_and_the_map(screen, qtbot, tmp_path):
    screen.document.set_state("segments", {"config": asdict(SegmentConfig(stability_rounds=2))},
                              "Fewer stability rounds")
    screen.method.setCurrentIndex(screen.method.findData("kmeans"))
    assert screen.config().method == "kmeans"
    _run(screen, qtbot)
    report = screen.result()["report"]
    proposed = report["k_choice"]["proposed"]
    assert report["k"] == proposed
    assert screen.k_reason.text().startswith(f"{proposed} groups: ")
    assert drawn(qtbot, screen.k_chart).title() == "How many groups? More groups, tighter groups"
    assert drawn(qtbot, screen.map_chart).title() == "Map of groups: similar people sit close together"
    dots = screen.map_chart.figure.axes[0].collections  # one colour per group, every person mapped
    assert len(dots) == proposed
    assert sum(len(d.get_offsets()) for d in dots) == len(report["map"])
    assert screen.measures.rowCount() == len(report["k_choice"]["table"])
    assert screen.stability.text().startswith("Groups found again on resampled customers: ")
    summary = screen.summary.text()
    project = tmp_path / "groups.lreach"  # the report is plain values and frames: it saves
    save_project(project, screen.document.snapshot())
    reopened = Document()
    reopened.restore(load_project(project), str(project))
    again = Screen(reopened, screen.jobs)
    qtbot.addWidget(again)
    again.show()
    assert again.summary.text() == summary and again.status() == screen.status()
    assert again.config() == screen.config()
    screen.k.setValue(4)
    assert screen.status() == ("needs attention", "settings changed: find groups again")
    screen.document.undo_stack.undo()
    assert screen.k.value() == 1 and screen.status()[0] == "done"


def test_rule_edits_are_checked_and_undoable(screen, qtbot):
    screen.rules.table.selectRow(10)  # Lost
    screen.rules._remove()
    assert [r["name"] for r in screen.config().rules][-1] == "Hibernating"
    assert screen.rules.problems.text().splitlines() == [
        "R 1, FM 1 is not covered by any rule; those people stay unassigned.",
        "R 1, FM 2 is not covered by any rule; those people stay unassigned."]
    screen.rules.table.item(0, 1).setText("4")  # Champions now from R 4: overlaps
    assert "R 4, FM 4 is claimed by Champions and Loyal Customers" in \
        screen.rules.problems.text()
    screen.document.undo_stack.undo()
    screen.document.undo_stack.undo()
    assert screen.config().rules is None
    assert screen.rules.problems.text() == ("Every score combination belongs to exactly one "
                                            "segment.")


def test_customer_list_columns_can_be_ticked(screen):
    offered = [screen.features.item(i).text() for i in range(screen.features.count())]
    assert "Age" in offered and "Customer list: country" in offered
    assert "Customer list: email" not in offered and "Customer list: postcode" not in offered
    country = offered.index("Customer list: country")
    screen.features.item(country).setCheckState(Qt.CheckState.Checked)
    cfg = screen.config()
    assert cfg.crm_columns == ["country"] and cfg.features[-1] == "country"
    screen.document.undo_stack.undo()
    assert screen.config().crm_columns == []


def test_columns_are_found_by_their_roles(qtbot, demo_frames):
    crm, sales = demo_frames
    crm = crm.rename(columns={"customer_id": "Kundennummer"})
    sales = sales.rename(columns={"customer_id": "Kunde", "order_date": "Datum",
                                  "amount": "Betrag"})
    doc, jobs = Document(), JobRunner()
    doc.set_frame("crm", crm, "Import", roles={"Kundennummer": "customer_id"})
    doc.set_frame("sales", sales, "Import", roles={"Kunde": "customer_id",
                                                  "Datum": "order_date", "Betrag": "amount"})
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    _run(widget, qtbot)
    assert widget.config().id_column == "Kundennummer"
    assert widget.status()[0] == "done"
    assert list(doc.frame("sales").columns) == list(sales.columns)
    assert doc.frame("crm")["segment"].ne("").all()
    jobs.shutdown()
