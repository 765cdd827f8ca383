"""Python's cyclic garbage collector, run only on the GUI thread.

Automatic collection runs in whichever thread happens to allocate. When that is a job
worker, it can free Qt objects (widgets, models) that belong to the GUI thread, and
Qt crashes. So the GUI disables automatic collection and collects from a timer on the
GUI thread, generation by generation, exactly when the thresholds say it is due
(the approach of pyqtgraph's GarbageCollector).

A collection holds the GUI thread for as long as it takes, about 0.9 us per object it
looks at: with the commands' thresholds (50,000 new objects) checked every 500 ms, a
young collection met 92,000 objects and took 79 ms, the longest stall of a segments
run (``bench/ui_stall_bench.py``). The window collects smaller generations, more often.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from app.app_children import one_per_application

INTERVAL_MS = 100
THRESHOLDS = (10_000, 5, 20)  # young objects; young, then middle collections per next one


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_if_due)
        self.timer.start(INTERVAL_MS)

    def collect_if_due(self) -> None:
        counts, thresholds = gc.get_count(), THRESHOLDS
        if counts[0] <= thresholds[0]:
            return
        generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
        gc.collect(generation)


def keep_what_is_built() -> None:
    """Call once the window is built. What exists then (modules, screens, their functions
    and widgets) lives as long as the window, so the collector stops looking at it
    (``gc.freeze``): the first middle collection after start-up looked at 104,000 such
    objects, 50 ms of the GUI thread. Reference counting still frees them; only a
    reference cycle among them would stay, until :func:`release_what_was_kept`."""
    gc.freeze()


def release_what_was_kept() -> None:
    """The window is closed: what it kept is the collector's again (a test, or a second
    window, goes on in the same process)."""
    gc.unfreeze()


def ensure_main_thread_gc() -> MainThreadCollector | None:
    """Install the collector once per application (call on the GUI thread)."""
    return one_per_application(MainThreadCollector)
