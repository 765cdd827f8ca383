"""The column dashboard: one stacked bar per column for valid / empty / invalid cells.

Painted by hand (no chart library needed for three rectangles); every bar also carries
its numbers in words, so colour is never the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

COLOURS = {"valid": QColor("#3b8e5a"), "missing": QColor("#c9c9c9"), "invalid": QColor("#d9822b")}
ROW_HEIGHT = 26
LABEL_WIDTH = 150


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
        t = self.total or 1
        return (
            f"{self.valid / t:.0%} valid · {self.missing / t:.0%} empty · {self.invalid / t:.0%} invalid"
        )


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
        return QSize(520, max(1, len(self.rows)) * ROW_HEIGHT + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def row_at(self, y: float) -> BarRow | None:
        i = int(y // ROW_HEIGHT)
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        row = self.row_at(event.position().y())
        if row is not None:
            self.columnClicked.emit(row.column)
        super().mousePressEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_width = 210
        bar_width = max(60, self.width() - LABEL_WIDTH - text_width - 16)
        for i, row in enumerate(self.rows):
            top = i * ROW_HEIGHT + 4
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, top, LABEL_WIDTH - 8, ROW_HEIGHT - 6),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, row.label)
            x = float(LABEL_WIDTH)
            for part in ("valid", "missing", "invalid"):
                width = bar_width * getattr(row, part) / (row.total or 1)
                painter.fillRect(QRectF(x, top + 4, width, ROW_HEIGHT - 14), COLOURS[part])
                x += width
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(LABEL_WIDTH + bar_width + 8, top, text_width, ROW_HEIGHT - 6),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, row.words())
        painter.end()
