"""A/B test results: per version rates with intervals, the verdict in words, and the plot."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions.export import results_figure
from ui.widgets.chart_style import style_figure

COLUMNS = (("variant", "Version"), ("people", "People"), ("rate", "Rate"),
           ("uplift", "Difference to control"), ("p_value", "Chance it is luck (p)"))


def _cell(key: str, value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return ""
    if key in ("rate", "uplift"):
        return f"{value * 100:+.1f} per 100" if key == "uplift" else f"{value * 100:.1f} %"
    if key == "p_value":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


class ResultsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdicts = QLabel()
        self.verdicts.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([label for _, label in COLUMNS])
        self.table.setAccessibleName("A/B results")
        # Every title readable in full: columns as wide as their title or their figures.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.canvas: FigureCanvasQTAgg | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.verdicts)
        self._layout.addWidget(self.table)

    def show_results(self, table: pd.DataFrame, metric: str) -> None:
        self.table.setRowCount(len(table))
        for r, row in enumerate(table.to_dict("records")):
            for c, (key, _label) in enumerate(COLUMNS):
                self.table.setItem(r, c, QTableWidgetItem(_cell(key, row.get(key, math.nan))))
        verdicts = [v for v in table.get("verdict", pd.Series(dtype=str)) if isinstance(v, str)]
        self.verdicts.setText("\n".join(verdicts))
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.deleteLater()
        figure = results_figure(table, metric)
        style_figure(figure)
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setMinimumHeight(220)
        self._layout.addWidget(self.canvas)
