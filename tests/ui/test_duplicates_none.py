"""A customer list in which no two records share a name, e-mail or number: the Duplicates
screen says there is nothing to review (it stopped with an IndexError before), and every
record stays its own person."""

import pandas as pd

from app.document import Document
from app.jobs import JobRunner
from ui.screens.duplicates.screen import Screen


def test_a_list_without_any_pair_has_nothing_to_review(qtbot):
    ids = [f"{k:05d}" for k in (4, 18, 21, 50, 60, 71)]
    df = pd.DataFrame({"Kundennummer": ids, "Vorname": [f"Kunde{i}" for i in range(6)],
                       "E-Mail": [f"k{k}@example.org" for k in ids]})
    doc, jobs = Document(), JobRunner()
    doc.set_source("crm", df, {"path": "kunden.csv"}, {"Kundennummer": "customer_id",
                   "Vorname": "first_name", "E-Mail": "email"}, "Import customer list")
    widget = Screen(doc, jobs)
    errors: list = []
    widget.show_error = errors.append
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.grouped is not None or bool(errors), timeout=20000)
    assert errors == []
    assert widget.figures["people"].text() == "6 people"
    assert widget.figures["to_review"].text() == "0 possible duplicates to review"
    jobs.shutdown()
