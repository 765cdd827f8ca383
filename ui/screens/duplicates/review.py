"""The review panel of the Duplicates screen: one uncertain pair side by side.

Every column of both records in a table, fields that differ marked in words and the
changed characters underlined and bold (colour is never the only signal), the field's
agreement in plain words, and three answers with keyboard shortcuts: Y "Same person",
N "Different people", Right arrow "Skip" (Left goes back), and S "Split this group" for
when none of the records in the pair's group are one person. The panel only shows and
asks; the screen turns an answer into an undoable document change.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.dedupe.review import FieldRow, char_diff

CHANGED = "background-color:#ffe08a; color:#000; font-weight:bold; text-decoration:underline;"


def marked(runs: list[tuple[str, bool]]) -> str:
    """HTML of one value with its changed characters marked."""
    return "".join(f'<span style="{CHANGED}">{escape(t)}</span>' if changed else escape(t)
                   for t, changed in runs)


class ReviewPanel(QWidget):
    """Shows one pair; emits ``answered`` with True / False, ``moved`` with +1 / -1, or
    ``split`` when the whole group is not one person."""

    answered = Signal(bool)
    moved = Signal(int)
    split = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("No possible duplicates to review.")
        self.heading.setObjectName("reviewHeading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Column", "Record A", "Record B", "Agreement"])
        self.table.setAccessibleName("Pair to review")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("← Back")
        self.same_button = QPushButton("Same person (Y)")
        self.different_button = QPushButton("Different people (N)")
        self.skip_button = QPushButton("Skip (→)")
        self.split_button = QPushButton("Split this group (S)")
        self.split_button.setToolTip("None of the records in this group are the same person: "
                                     "keep every one of them apart.")
        self.same_button.setToolTip("These two records are one person: keep them together.")
        self.different_button.setToolTip("These are two people: never merge them.")
        for button in (self.back_button, self.same_button, self.different_button,
                       self.skip_button, self.split_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.same_button.clicked.connect(lambda: self.answered.emit(True))
        self.different_button.clicked.connect(lambda: self.answered.emit(False))
        self.skip_button.clicked.connect(lambda: self.moved.emit(1))
        self.back_button.clicked.connect(lambda: self.moved.emit(-1))
        self.split_button.clicked.connect(self.split.emit)
        for key, button in ((Qt.Key.Key_Y, self.same_button), (Qt.Key.Key_N, self.different_button),
                            (Qt.Key.Key_Right, self.skip_button), (Qt.Key.Key_Left, self.back_button),
                            (Qt.Key.Key_S, self.split_button)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)
        self.show_pair(None)

    def show_pair(self, rows: list[FieldRow] | None, heading: str = "") -> None:
        """Draw a pair (or the empty state when ``rows`` is None)."""
        has_pair = rows is not None
        for button in (self.same_button, self.different_button, self.skip_button,
                       self.back_button, self.split_button):
            button.setEnabled(has_pair)
        self.table.setRowCount(0)
        if not has_pair:
            self.heading.setText(heading or "No possible duplicates to review.")
            return
        self.heading.setText(heading)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            left, right = char_diff(row.left, row.right)
            self.table.setItem(r, 0, QTableWidgetItem(row.column + (" (differs)" if row.differs
                                                                     else "")))
            for c, runs, text in ((1, left, row.left), (2, right, row.right)):
                item = QTableWidgetItem()  # the label below draws the value
                item.setData(Qt.ItemDataRole.UserRole, text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
                self.table.setItem(r, c, item)
                label = QLabel(marked(runs) if row.differs else escape(text))
                label.setTextFormat(Qt.TextFormat.RichText)
                self.table.setCellWidget(r, c, label)
            self.table.setItem(r, 3, QTableWidgetItem(row.agreement))
