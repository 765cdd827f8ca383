"""Help menu content: the user guide and the list of keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core.resources import resource_path


class TextDialog(QDialog):
    """A resizable page of rich text with a Close button."""

    def __init__(self, title: str, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(620, 560)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(title)
        self.browser.setHtml(html)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def guide_html() -> str:
    return resource_path("help", "guide.html").read_text(encoding="utf-8")


def shortcuts_html(actions) -> str:
    """A table of every menu action that has a shortcut, as the user's platform writes it."""
    rows = [
        f"<tr><td>{a.text().replace('&', '')}</td><td><b>{a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}</b></td></tr>"
        for a in actions
        if not a.shortcut().isEmpty()
    ]
    return "<h3>Keyboard shortcuts</h3><table cellspacing=8>" + "".join(rows) + "</table>"
