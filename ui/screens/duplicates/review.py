"""The review panel of the Duplicates screen: one uncertain pair side by side.

Every column of both records in a table (headed by each record's list when the records
come from several lists), fields that differ marked in words and the changed characters
underlined and bold (colour is never the only signal), the field's agreement in plain
words, and the answers with keyboard shortcuts: Y "Same person", N "Different people",
Right arrow "Skip" (Left goes back), S "Split this group" for when none of the records
in the pair's group are one person, and E "Explain this match", which shows the
evidence for and against in plain words under the table. The panel only shows and
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

from app.actions.duplicates import PairView

CHANGED = "background-color:#ffe08a; color:#000; font-weight:bold; text-decoration:underline;"


def marked(runs: list[tuple[str, bool]]) -> str:
    """HTML of one value with its changed characters marked."""
    return "".join(f'<span style="{CHANGED}">{escape(t)}</span>' if changed else escape(t)
                   for t, changed in runs)


class ReviewPanel(QWidget):
    """Shows one pair; emits ``answered`` with True / False, ``moved`` with +1 / -1, or
    ``split`` when the whole group is not one person, ``explain`` to ask why."""

    answered = Signal(bool)
    moved = Signal(int)
    split = Signal()
    explain = Signal()

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
        self.explanation = QLabel("")
        self.explanation.setObjectName("matchExplanation")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("← Back")
        self.same_button = QPushButton("Same person (Y)")
        self.different_button = QPushButton("Different people (N)")
        self.skip_button = QPushButton("Skip (→)")
        self.split_button = QPushButton("Split this group (S)")
        self.explain_button = QPushButton("Explain this match (E)")
        self.explain_button.setToolTip("Which details agree and which do not, and how much "
                                       "each one counts.")
        self.split_button.setToolTip("None of the records in this group are the same person: "
                                     "keep every one of them apart.")
        self.same_button.setToolTip("These two records are one person: keep them together.")
        self.different_button.setToolTip("These are two people: never merge them.")
        self.buttons = (self.back_button, self.same_button, self.different_button,
                        self.skip_button, self.split_button, self.explain_button)
        for button in self.buttons:
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.same_button.clicked.connect(lambda: self.answered.emit(True))
        self.different_button.clicked.connect(lambda: self.answered.emit(False))
        self.skip_button.clicked.connect(lambda: self.moved.emit(1))
        self.back_button.clicked.connect(lambda: self.moved.emit(-1))
        self.split_button.clicked.connect(self.split.emit)
        self.explain_button.clicked.connect(self.explain.emit)
        for key, button in ((Qt.Key.Key_Y, self.same_button), (Qt.Key.Key_N, self.different_button),
                            (Qt.Key.Key_Right, self.skip_button), (Qt.Key.Key_Left, self.back_button),
                            (Qt.Key.Key_S, self.split_button), (Qt.Key.Key_E, self.explain_button)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)
        self.show_pair(None)

    def show_pair(self, view: PairView | None, heading: str = "") -> None:
        """Draw a pair (or the empty state, saying ``heading``, when ``view`` is None)."""
        for button in self.buttons:
            button.setEnabled(view is not None)
        self.table.setRowCount(0)
        self.explanation.setText("")
        self.explanation.setVisible(False)
        if view is None:
            self.heading.setText(heading or "No possible duplicates to review.")
            return
        self.heading.setText(view.heading)
        names = ("Record A", "Record B") if view.lists is None else (
            f"Record A ({view.lists[0]})", f"Record B ({view.lists[1]})")
        self.table.setHorizontalHeaderLabels(["Column", *names, "Agreement"])
        self.table.setRowCount(len(view.rows))
        for r, (row, (left, right)) in enumerate(zip(view.rows, view.diffs, strict=True)):
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

    def show_explanation(self, text: str) -> None:
        self.explanation.setText(text)
        self.explanation.setVisible(True)
