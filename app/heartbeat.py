"""The GUI thread's heartbeat for :mod:`app.give_way`: a timer that records when it ran."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app import give_way
from app.app_children import one_per_application
from app.give_way import TICK_MS, beat


class Heartbeat(QObject):
    """One per application, on the GUI thread; it ticks only while background threads ask
    (:func:`app.give_way.give_way` wakes it), so an idle window does not wake 200 times a
    second."""

    woken = Signal()  # from a background thread: queued to the GUI thread

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.woken.connect(self._start)
        give_way._wake[:] = [self.woken.emit]
        give_way._beat[:] = [0.0]  # long ago: the first background thread to ask wakes it

    def _start(self) -> None:
        """Asked for (the queued call may come late, from a busy GUI thread): tick again."""
        if not self.timer.isActive():
            give_way.asked()
            beat()
            self.timer.start(TICK_MS)

    def _tick(self) -> None:
        if not beat():
            self.timer.stop()


def ensure_heartbeat() -> Heartbeat | None:
    """Make the heartbeat once per application (call on the GUI thread)."""
    return one_per_application(Heartbeat)
