"""Waiting for a chart: pictures are drawn on a worker thread once their tab is shown."""

from PySide6.QtWidgets import QTabWidget

from ui.widgets.picture import Picture


def drawn(qtbot, chart: Picture, title: str = "", timeout: int = 10000) -> Picture:
    """Show ``chart``'s tab (and its parents' tabs) and wait until its current data is drawn
    (its title starts with ``title``)."""
    child, parent = chart, chart.parentWidget()
    while parent is not None:
        if isinstance(parent.parentWidget(), QTabWidget):
            parent.parentWidget().setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()
    qtbot.waitUntil(lambda: chart.figure is not None and chart.title().startswith(title),
                    timeout=timeout)
    return chart
