"""The column dashboard: one stacked bar per column for valid / empty / invalid cells.

Painted by hand (no chart library needed for three rectangles); every bar also carries
its numbers in words, so colour is never the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

COLOURS = {"valid": QColor("#3b8e5a"), "missing": QColor("#c9c9c9"), "invalid": QColor("#d9822b")}
TEXT_HEIGHT = 18
BAR_HEIGHT = 10
ROW_HEIGHT = TEXT_HEIGHT + BAR_HEIGHT + 10


@dataclass(frozen=True)
class BarRow:
    column: str
    label: str  # column name and what it holds
    valid: int
    missing: int
    invalid: int

    @property
    def total(self) -> int:
        return self.valid + self.missing + self.invalid

    def words(self) -> str:
        """ "92% valid · 5% empty · 3% invalid", leaving out parts that are zero."""
        t = self.total or 1
        parts = [f"{self.valid / t:.0%} valid"]
        parts += [f"{n / t:.0%} {word}" for n, word in ((self.missing, "empty"), (self.invalid, "invalid")) if n]
        return " · ".join(parts)


class QualityBars(QWidget):
    """Rows of bars; clicking a row asks to show that column's problem rows."""

    columnClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BarRow] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Column quality bars")
        self.setToolTip("Green: filled and valid · grey: empty · orange: not valid for what the column holds")

    def set_rows(self, rows: list[BarRow]) -> None:
        self.rows = list(rows)
        self.setAccessibleDescription("; ".join(f"{r.column}: {r.words()}" for r in self.rows))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(320, max(1, len(self.rows)) * ROW_HEIGHT + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, self.sizeHint().height())

    def row_at(self, y: float) -> BarRow | None:
        i = int(y // ROW_HEIGHT)
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        row = self.row_at(event.position().y())
        if row is not None:
            self.columnClicked.emit(row.column)
        super().mousePressEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            row = self.row_at(event.pos().y())
            QToolTip.showText(event.globalPos(), f"{row.label}: {row.words()}" if row else self.toolTip(), self)
            return True
        return super().event(event)

    def paintEvent(self, _event) -> None:  # noqa: N802
        """Per column: its name and numbers on one line, the bar under it."""
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        width = self.width() - 8
        for i, row in enumerate(self.rows):
            top = i * ROW_HEIGHT + 2
            painter.setPen(self.palette().text().color())
            words = row.words()
            room = max(20, width - metrics.horizontalAdvance(words) - 12)
            label = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, room)
            painter.drawText(QRectF(2, top, room, TEXT_HEIGHT), Qt.AlignmentFlag.AlignVCenter, label)
            painter.drawText(QRectF(2, top, width, TEXT_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, words)
            x = 2.0
            for part in ("valid", "missing", "invalid"):
                share = width * getattr(row, part) / (row.total or 1)
                painter.fillRect(QRectF(x, top + TEXT_HEIGHT + 1, share, BAR_HEIGHT), COLOURS[part])
                x += share
        painter.end()
