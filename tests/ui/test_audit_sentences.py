"""The Audit log screen says each change in one sentence, undone ones marked: a cleaning
step by its title and cell count, as applied and once undone, and the linked lists and
revealed codes that used to fall back to bare row counts."""

import pandas as pd
from PySide6.QtCore import Qt

from app.actions import quality
from app.audit_words import sentence
from app.document import Document
from app.jobs import JobRunner
from ui.screens.audit.screen import Screen

CRM = pd.DataFrame({"first_name": [" Anna", "Tom  ", "Li"], "email": ["a@example.org", " b@example.org", ""]},
                   dtype="str")


def _what(screen) -> list[str]:
    model = screen.model
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())].index(
        "What happened")
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_a_cleaning_step_applied_then_undone(qtbot):
    doc, jobs = Document(), JobRunner()
    doc.set_source("crm", CRM, {"path": "crm.csv"}, {"first_name": "first_name", "email": "email"}, "Import")
    doc.audit("import", {"target": "crm", "options": {}}, 0, 3, None, CRM)
    quality.apply_fix(doc, "crm", {"step": "trim", "columns": []}).run()
    screen = Screen(doc, jobs)
    qtbot.addWidget(screen)
    screen.show()
    applied = "Quality: “Trim spaces” applied to the customer list: 3 cells changed."
    assert _what(screen) == ["Imported the customer list: 3 rows.", applied]
    doc.undo_stack.undo()
    assert _what(screen) == ["Imported the customer list: 3 rows.", f"Undone: {applied}"]
    doc.undo_stack.redo()
    assert _what(screen)[1] == applied
    jobs.shutdown()


def _entry(step: str, params: dict, rows_in: int, rows_out: int) -> dict:
    return {"step": step, "params": params, "rows_in": rows_in, "rows_out": rows_out}


def test_linked_lists_merges_reveals_and_consent_read_as_sentences():
    assert sentence(_entry("link lists", {"lists": 2, "records": 464, "people": 403, "in_several_lists": 3},
                           464, 403)) == ("Import: 2 customer lists linked: 464 records are 403 people, "
                                          "3 of them in more than one.")
    assert sentence(_entry("duplicates", {"reviewed": 4, "people": 403}, 464, 403)) == (
        "Duplicates merged: 464 records are 403 people.")
    assert sentence(_entry("duplicates", {"action": "reveal", "purpose": "duplicate review"}, 928, 812)) == (
        "Duplicates: 812 codes turned back into real values to show the pairs to review, on screen only.")
    assert sentence(_entry("export", {"action": "reveal", "purpose": "mail merge"}, 308, 300)) == (
        "Export: 300 codes turned back into real values for the messages written.")
    assert sentence(_entry("export", {"action": "consent meaning", "column": "OPTIN_IP", "meaning": "opt-out"},
                           403, 403)) == "Export: “yes” in the column OPTIN_IP now reads as asked not to be contacted."
    assert sentence(_entry("segments", {"method": "kmeans"}, 403, 403)) == (
        "Segments: 403 customers put into groups found in the data.")
