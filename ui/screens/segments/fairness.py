"""The "Fair groups" tab: mark sensitive columns, see each group's share per segment beside
all customers, with the largest gap named (and flagged when chance would rarely give it).

It only shows and emits; the screen stores the marks and runs the check (app.actions.segments).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

FLAG = "⚠ "
MAX_ROWS = 8  # columns listed before the list scrolls


class FairnessPage(QWidget):
    markedChanged = Signal(list)  # the column names now marked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel("Tick the columns to check the groups by (gender, age, area...): each "
                       "group's share of every segment is set beside its share of all "
                       "customers, so a campaign aimed at one segment is not, unseen, aimed at "
                       "one gender, age or area.")
        intro.setWordWrap(True)
        self.columns = QListWidget()
        self.columns.setAccessibleName("Columns to check the groups by")
        self.columns.itemChanged.connect(self._ticked)
        self.check = QPushButton("Check the groups")
        self.verdicts = QLabel()
        self.verdicts.setWordWrap(True)
        self.verdicts.setAccessibleName("Largest gaps")
        self.verdicts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # One paragraph per checked column: it shares the height with the table (a third),
        # scrolled only when that is not enough.
        self.verdicts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        verdicts = QScrollArea()
        verdicts.setWidget(self.verdicts)
        verdicts.setWidgetResizable(True)
        verdicts.setFrameShape(QFrame.Shape.NoFrame)
        self.verdicts_area = verdicts
        self.shown = QComboBox()
        self.shown.setAccessibleName("Shares by column")
        self.shown.currentIndexChanged.connect(lambda i: self._fill(
            self._reports[i]["shares"] if 0 <= i < len(self._reports) else None))
        self._reports: list[dict] = []
        shown_row = QHBoxLayout()
        shown_row.addWidget(QLabel("Shares of each segment by"))
        shown_row.addWidget(self.shown)
        shown_row.addStretch(1)
        self.table = QTableWidget()
        self.table.setAccessibleName("Shares per segment")
        layout = QVBoxLayout(self)
        for w in (intro, self.columns, self.check):
            layout.addWidget(w)
        layout.addWidget(verdicts, 1)
        layout.addLayout(shown_row)
        layout.addWidget(self.table, 2)

    def show_checks(self, candidates: list[tuple[str, bool]], marked: list[str], reports: list[dict],
             have_groups: bool) -> None:
        """``candidates``: (column, suggested by its role); ``reports``: the stored checks."""
        self.columns.blockSignals(True)
        self.columns.clear()
        for column, suggested in candidates:
            item = QListWidgetItem(column + ("  (suggested)" if suggested else ""))
            item.setData(Qt.ItemDataRole.UserRole, column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if column in marked else Qt.CheckState.Unchecked)
            self.columns.addItem(item)
        self.columns.blockSignals(False)
        rows = min(max(len(candidates), 1), MAX_ROWS)  # as tall as its columns, up to MAX_ROWS
        row = max(self.columns.sizeHintForRow(0), self.columns.fontMetrics().height())
        self.columns.setMaximumHeight(rows * row + 2 * self.columns.frameWidth() + 4)
        self.check.setEnabled(have_groups and bool(marked))
        self.verdicts.setText("\n".join((FLAG if r["flagged"] else "") + f"{r['column']} "
                                        f"({r['reading']}): {r['largest']}" for r in reports)
                              or ("Tick a column, then press “Check the groups”." if have_groups
                                  else "Find customer groups first."))
        self._reports = list(reports)
        self.shown.blockSignals(True)
        self.shown.clear()
        self.shown.addItems([r["column"] for r in reports])
        self.shown.blockSignals(False)
        self.shown.setEnabled(bool(reports))
        self._fill(reports[0]["shares"] if reports else None)

    def marked(self) -> list[str]:
        return [self.columns.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.columns.count())
                if self.columns.item(i).checkState() == Qt.CheckState.Checked]

    def _ticked(self, _item) -> None:
        self.markedChanged.emit(self.marked())

    def _fill(self, shares) -> None:
        """Segments down, groups across, in %; the people column last."""
        if shares is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            return
        headers = [str(c) for c in shares.columns]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(["Segment" if h == "segment" else
                                              "People" if h == "people" else h for h in headers])
        self.table.setRowCount(len(shares))
        for r, row in enumerate(shares.itertuples(index=False)):
            for c, (name, value) in enumerate(zip(headers, row, strict=True)):
                text = (str(value) if name == "segment" else f"{int(value):,}" if name == "people"
                        else f"{float(value):.0%}")
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
