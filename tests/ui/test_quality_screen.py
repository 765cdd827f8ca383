"""The Quality screen driven through its widgets: report, issue filter, preview, apply, undo."""

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.jobs import JobRunner
from ui.screens.quality.clusters import ClusterDialog
from ui.screens.quality.screen import Screen

CRM = pd.DataFrame(
    {
        "customer_id": ["1", "2", "3", "4"],
        "last_name": ["MCDONALD", "Smith", "van der berg", "O'Neil"],
        "phone": ["0151 12345678", "+4915112345678", "nope", "030 1234567"],
        "email": ["a@b.de", "broken", "", "c@d.de"],
        "company": ["Nike", "nike inc", "NIKE Inc.", "Adidas"],
    }
)
ROLES = {"customer_id": "customer_id", "last_name": "last_name", "phone": "phone", "email": "email",
         "company": "company"}


@pytest.fixture
def screen(qtbot):
    doc = Document()
    jobs = JobRunner()
    doc.set_source("crm", CRM.copy(), {"path": "crm.csv"}, ROLES, "Import customer list")
    doc.undo_stack.setClean()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.report is not None)
    yield widget
    jobs.shutdown()


def select_step(qtbot, screen, name):
    row = next(i for i in range(screen.steps.count())
               if screen.steps.item(i).data(Qt.ItemDataRole.UserRole)["step"] == name)
    screen.steps.setCurrentRow(row)
    qtbot.waitUntil(lambda: screen.apply_button.isEnabled())


def preview_rows(screen):
    t = screen.preview_table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_report_score_bars_and_issue_filter(qtbot, screen):
    # 20 cells: 1 empty e-mail, 1 invalid e-mail, 1 unreadable phone -> 17 valid
    assert screen.score.text() == "85% of cells valid"
    bars = {r.column: (r.valid, r.missing, r.invalid) for r in screen.bars.rows}
    assert bars["email"] == (2, 1, 1)
    assert bars["phone"] == (3, 0, 1)
    words = {r.column: r.words() for r in screen.bars.rows}
    assert words["email"] == "50% valid · 25% empty · 25% invalid"  # never colour alone
    assert words["customer_id"] == "100% valid"
    assert screen.status() == ("needs attention", "85% of cells valid")
    messages = [screen.issues.item(i).text() for i in range(screen.issues.count())]
    assert "1 value in 'phone': not a phone number that can be read" in messages
    item = screen.issues.item(messages.index("1 value in 'phone': not a phone number that can be read"))
    screen.issues.itemClicked.emit(item)
    assert screen.model.rowCount() == 1
    assert screen.model.index(0, 2).data() == "nope"
    qtbot.mouseClick(screen.show_all_button, Qt.MouseButton.LeftButton)
    assert screen.model.rowCount() == 4


def test_preview_apply_undo_redo(qtbot, screen):
    doc = screen.document
    original = doc.frame("crm").copy()
    select_step(qtbot, screen, "phones")
    assert screen.change_count.text() == "2 cells will change; 1 cannot be read and stay as they are"
    assert preview_rows(screen) == [
        ("phone", "0151 12345678", "+4915112345678"),
        ("phone", "nope", "nope"),
        ("phone", "030 1234567", "+49301234567"),
    ]
    assert doc.frame("crm")["phone"].tolist() == original["phone"].tolist()  # preview changes nothing

    old_report = screen.report
    qtbot.mouseClick(screen.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: doc.frame("crm")["phone"].iloc[0] == "+4915112345678")
    assert doc.frame("crm")["phone"].tolist() == ["+4915112345678", "+4915112345678", "nope", "+49301234567"]
    assert doc.undo_stack.undoText() == "Phone numbers"
    assert doc.state("quality")["applied"]["crm"][0]["step"] == "phones"
    entry = doc.audit_entries()[-1]
    assert entry["step"] == "clean"
    assert (entry["params"]["step"], entry["params"]["cells_changed"], entry["params"]["failed"]) == (
        "phones", 2, 1)
    assert "0151" not in repr(entry) and "nope" not in repr(entry)
    qtbot.waitUntil(lambda: screen.report not in (None, old_report))  # checked again after the fix
    assert screen.status() == ("done", "1 fix applied, 85% of cells valid")  # "nope" is still bad

    doc.undo_stack.undo()  # one undo takes back the frame and the step record together
    pd.testing.assert_frame_equal(doc.frame("crm"), original)
    assert doc.state("quality") is None
    doc.undo_stack.redo()
    assert doc.frame("crm")["phone"].tolist()[3] == "+49301234567"


def test_setting_changes_the_preview(qtbot, screen):
    select_step(qtbot, screen, "names")
    assert screen.change_count.text() == "2 cells will change"
    assert preview_rows(screen) == [("last_name", "MCDONALD", "McDonald"),
                                    ("last_name", "van der berg", "van der Berg")]


def test_spellings_dialog_merges_through_a_previewed_step(qtbot, screen):
    dialog = ClusterDialog(screen.document.frame("crm"), screen.category_columns(), screen.jobs, screen)
    qtbot.addWidget(dialog)
    assert screen.category_columns() == ["company"]
    qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.find_button.isEnabled())
    assert dialog.summary.text() == "1 group of spellings covering 3 rows"
    assert dialog.table.item(0, 1).text() == "NIKE Inc. (1), Nike (1), nike inc (1)"
    dialog.table.cellWidget(0, 2).setCurrentText("Nike")
    config = dialog.merge_config()
    assert config.mapping == {"NIKE Inc.": "Nike", "nike inc": "Nike"}
    screen.preview_merge(config)
    qtbot.waitUntil(lambda: screen.apply_button.isEnabled())
    assert screen.change_count.text() == "2 cells will change"
    qtbot.mouseClick(screen.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.document.frame("crm")["company"].tolist()[1] == "Nike")
    assert screen.document.frame("crm")["company"].tolist() == ["Nike", "Nike", "Nike", "Adidas"]
    assert screen.document.audit_entries()[-1]["params"]["settings"]["spellings_merged"] == 2
