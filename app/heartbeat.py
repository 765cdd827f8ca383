"""The GUI thread's heartbeat for :mod:`app.give_way`: a timer that records when it ran."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from app.give_way import TICK_MS, beat


class Heartbeat(QObject):
    """One per application, on the GUI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        beat()
        self.timer = QTimer(self)
        self.timer.timeout.connect(beat)
        self.timer.start(TICK_MS)


def ensure_heartbeat() -> Heartbeat | None:
    """Start the heartbeat once per application (call on the GUI thread)."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    found = app.findChild(Heartbeat)
    return found if found is not None else Heartbeat(app)
