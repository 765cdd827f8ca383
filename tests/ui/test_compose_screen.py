"""Compose screen: edit -> undoable state, live preview, rules, check list click-through."""

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.jobs import JobRunner
from core.compose.campaign import Campaign
from ui.screens.compose.screen import Screen

ROLES = {"email": "email", "first_name": "first_name", "consent": "consent"}
GREETING = {"name": "greeting", "rules": [{"field": "first_name", "op": "is not empty", "value": "",
                                           "text": "Dear {{ first_name }}"}],
            "otherwise": "Dear customer"}


@pytest.fixture
def screen(qtbot):
    doc = Document()
    jobs = JobRunner()
    frame = pd.DataFrame({
        "email": ["ann@example.org", "bob@example.org", "cy@example.org"],
        "first_name": ["Ann", "", "Cy"],
        "segment": ["s1", "s2", "s1"],
        "consent": ["yes", "yes", "no"],
    })
    doc.set_frame("crm", frame, "Import", roles=ROLES)
    doc.set_state("personas", [{"segment": "s1", "name": "Bargain hunters"},
                               {"segment": "s2", "name": "Loyal fans"}], "Personas")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    jobs.shutdown()


def test_waiting_for_a_customer_list(qtbot):
    doc, jobs = Document(), JobRunner()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    assert widget.waiting_for() == ("Import a customer list first: the message is written for "
                                    "the people in it.")
    jobs.shutdown()


def test_typing_updates_preview_and_is_one_undo_step(screen, qtbot):
    screen.editor.subject.setText("Hi {{ first_name | default('there') }}")
    screen.editor.body.setPlainText("Dear {{ first_name | default('friend') }}, "
                                    "you are one of our {{ persona }}.")
    assert "Subject: Hi Ann" in screen.preview.shown_text()
    assert "Dear Ann, you are one of our Bargain hunters." in screen.preview.shown_text()
    screen.preview.next.click()
    assert "Dear friend, you are one of our Loyal fans." in screen.preview.shown_text()
    screen.preview.persona.setCurrentText("Bargain hunters")
    assert "Dear friend, you are one of our Bargain hunters." in screen.preview.shown_text()
    qtbot.waitUntil(lambda: screen.document.state("compose") is not None, timeout=3000)
    stored = Campaign.from_state(screen.document.state("compose")).templates["A"]
    assert stored.text == ("Dear {{ first_name | default('friend') }}, "
                           "you are one of our {{ persona }}.")
    screen.document.undo_stack.undo()
    assert screen.document.state("compose") is None
    assert screen.editor.subject.text() == "Thank you for shopping with us"


def test_unknown_field_shows_in_preview_and_check(screen, qtbot):
    screen.editor.body.setPlainText("Dear {{ frist_name }}")
    assert ("This message cannot be shown yet: text body: unknown merge field frist_name; "
            "did you mean first_name?") in screen.preview.shown_text()
    with qtbot.waitSignal(screen.jobs.finished, timeout=5000):
        screen.check_button.click()
    assert [screen.check_list.item(i).text() for i in range(screen.check_list.count())] == [
        "✖ Text body: unknown merge field frist_name; did you mean first_name?"]
    assert screen.status() == ("needs attention", "1 problem to fix")


def test_rules_and_check_click_through(screen, qtbot):
    screen.editor.body.setPlainText("Dear {{ first_name }}. {{ offer }}")
    screen.rules.add_row("offer", "persona", "is", "Bargain hunters", "Use code SAVE20.")
    screen.rules.add_row("offer", "", "otherwise", "", "See what is new.")
    screen.rules.edited.emit()
    assert "Dear Ann. Use code SAVE20." in screen.preview.shown_text()
    with qtbot.waitSignal(screen.jobs.finished, timeout=5000):
        screen.check_button.click()
    lines = [screen.check_list.item(i).text() for i in range(screen.check_list.count())]
    assert lines == [
        "✖ 1 person will get no message: the field first_name is empty and has no default. "
        "Add a default or fill the field.",
        "• 1 message will be written.",
        "• People per persona: Bargain hunters: 1.",
        "• 1 person left out: said no to being contacted.",
        "• Export will write 2 files (.eml) and leave out 2 people.",
    ]
    screen.check_list.itemClicked.emit(screen.check_list.item(0))
    assert screen.preview.rows == [1]
    assert "No message for this person: the field first_name is empty" in \
        screen.preview.shown_text()
    blocks = Campaign.from_state(screen.document.state("compose")).config.blocks
    assert blocks == (GREETING, {"name": "offer", "rules": [{"field": "persona", "op": "is",
                                                  "value": "Bargain hunters",
                                                  "text": "Use code SAVE20."}],
                       "otherwise": "See what is new."},)


def test_add_version_starts_ab_test(screen):
    screen.add_version()
    campaign = Campaign.from_state(screen.document.state("compose"))
    assert list(campaign.templates) == ["A", "B"]
    assert campaign.config.ab == {"variants": ["A", "B"], "holdout": 0.1, "seed": 1,
                                  "stratify_by": "segment"}
    assert screen.version.currentText() == "B" and screen.tabs.isTabEnabled(2)
    assert screen.editor.body.toPlainText().startswith("{{ greeting }},")


def test_the_starter_message_has_plain_merge_fields_and_greets_by_name(screen):
    shown = screen.editor.subject.text() + screen.editor.body.toPlainText()
    assert "default(" not in shown and "|" not in shown
    assert screen.preview.shown_text().startswith(
        "Subject: Thank you for shopping with us\n\nDear Ann,\n\nThank you for shopping")
    screen.preview.next.click()  # Bob has no first name
    assert "Dear customer,\n" in screen.preview.shown_text()


def test_a_rule_block_is_inserted_from_the_menu(screen):
    labels = [a.text() for a in screen.editor.block_menu.actions()]
    assert labels == ["Greeting with their name", "Offer for each persona"]
    screen.document.set_state("personas", [{"segment": "s1", "name": "Bargain hunters",
                                            "offer": "20% off"},
                                           {"segment": "s2", "name": "Loyal fans",
                                            "offer": "Early access"}], "Personas")
    screen.editor.body.setPlainText("{{ greeting }}. ")
    screen.editor.body.moveCursor(screen.editor.body.textCursor().MoveOperation.End)
    screen.editor.block_menu.actions()[1].trigger()
    assert screen.editor.body.toPlainText() == "{{ greeting }}. {{ offer }}"
    assert [b.name for b in screen.rules.blocks()] == ["greeting", "offer"]
    assert "Dear Ann. 20% off" in screen.preview.shown_text()
    screen.preview.next.click()
    assert "Dear customer. Early access" in screen.preview.shown_text()


def test_rule_fields_show_labels_and_keep_their_code_names(screen):
    screen.rules.add_row("offer", "persona", "is", "Bargain hunters", "20% off")
    box = screen.rules.table.cellWidget(screen.rules.table.rowCount() - 1, 1)
    assert box.currentText() == "Persona name"
    assert box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole) == \
        "In a template: {{ persona }}"
    assert screen.rules.blocks()[-1].rules[0].field == "persona"
    box.setCurrentText("first_name")  # a code name typed by hand still works
    assert screen.rules.blocks()[-1].rules[0].field == "first_name"
