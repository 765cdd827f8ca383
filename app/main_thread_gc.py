"""Python's cyclic garbage collector, run only on the GUI thread.

Automatic collection runs in whichever thread happens to allocate. When that is a job
worker, it can free Qt objects (widgets, models) that belong to the GUI thread, and
Qt crashes. So the GUI disables automatic collection and collects from a timer on the
GUI thread, generation by generation, exactly when the thresholds say it is due
(the approach of pyqtgraph's GarbageCollector).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from app.app_children import one_per_application

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_if_due)
        self.timer.start(INTERVAL_MS)

    def collect_if_due(self) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
        gc.collect(generation)


def ensure_main_thread_gc() -> MainThreadCollector | None:
    """Install the collector once per application (call on the GUI thread)."""
    return one_per_application(MainThreadCollector)
