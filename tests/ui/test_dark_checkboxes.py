"""An unticked box shows its edge in the dark palette (Fusion's own outline was 4 levels
of lightness off the list's background: the column lists looked like plain text)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem, QStyleFactory

from core.resources import resource_path
from ui.application import dark_palette


def _edge_contrast(list_widget: QListWidget) -> int:
    """The largest lightness step from the background inside the first item's check box."""
    picture = list_widget.viewport().grab().toImage()
    rect = list_widget.visualItemRect(list_widget.item(0))
    base = list_widget.palette().color(list_widget.viewport().backgroundRole()).lightness()
    return max(abs(QColor(picture.pixel(x, y)).lightness() - base)
               for x in range(rect.left(), rect.left() + 18) for y in range(rect.top(), rect.bottom()))


def _unticked(qtbot, style_sheet: str) -> QListWidget:
    widget = QListWidget()
    widget.setStyle(QStyleFactory.create("Fusion"))
    widget.setStyleSheet(style_sheet)
    item = QListWidgetItem("postcode")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    widget.addItem(item)
    qtbot.addWidget(widget)
    widget.resize(200, 60)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_an_unticked_box_has_a_visible_edge_in_the_dark(qtbot):
    sheet = resource_path("style.qss").read_text(encoding="utf-8")
    app = QApplication.instance()
    previous = app.palette()
    app.setPalette(dark_palette())  # the sheet's palette(...) colours come from the application's
    try:
        assert 40 <= _edge_contrast(_unticked(qtbot, sheet)) < 100  # an edge, not a white box
        assert _edge_contrast(_unticked(qtbot, "")) < 10  # what Fusion alone draws
    finally:
        app.setPalette(previous)
