"""A short guided tour: one card per step, moving the sidebar along as it goes."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.screens import STEPS


class Tour(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("A quick tour of LocalReach")
        self.setMinimumWidth(460)
        self.index = 0
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("screenTitle")
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        buttons = QHBoxLayout()
        self.back = QPushButton("Back")
        self.next = QPushButton("Next")
        self.next.setDefault(True)
        skip = QPushButton("Close tour")
        self.back.clicked.connect(lambda: self.show_card(self.index - 1))
        self.next.clicked.connect(self._next)
        skip.clicked.connect(self.accept)
        buttons.addWidget(skip)
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout.addLayout(buttons)
        self.show_card(0)

    def show_card(self, index: int) -> None:
        self.index = max(0, min(index, len(STEPS) - 1))
        step, title = STEPS[self.index]
        screen = self.window_.screens[step]
        self.heading.setText(f"{self.index + 1} of {len(STEPS)} · {title}")
        self.text.setText(screen.INTRO or f"The {title} step.")
        self.window_.go_to(step)
        self.back.setEnabled(self.index > 0)
        self.next.setText("Finish" if self.index == len(STEPS) - 1 else "Next")

    def _next(self) -> None:
        if self.index == len(STEPS) - 1:
            self.window_.go_to("import")
            self.accept()
        else:
            self.show_card(self.index + 1)
