"""In-place progress with Cancel that appears only when work lasts over ~500 ms."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

SHOW_AFTER_MS = 500


class ProgressPanel(QWidget):
    """A bar, a message and a Cancel button; hidden for quick jobs (Anki's rule)."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.message = QLabel()
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Progress")
        self.bar.setMinimumWidth(240)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this work; nothing is changed")
        self.cancel_button.clicked.connect(self.cancelRequested)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.bar, 2)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self._timer = QTimer(self, singleShot=True, interval=SHOW_AFTER_MS)
        self._timer.timeout.connect(self.show)
        self.hide()

    def begin(self, message: str = "Working…") -> None:
        self.message.setText(message)
        self.bar.setRange(0, 0)
        self._timer.start()

    def update_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if message:
            self.message.setText(message)

    def end(self) -> None:
        self._timer.stop()
        self.hide()
