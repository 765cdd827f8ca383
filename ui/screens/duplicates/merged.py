"""The Duplicates screen's "Merged automatically" panel: one group the machine merged on
its own at a time, so a wrong merge can be undone by saying so.

The group's records in a table (with each record's list when there are several lists),
the largest or the least certain group first, and the answers: "These are not the same
person" for the whole group, "Take this record out" for the selected record, and
"Explain this match", the evidence between the selected record and the group's record
it is likeliest the same person as. The panel only shows and asks; the screen turns an
answer into an undoable document change.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions.duplicates import GROUP_ORDERS, GroupView


class MergedPanel(QWidget):
    """Shows one merged group; emits ``moved`` (+1 / -1), ``reordered``, ``not_same``,
    and ``take_out`` / ``explain`` with the selected record's row in the group."""

    moved = Signal(int)
    reordered = Signal()
    not_same = Signal()
    take_out = Signal(int)
    explain = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        order_row = QHBoxLayout()
        order_row.addWidget(QLabel("Show:"))
        self.order = QComboBox()
        self.order.setAccessibleName("Which merged groups first")
        for order, words in GROUP_ORDERS.items():
            self.order.addItem(words, order)
        self.order.activated.connect(lambda _: self.reordered.emit())
        order_row.addWidget(self.order)
        order_row.addStretch(1)
        layout.addLayout(order_row)
        self.heading = QLabel("")
        self.heading.setObjectName("mergedHeading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, 0)
        self.table.setAccessibleName("Records merged into one person")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.explanation = QLabel("")
        self.explanation.setObjectName("mergedExplanation")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("← Previous group")
        self.next_button = QPushButton("Next group →")
        self.not_same_button = QPushButton("These are not the same person")
        self.not_same_button.setToolTip("None of these records are one person: keep every one "
                                        "of them apart.")
        self.take_out_button = QPushButton("Take this record out")
        self.take_out_button.setToolTip("The selected record is another person than the rest "
                                        "of the group.")
        self.explain_button = QPushButton("Explain this match")
        self.explain_button.setToolTip("Why the selected record was merged: which details "
                                       "agree and which do not, and how much each one counts.")
        self.buttons = (self.back_button, self.next_button, self.not_same_button,
                        self.take_out_button, self.explain_button)
        for button in self.buttons:
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(lambda: self.moved.emit(-1))
        self.next_button.clicked.connect(lambda: self.moved.emit(1))
        self.not_same_button.clicked.connect(self.not_same.emit)
        self.take_out_button.clicked.connect(lambda: self.take_out.emit(self.selected()))
        self.explain_button.clicked.connect(lambda: self.explain.emit(self.selected()))
        self.show_group(None)

    def selected(self) -> int:
        """The selected record's row in the group (the first when none is selected)."""
        return max(self.table.currentRow(), 0)

    def show_group(self, view: GroupView | None, heading: str = "") -> None:
        """Draw a group (or the empty state, saying ``heading``, when ``view`` is None)."""
        for button in self.buttons:
            button.setEnabled(view is not None)
        self.explanation.setText("")
        self.explanation.setVisible(False)
        self.table.clear()
        if view is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.heading.setText(heading or "No records were merged automatically.")
            return
        self.heading.setText(view.heading)
        self.table.setColumnCount(len(view.columns))
        self.table.setHorizontalHeaderLabels(view.columns)
        self.table.setRowCount(len(view.rows))
        for r, row in enumerate(view.rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.selectRow(0)

    def show_explanation(self, text: str) -> None:
        self.explanation.setText(text)
        self.explanation.setVisible(True)
