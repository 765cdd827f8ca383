"""The Quality screen's before-and-after box says what to do until a fix is picked
(issue 18: an empty table with no hint), and says it again when none is."""

from PySide6.QtCore import Qt

from tests.ui.test_quality_screen import preview_rows, screen  # noqa: F401 (the fixture)

CHILD = 30000  # ms: the preview and the check run in an engine process, the first one starts it


def test_one_line_until_a_fix_is_picked(screen, qtbot):  # noqa: F811 (the fixture)
    assert screen.steps.count() > 0 and screen.steps.currentItem() is None
    assert screen.preview_stack.currentWidget() is screen.preview_hint
    assert screen.preview_hint.isVisible()
    assert screen.preview_hint.text() == "Pick a fix above to see what it would change."
    names = next(i for i in range(screen.steps.count())
                 if screen.steps.item(i).data(Qt.ItemDataRole.UserRole)["step"] == "names")
    screen.steps.setCurrentRow(names)
    qtbot.waitUntil(lambda: screen.apply_button.isEnabled(), timeout=CHILD)
    assert screen.preview_stack.currentWidget() is screen.preview_table
    assert ("last_name", "MCDONALD", "McDonald") in preview_rows(screen)
    screen.steps.setCurrentRow(-1)
    assert screen.preview_stack.currentWidget() is screen.preview_hint

