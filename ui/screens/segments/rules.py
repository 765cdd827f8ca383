"""The RFM rule table editor: name and score ranges per segment, people caught per rule.

Edits are emitted as a whole new rule list (plain dicts) for the screen to store as one
undoable change; overlaps and gaps are checked as the user types and listed in words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

HEADERS = ["Segment", "Recency from", "to", "Often & much from", "to", "People"]
FIELDS = ["name", "r_min", "r_max", "fm_min", "fm_max"]


class RuleEditor(QWidget):
    rulesEdited = Signal(list)

    def __init__(self, classic: list[dict], problems: Callable[[list[dict]], list[str]],
                 unassigned: str, parent: QWidget | None = None) -> None:
        """``problems(rules)`` lists overlaps and gaps in words; ``unassigned`` is the name
        the engine gives people no rule catches."""
        super().__init__(parent)
        self._classic, self._problems, self._unassigned = classic, problems, unassigned
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("RFM segment rules")
        self.table.setToolTip("Scores run 1-5, 5 best. Recency: 5 = bought most recently. "
                              "Often & much: the mean of the frequency and money scores.")
        self.table.itemChanged.connect(self._edited)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Rule problems")
        add = QPushButton("Add a rule")
        add.clicked.connect(self._add)
        remove = QPushButton("Remove selected rule")
        remove.clicked.connect(self._remove)
        reset = QPushButton("Back to the classic rules")
        reset.clicked.connect(lambda: self.rulesEdited.emit([dict(r) for r in self._classic]))
        buttons = QHBoxLayout()
        for b in (add, remove, reset):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self._rules: list[dict] = []

    def show_rules(self, rules: list[dict], counts: dict[str, int] | None) -> None:
        """Show ``rules`` and, when known, how many people each caught on the last run."""
        self._rules = [dict(r) for r in rules]
        self.table.blockSignals(True)
        self.table.setRowCount(len(rules))
        for row, rule in enumerate(rules):
            for col, key in enumerate(FIELDS):
                self.table.setItem(row, col, QTableWidgetItem(str(rule[key])))
            people = QTableWidgetItem("" if counts is None else f"{counts.get(rule['name'], 0):,}")
            people.setFlags(people.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, len(FIELDS), people)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        lines = self._problems(rules)
        unassigned = (counts or {}).get(self._unassigned, 0)
        if unassigned:
            lines.append(f"{unassigned:,} people are not caught by any rule.")
        self.problems.setText("\n".join(lines) if lines else
                              "Every score combination belongs to exactly one segment.")

    def _edited(self, item: QTableWidgetItem) -> None:
        rules = [dict(r) for r in self._rules]
        key = FIELDS[item.column()]
        text = item.text().strip()
        if key == "name":
            if not text:
                self.show_rules(self._rules, None)
                return
            rules[item.row()][key] = text
        else:
            if not text.isdigit() or not 1 <= int(text) <= 5:
                self.show_rules(self._rules, None)  # scores are whole numbers 1-5
                return
            rules[item.row()][key] = int(text)
        self.rulesEdited.emit(rules)

    def _add(self) -> None:
        self.rulesEdited.emit(self._rules + [{"name": "New segment", "r_min": 1, "r_max": 1,
                                              "fm_min": 1, "fm_max": 1}])

    def _remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._rules):
            self.rulesEdited.emit(self._rules[:row] + self._rules[row + 1:])
