"""After a crash: offer to restore the unsaved work that autosave kept.

Shown at start when :func:`app.autosave.find_recoveries` finds work from a session
that did not quit cleanly. Restoring loads it as unsaved changes (the window title
shows the mark; Save writes it to the original project); Discard deletes it; "Decide
later" keeps it for the next start.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.autosave import Recovery, find_recoveries
from app.document import Document

RESTORE, DISCARD, LATER = "restore", "discard", "later"


def describe(recovery: Recovery) -> str:
    try:
        when = datetime.fromisoformat(recovery.saved_at).astimezone().strftime("%d %b %Y, %H:%M")
    except ValueError:
        when = "an unknown time"
    return f"{recovery.project_name} — unsaved work from {when}"


class RecoveryDialog(QDialog):
    """Lists the recoverable work (newest first); the first one is selected."""

    def __init__(self, recoveries: list[Recovery], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore unsaved work?")
        self.recoveries = recoveries
        self.choice = LATER
        layout = QVBoxLayout(self)
        text = QLabel(
            "LocalReach was closed unexpectedly. Your work since the last save was kept "
            "and can be restored now."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.list = QListWidget()
        self.list.setAccessibleName("Unsaved work")
        self.list.addItems([describe(r) for r in recoveries])
        self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("Restore")
        self.restore_button.setDefault(True)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Delete this unsaved work for good")
        self.later_button = QPushButton("Decide later")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(lambda: self._choose(RESTORE))
        self.discard_button.clicked.connect(lambda: self._choose(DISCARD))
        self.later_button.clicked.connect(lambda: self._choose(LATER))
        layout.addWidget(buttons)

    def selected(self) -> Recovery | None:
        row = self.list.currentRow()
        return self.recoveries[row] if 0 <= row < len(self.recoveries) else None

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == LATER:
            self.reject()
        else:
            self.accept()


def apply_choice(dialog: RecoveryDialog, document: Document) -> bool:
    """Carry out the user's choice; True when work was restored into ``document``."""
    chosen = dialog.selected()
    if chosen is None or dialog.choice == LATER:
        return False
    if dialog.choice == DISCARD:
        chosen.discard()
        return False
    chosen.restore(document)
    return True


def offer_recovery(document: Document, parent: QWidget | None = None) -> bool:
    """At start: ask about leftover autosaves (if any); True when work was restored."""
    recoveries = find_recoveries()
    if not recoveries:
        return False
    dialog = RecoveryDialog(recoveries, parent)
    dialog.exec()
    return apply_choice(dialog, document)
