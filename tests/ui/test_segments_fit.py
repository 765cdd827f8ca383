"""The Segments screen at 1366x768 and 1920x1080, as the screenshots showed it (issue 18):
the "How to group" choices show whole in the closed box, the "Based on" list takes the
height a bigger window gives, and the fairness findings share the height with the table
instead of a three-line strip."""

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

SMALL, LARGE = QSize(1366, 768), QSize(1920, 1080)


@pytest.fixture
def segments(window, demo_frames):
    crm, sales = demo_frames
    window.document.set_frame("crm", crm, "Import customers", roles={"customer_id": "customer_id"})
    window.document.set_frame("sales", sales, "Import sales")
    window.go_to("segments")
    return window.screens["segments"]


def _size(window, qtbot, size: QSize) -> None:
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)


def test_every_way_to_group_shows_whole_at_1366(window, segments, qtbot):
    _size(window, qtbot, SMALL)
    box = segments.method
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    widths = [box.fontMetrics().horizontalAdvance(box.itemText(i)) for i in range(box.count())]
    assert box.count() == 4 and max(widths) <= field.width()
    assert box.toolTip().startswith("Named segments by how recently, how often and how much")


def test_the_based_on_list_grows_with_the_window(window, segments, qtbot):
    _size(window, qtbot, SMALL)
    small = segments.features.height()
    rule = segments.tie_rule  # the wrapped line above keeps its height
    assert rule.height() >= rule.heightForWidth(rule.width()) > 0
    _size(window, qtbot, LARGE)
    large = segments.features.height()
    assert large - small >= 250  # most of the 312 more pixels of height
    assert segments.find.geometry().top() - segments.features.geometry().bottom() < 30


def test_the_fairness_findings_get_room_beside_the_table(window, segments, qtbot):
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None, timeout=60000)
    page = segments.fairness
    segments.tabs.setCurrentWidget(page)
    for i in range(page.columns.count()):
        page.columns.item(i).setCheckState(Qt.CheckState.Checked)
    page.check.click()
    qtbot.waitUntil(lambda: len(window.document.state("segments").get("fairness") or [])
                    == page.columns.count(), timeout=60000)
    checked = page.columns.count()
    lines = page.verdicts.fontMetrics().lineSpacing()
    _size(window, qtbot, SMALL)
    area = page.verdicts_area
    assert area.viewport().height() >= 8 * lines  # was 68 px, under 5 lines, beside a table of 200
    # every column listed is in sight, with no empty rows under them
    assert page.columns.verticalScrollBar().maximum() == 0
    assert page.columns.height() <= (checked + 1) * page.columns.sizeHintForRow(0) + 8
    _size(window, qtbot, LARGE)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() == 0)  # every finding in sight
    assert page.table.verticalScrollBar().maximum() == 0  # and every segment's row
