"""The passphrase prompt: asked plainly whenever a key must live in a protected file.

Used when the computer has no safe keyring (the project key goes to a key file), and
for key backups. :func:`ask_passphrase` is the one entry point; tests replace it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.actions.privacy import MIN_PASSPHRASE


class PassphraseDialog(QDialog):
    """One or two password fields, an explanation, OK only when the entry is usable."""

    def __init__(self, title: str, explanation: str, confirm: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.confirm = confirm
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        form.addRow("Passphrase", self.passphrase)
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat passphrase")
        if confirm:
            form.addRow("Repeat it", self.repeat)
        layout.addLayout(form)
        self.hint = QLabel()
        self.hint.setAccessibleName("Passphrase hint")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for field in (self.passphrase, self.repeat):
            field.textChanged.connect(self._check)
        self._check()

    def problem(self) -> str:
        """Why OK is not possible yet, in plain words ("" when it is)."""
        if len(self.passphrase.text()) < MIN_PASSPHRASE:
            return f"Use at least {MIN_PASSPHRASE} characters."
        if self.confirm and self.repeat.text() != self.passphrase.text():
            return "The two entries differ."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.hint.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)


def ask_passphrase(parent: QWidget | None, title: str, explanation: str, confirm: bool) -> str | None:
    """The passphrase the user typed, or None when they cancelled."""
    dialog = PassphraseDialog(title, explanation, confirm, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase.text()
