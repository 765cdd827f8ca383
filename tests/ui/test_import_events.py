"""The Import screen's events file (issue 14): "Add an events file…" reads a GA4 export,
says in one sentence what it is and how many of its events belong to a customer of the
list (the segment step's own join), and the file is saved with the project, undone,
and cleared by New project.

The customer list is a Faker list of 40 people with customer ids 1001, 1002 and 2001-2038:
of the GA4 fixture's 28 events, 1001 has 17 and 1002 has 3 (20 belong to a customer);
1003's 5 and the anonymous visitor's 3 belong to nobody on the list.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from faker_lists import contact_list  # noqa: E402

from app.project import open_document, save_document  # noqa: E402

FIXTURES = Path(__file__).parents[1] / "fixtures"
GA4 = FIXTURES / "events" / "ga4_events.csv"
SENTENCE = ("This looks like a Google Analytics 4 BigQuery events export (flattened): "
            "20 of 28 events belong to a customer.")


def customer_file(folder: Path) -> Path:
    crm, _person = contact_list("en_GB", 7, 40)
    crm.insert(0, "customer_id", ["1001", "1002", *(str(2001 + i) for i in range(len(crm) - 2))])
    path = folder / "customers.csv"
    crm.to_csv(path, index=False)
    return path


def _wait_idle(qtbot, screen):
    qtbot.waitUntil(lambda: not screen.jobs.is_running(screen.STEP), timeout=20000)


def _sentence(qtbot, screen, text: str) -> None:
    qtbot.waitUntil(lambda: screen.events_label.text() == text, timeout=20000)


def test_an_events_file_is_one_sentence_saved_undone_and_cleared(window, qtbot, tmp_path):
    screen, doc = window.screens["import"], window.document
    screen.preview_file("crm", customer_file(tmp_path))
    _wait_idle(qtbot, screen)
    screen.import_button.click()
    _wait_idle(qtbot, screen)
    assert screen.events_button.text() == "Add an events file…" and screen.events_button.isVisible()
    assert not screen.events_label.isVisible()

    screen.add_events_file(GA4)
    _wait_idle(qtbot, screen)
    _sentence(qtbot, screen, SENTENCE)
    assert screen.events_label.isVisible()
    assert len(doc.frame("events")) == 28
    assert {c: r for c, r in doc.roles("events").items() if r != "other"} == {
        "event_timestamp": "time", "event_name": "event", "user_id": "customer_id",
        "ga_session_id": "session", "item_name": "product"}
    assert window.undo_action.text() == "&Undo Add the events file"
    assert doc.audit_entries()[-1]["step"] == "import"
    assert "28 events" in window.sidebar.item(0).text()

    path = save_document(doc, tmp_path / "shop")
    window.undo_action.trigger()
    assert doc.frame("events") is None and not screen.events_label.isVisible()
    window.redo_action.trigger()
    _sentence(qtbot, screen, SENTENCE)

    window.new_project()
    assert doc.frame("events") is None and doc.frame("crm") is None
    open_document(path, doc)
    pd.testing.assert_frame_equal(doc.frame("events"), pd.read_csv(GA4, dtype=str, keep_default_na=False))
    assert doc.roles("events")["user_id"] == "customer_id"
    screen.show_target("crm")
    _sentence(qtbot, screen, SENTENCE)


def test_a_customer_list_is_no_events_file(window, qtbot, tmp_path):
    screen = window.screens["import"]
    crm = customer_file(tmp_path)
    screen.preview_file("crm", crm)
    _wait_idle(qtbot, screen)
    screen.import_button.click()
    _wait_idle(qtbot, screen)
    errors = []
    screen.show_error = errors.append
    screen.add_events_file(crm)
    _wait_idle(qtbot, screen)
    assert [str(e) for e in errors] == [
        "The events file needs a time, a customer id or e-mail and an event column: mark them "
        "as time, customer_id or email and event."]
    assert window.document.frame("events") is None
