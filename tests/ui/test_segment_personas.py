"""Personas screen: cards from the grouped list, undoable edits, kept fields, export."""

import threading

import pytest
from threadpoolctl import threadpool_limits

from app.document import Document
from app.jobs import JobRunner
from core.demo import generate
from core.io import read_table
from core.project.store import load_project, save_project
from core.segment.pipeline import SegmentConfig, segment_customers
from tests.ui.picture_support import drawn
from ui.screens.personas.screen import Screen


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    generate(out, customers=300, seed=4)
    crm, sales = read_table(out / "crm.xlsx")[0], read_table(out / "sales.csv")[0]
    rules = [{"name": "Recent", "r_min": 4, "r_max": 5, "fm_min": 1, "fm_max": 5},
             {"name": "Fading", "r_min": 2, "r_max": 3, "fm_min": 1, "fm_max": 5},
             {"name": "Gone", "r_min": 1, "r_max": 1, "fm_min": 1, "fm_max": 5}]
    with threadpool_limits(1):  # three named segments keep the cards few and the test quick
        segmented, report = segment_customers(crm, sales, SegmentConfig(rules=rules))
    return crm, segmented, sales, report


@pytest.fixture
def screen(qtbot, grouped):
    _, segmented, sales, _ = grouped
    doc, jobs = Document(), JobRunner()
    doc.set_frame("crm", segmented, "Import customers")
    doc.set_frame("sales", sales, "Import sales")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    jobs.shutdown()


def _write(screen, qtbot):
    screen.write.click()
    qtbot.waitUntil(lambda: bool(screen.personas()), timeout=60000)


def test_waits_for_groups(qtbot, grouped):
    crm = grouped[0]
    doc, jobs = Document(), JobRunner()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    assert widget.waiting_for() == "Import a customer list first."
    doc.set_frame("crm", crm, "Import")
    assert widget.waiting_for() == ("Find customer groups first (Segments step): personas are "
                                    "written from them.")
    jobs.shutdown()


def test_one_card_per_group_with_chart(screen, qtbot, grouped):
    report = grouped[3]
    _write(screen, qtbot)
    personas = screen.personas()
    assert [p.segment for p in personas][:-1] == [
        s for s in report["sizes"]["segment"] if s != "No purchases"]
    assert personas[-1].name == "Not bought yet"
    assert sum(p.people for p in personas) == report["people"]
    assert screen.status() == ("done", f"{len(personas)} personas")
    assert len(screen.cards) == len(personas)
    card = screen.cards[0]
    assert card.text("name") == personas[0].name
    assert drawn(qtbot, card.chart).title() == "Compared with the average customer"
    bars = card.chart.figure.axes[0].patches  # one bar per figure, its ratio to the average
    assert sorted(b.get_width() for b in bars) == sorted(personas[0].versus_base.values())
    assert card.chart.drawn_on != threading.main_thread().ident
    assert card.facts.text().startswith(f"People: {personas[0].people:,} (")


def test_edits_are_undoable_and_survive_rewriting(screen, qtbot, tmp_path):
    _write(screen, qtbot)
    card = screen.cards[0]
    prefilled = screen.personas()[0].offer  # from the group's figures, never empty
    assert prefilled and card.text("offer") == prefilled
    card.fields["name"].setText("Our best friends")
    card.commit("name")
    card.fields["offer"].setText("Free delivery")
    card.commit("offer")
    assert screen.personas()[0].name == "Our best friends"
    assert screen.personas()[0].offer == "Free delivery"
    screen.document.undo_stack.undo()
    assert screen.personas()[0].offer == prefilled and card.text("offer") == prefilled
    screen.document.undo_stack.redo()
    _write(screen, qtbot)  # rewriting refreshes figures, keeps what the user typed
    qtbot.waitUntil(lambda: screen.document.undo_stack.undoText() == "Write personas",
                    timeout=60000)
    assert screen.personas()[0].offer == "Free delivery"
    assert screen.personas()[0].name == "Our best friends"
    assert screen.personas()[0].edited == ["name", "offer"]
    assert screen.personas()[1].edited == []
    save_project(tmp_path / "p.lreach", screen.document.snapshot())
    assert load_project(tmp_path / "p.lreach")["state"]["personas"] == \
        screen.document.state("personas")
    path = tmp_path / "cards.md"
    screen.export_to(path)
    qtbot.waitUntil(path.exists, timeout=60000)
    text = path.read_text()
    assert text.startswith("# Personas\n\n## Our best friends\n")
    assert "- **Offer:** Free delivery" in text
    assert text.count("\n## ") == len(screen.personas())


def test_tone_and_offer_follow_the_figures_and_wording_is_apart_from_the_name(screen, qtbot):
    _write(screen, qtbot)
    personas = screen.personas()
    lapsed = [p for p in personas if p.versus_base.get("recency_days", 0) >= 1.8
              and p.figures.get("discount_share", 0) < 0.5]
    assert lapsed and all(p.offer == "A come-back offer: 15% off for the next 30 days"
                          for p in lapsed if p.versus_base.get("frequency", 1) > 0.6
                          or p.versus_base.get("tenure_days", 1) > 0.4)
    assert personas[-1].tone == "Welcoming and helpful"  # Not bought yet
    assert all(p.tone and p.offer for p in personas)
    card = screen.cards[0]
    card.fields["wording"].setPlainText("our most loyal customers")
    card.commit("wording")
    first = screen.personas()[0]
    assert (first.wording, first.edited) == ("our most loyal customers", ["wording"])
    assert first.name == personas[0].name  # the team's label is untouched
