"""The Audit log screen and the crash-recovery dialog, driven offscreen."""

from __future__ import annotations

import csv

import pandas as pd
from PySide6.QtCore import Qt

from app.autosave import Autosaver, find_recoveries
from app.document import Document
from app.jobs import JobRunner
from core.audit import frame_hash
from ui.screens.audit.screen import Screen
from ui.widgets.recovery_dialog import DISCARD, RESTORE, RecoveryDialog, apply_choice

CRM = pd.DataFrame(
    {"customer_id": ["C1", "C2", "C3"], "first_name": ["Annabel", "Bertram", "Cornelia"],
     "email": ["annabel@example.org", "bertram@example.org", ""], "city": ["Köln", "Berlin", "Hamburg"]},
    dtype="str",
)


def _document() -> Document:
    doc = Document()
    doc.set_source("crm", CRM, {"path": "/data/crm.csv"}, {"email": "email"}, "Import crm.csv")
    doc.audit("import", {"encoding": "utf-8"}, 0, 3, None, CRM)
    cleaned = CRM.assign(email=CRM["email"].str.upper())
    doc.set_frame("crm", cleaned, "Clean e-mails")
    doc.audit("clean", {"steps": [{"step": "emails", "columns": ["email"]}]}, 3, 3, CRM, cleaned)
    doc.wait_for_audit()  # the hashes come from a background thread
    return doc


def _cells(model) -> list[str]:
    texts = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    for r in range(model.rowCount()):
        texts += [model.data(model.index(r, c)) for c in range(model.columnCount())]
    return texts


def test_the_screen_lists_one_row_per_change_and_no_personal_values(qtbot, tmp_path):
    doc = _document()
    screen = Screen(doc, JobRunner())
    qtbot.addWidget(screen)
    screen.show()
    assert screen.status() == ("done", "2 changes recorded")
    assert screen.model.rowCount() == 2
    assert screen.summary.text().startswith("2 changes recorded · last: Quality at ")
    row = {screen.model.headerData(c, Qt.Orientation.Horizontal): screen.model.data(screen.model.index(1, c))
           for c in range(screen.model.columnCount())}
    assert row["Step"] == "clean" and row["Rows in"] == "3" and row["Rows out"] == "3"
    assert row["Settings"] == '{"steps": [{"columns": ["email"], "step": "emails"}]}'
    assert row["Data before (fingerprint)"] == frame_hash(CRM)[:12]
    text = " ".join(_cells(screen.model))
    values = [v for c in CRM.columns for v in CRM[c] if v] + ["ANNABEL@EXAMPLE.ORG"]
    assert not [v for v in values if v in text]

    doc.audit("segment", {"method": "rfm"}, 3, 3)
    assert screen.model.rowCount() == 3 and screen.status() == ("done", "3 changes recorded")

    assert screen.export_to(str(tmp_path / "audit.csv")) == 3
    with open(tmp_path / "audit.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["step"] for r in rows] == ["import", "clean", "segment"]
    assert rows[1]["input_hash"] == rows[0]["output_hash"] == frame_hash(CRM)


def test_an_empty_project_says_what_the_log_is_waiting_for(qtbot):
    screen = Screen(Document(), JobRunner())
    qtbot.addWidget(screen)
    screen.show()
    assert screen.status() == ("not started", "")
    assert screen._waiting.text() == (
        "Nothing recorded yet. Each import and each change to your data will be listed here."
    )


def _leftover_autosave() -> None:
    """What a crashed session leaves: an autosave whose lock nobody holds."""
    doc = _document()
    doc.set_state("segments", {"config": {"k": 4}}, "Make customer groups")
    Autosaver(doc, JobRunner()).autosave_now(background=False)


def test_the_recovery_dialog_restores_the_chosen_work(qtbot):
    _leftover_autosave()
    dialog = RecoveryDialog(find_recoveries())
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and dialog.list.item(0).text().startswith("Untitled — unsaved work from ")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == RESTORE
    doc = Document()
    assert apply_choice(dialog, doc)
    assert doc.state("segments") == {"config": {"k": 4}} and doc.dirty
    assert len(doc.audit_entries()) == 2
    assert find_recoveries() == []


def test_the_recovery_dialog_can_discard(qtbot):
    _leftover_autosave()
    dialog = RecoveryDialog(find_recoveries())
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == DISCARD
    doc = Document()
    assert not apply_choice(dialog, doc)
    assert doc.frame("crm") is None
    assert find_recoveries() == []
