"""Fair groups in the window: the user marks a sensitive column on Segments, sees each
group's share per segment against all customers with the largest gap flagged, and Export
repeats the flagged gap before anything is written."""

import re

import pandas as pd
from PySide6.QtCore import Qt

from core.compose.campaign import Campaign
from core.compose.template import Template

PEOPLE = 60


def _shop() -> tuple[pd.DataFrame, pd.DataFrame]:
    """20 women who buy every month up to June, 40 men who bought once, long ago."""
    crm = pd.DataFrame({"id": [f"C{i:02d}" for i in range(PEOPLE)],
                        "email": [f"p{i}@example.org" for i in range(PEOPLE)],
                        "gender": ["f"] * 20 + ["m"] * 40, "consent": "yes"})
    lines = [(f"C{i:02d}", f"2024-{m:02d}-{1 + i % 27:02d}", 40.0 + i)
             for i in range(20) for m in range(1, 7)]
    lines += [(f"C{i:02d}", f"2023-{1 + i % 12:02d}-15", 15.0 + i % 7) for i in range(20, PEOPLE)]
    return crm, pd.DataFrame(lines, columns=["id", "date", "amount"])


def test_a_flagged_gap_is_shown_on_segments_and_before_export(window, qtbot):
    doc = window.document
    crm, sales = _shop()
    doc.set_source("crm", crm, {"path": "c.csv"}, {"id": "customer_id", "email": "email",
                                                  "gender": "gender", "consent": "consent"}, "Import")
    doc.set_source("sales", sales, {"path": "s.csv"}, {"id": "customer_id", "date": "order_date",
                                                      "amount": "amount"}, "Import")
    segments = window.screens["segments"]
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None, timeout=30000)
    page = segments.fairness
    columns = {page.columns.item(i).data(Qt.ItemDataRole.UserRole): page.columns.item(i)
               for i in range(page.columns.count())}
    assert "(suggested)" in columns["gender"].text() and not page.check.isEnabled()
    columns["gender"].setCheckState(Qt.CheckState.Checked)
    assert doc.state("segments")["sensitive"] == ["gender"] and page.check.isEnabled()
    page.check.click()
    qtbot.waitUntil(lambda: bool(doc.state("segments").get("fairness")), timeout=30000)
    text = page.verdicts.text()
    found = re.match(r"⚠ gender \(values\): Largest gap: in '(.+)' \((\d+) people\) (\d+)% are "
                     r"'([fm])' against (\d+)% of all customers", text)
    assert found, text
    segment, n, share, group, base = found.groups()
    out = doc.frame("crm")
    members = out[out["segment"] == segment]
    assert int(n) == len(members)
    assert int(share) == round(100 * (members["gender"] == group).mean())
    assert int(base) == round(100 * (out["gender"] == group).mean())
    assert "Chance alone would rarely give a gap this large" in text

    doc.set_state("compose", Campaign({"A": Template("Hi", "Hello\n")}).to_state(), "Compose")
    export = window.screens["export"]
    window.go_to("export")
    qtbot.waitUntil(lambda: not window.jobs.is_running("export"), timeout=30000)
    assert export.fairness_label.isVisible()
    assert export.fairness_label.text() == f"⚠ Groups by 'gender': {text.split(': ', 1)[1]}"
    assert export.plan_label.text() == f"Will write {PEOPLE} messages."


def test_a_group_is_renamed_in_place_and_the_rename_is_one_undo_step(window, qtbot):
    doc = window.document
    crm, sales = _shop()
    doc.set_source("crm", crm, {"path": "c.csv"}, {"id": "customer_id", "email": "email"}, "Import")
    doc.set_source("sales", sales, {"path": "s.csv"}, {"id": "customer_id", "date": "order_date",
                                                      "amount": "amount"}, "Import")
    segments = window.screens["segments"]
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None, timeout=30000)
    before = doc.frame("crm")["segment"].value_counts()
    first = segments.names.item(0, 0)
    old = first.text()
    first.setText("Our regulars")
    after = doc.frame("crm")["segment"].value_counts()
    assert after["Our regulars"] == before[old] and old not in after
    assert segments.names.item(0, 0).text() == "Our regulars"
    assert "Our regulars" in set(segments.result()["report"]["sizes"]["segment"])
    doc.undo_stack.undo()
    assert doc.frame("crm")["segment"].value_counts().to_dict() == before.to_dict()
    taken = segments.names.item(1, 0).text()
    segments.names.item(0, 0).setText(taken)  # two groups never share a name
    assert segments.names.item(0, 0).text() == old
