"""The rule table: "if persona is Bargain hunters -> offer text", filled without code.

Each row is one rule of a named block; a row with the comparison "otherwise" gives the
block's text when no rule matched. The template shows a block with ``{{ block }}``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions.compose import OPS, Rule, RuleBlock
from ui.widgets.field_names import field_label, field_tooltip

OTHERWISE = "otherwise"
COLUMNS = ("Block", "Field", "Comparison", "Value", "Text")


class RuleTable(QWidget):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: list[str] = []
        self.columns: dict[str, str] = {}
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Rules")
        self.table.itemChanged.connect(self._changed)
        add = QPushButton("Add rule")
        add.clicked.connect(lambda: (self.add_row("offer", "persona", "is", "", ""),
                                     self.edited.emit()))
        remove = QPushButton("Remove rule")
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._loading = False

    def _changed(self, *_args) -> None:
        if not self._loading:
            self.edited.emit()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()

    def add_row(self, block: str, field: str, op: str, value: str, text: str) -> None:
        was, self._loading = self._loading, True
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(block))
        field_box = QComboBox()
        field_box.setEditable(True)
        for name in self.fields:  # plain words; the code name in the tooltip
            field_box.addItem(field_label(name, self.columns), name)
            field_box.setItemData(field_box.count() - 1, field_tooltip(name),
                                  Qt.ItemDataRole.ToolTipRole)
        known = field_box.findData(field)
        if known >= 0:
            field_box.setCurrentIndex(known)
        else:
            field_box.setCurrentText(field)
        field_box.currentTextChanged.connect(self._changed)
        self.table.setCellWidget(row, 1, field_box)
        op_box = QComboBox()
        op_box.addItems([*OPS, OTHERWISE])
        op_box.setCurrentText(op)
        op_box.currentTextChanged.connect(self._changed)
        self.table.setCellWidget(row, 2, op_box)
        self.table.setItem(row, 3, QTableWidgetItem(value))
        self.table.setItem(row, 4, QTableWidgetItem(text))
        self._loading = was

    def _cell(self, row: int, col: int) -> str:
        widget = self.table.cellWidget(row, col)
        if isinstance(widget, QComboBox):
            text = widget.currentText().strip()
            picked = widget.currentIndex()
            if picked >= 0 and widget.itemText(picked) == text and widget.itemData(picked):
                return widget.itemData(picked)  # a label chosen from the list: its field
            return text
        item = self.table.item(row, col)
        return item.text() if item else ""

    def blocks(self) -> list[RuleBlock]:
        rules: dict[str, list[Rule]] = {}
        otherwise: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            name = self._cell(row, 0).strip() or "block"
            rules.setdefault(name, [])
            if self._cell(row, 2) == OTHERWISE:
                otherwise[name] = self._cell(row, 4)
            else:
                rules[name].append(Rule(self._cell(row, 1), self._cell(row, 2),
                                        self._cell(row, 3), self._cell(row, 4)))
        return [RuleBlock(n, tuple(r), otherwise.get(n, "")) for n, r in rules.items()]

    def add_block(self, block: RuleBlock) -> bool:
        """Add ``block``'s rows unless a block of that name is there; True when added."""
        if any(b.name == block.name for b in self.blocks()):
            return False
        for rule in block.rules:
            self.add_row(block.name, rule.field, rule.op, rule.value, rule.text)
        if block.otherwise or not block.rules:
            self.add_row(block.name, "", OTHERWISE, "", block.otherwise)
        self.edited.emit()
        return True

    def set_blocks(self, blocks: list[RuleBlock], fields: list[str],
                   columns: dict[str, str] | None = None) -> None:
        """``columns`` maps a field to the user's own header, for the labels."""
        if blocks == self.blocks() and fields == self.fields:
            return
        self._loading = True
        try:
            self.fields, self.columns = list(fields), columns or {}
            self.table.setRowCount(0)
            for block in blocks:
                for rule in block.rules:
                    self.add_row(block.name, rule.field, rule.op, rule.value, rule.text)
                if block.otherwise:
                    self.add_row(block.name, "", OTHERWISE, "", block.otherwise)
        finally:
            self._loading = False
