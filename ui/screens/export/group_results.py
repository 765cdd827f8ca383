"""A/B results per customer group: a table, a verdict in words per group, and the plot.

Headings and verdicts are in plain words; the statistics behind them (95 % confidence
intervals, the two-proportion z-test, z and p) are in the tooltips.
"""

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

from app.actions.export import CONTROL, plain_verdict, segment_figure

COLUMNS = (
    ("group", "Customer group", "The customer group (segment) the people belong to."),
    ("variant", "Version", "The version of the message; control = people who got nothing."),
    ("people", "People", "People in this group who were given this version."),
    ("rate", "Rate", "Share who did it, per 100 people."),
    ("range", "Likely range",
     "95 % confidence interval of the rate (Wilson score interval)."),
    ("uplift", "Difference to control",
     "Rate minus the control group's rate in the same customer group, per 100 people."),
)


def _pct(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value * 100:.1f} %"


def _stats_tip(row: dict) -> str:
    lines = [f"95 % confidence interval of the rate: {_pct(row['rate_low'])} to "
             f"{_pct(row['rate_high'])} (Wilson)."]
    if not math.isnan(row.get("uplift", math.nan)):
        lines.append(f"Difference to control: {row['uplift'] * 100:+.1f} per 100, 95 % confidence "
                     f"interval {row['uplift_low'] * 100:+.1f} to {row['uplift_high'] * 100:+.1f} "
                     "(Newcombe).")
        p = row["p_value"]
        if not math.isnan(p):
            lines.append(f"Two-proportion z-test against control: z = {row['z']:.2f}, "
                         f"p = {'< 0.001' if p < 0.001 else f'{p:.3f}'}.")
    return "\n".join(lines)


class SegmentResultsView(QWidget):
    """Per customer group: ``show_results(analyse(joined, metric, by=...), metric, by)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Per customer group")
        self.heading.setObjectName("sectionTitle")
        self.verdicts = QLabel()
        self.verdicts.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([label for _, label, _ in COLUMNS])
        for c, (_key, _label, tip) in enumerate(COLUMNS):
            self.table.horizontalHeaderItem(c).setToolTip(tip)
        self.table.setAccessibleName("A/B results per customer group")
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.canvas: FigureCanvasQTAgg | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.verdicts, self.table):
            self._layout.addWidget(widget)

    def show_results(self, table: pd.DataFrame, metric: str, by: str = "segment") -> None:
        records = table.to_dict("records")
        self.table.setRowCount(len(records))
        verdicts = []
        for r, row in enumerate(records):
            group = str(row[by])
            uplift = row.get("uplift", math.nan)
            cells = {"group": group, "variant": str(row["variant"]), "people": f"{row['people']:,}",
                     "rate": _pct(row["rate"]),
                     "range": f"{_pct(row['rate_low'])} – {_pct(row['rate_high'])}",
                     "uplift": "" if math.isnan(uplift) else f"{uplift * 100:+.1f} per 100"}
            tip = _stats_tip(row)
            for c, (key, _label, _tip) in enumerate(COLUMNS):
                item = QTableWidgetItem(cells[key])
                item.setToolTip(tip)
                self.table.setItem(r, c, item)
            if row["variant"] != CONTROL and not math.isnan(uplift):
                verdicts.append(plain_verdict(group, str(row["variant"]), uplift, row["p_value"],
                                              metric))
            elif row["variant"] != CONTROL:
                verdicts.append(plain_verdict(group, str(row["variant"]), math.nan, math.nan, metric))
        self.table.resizeColumnsToContents()
        self.verdicts.setText("\n".join(verdicts))
        self.verdicts.setToolTip("A difference is called very likely real when a two-proportion "
                                 "z-test against the control group gives p < 0.05.")
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self.canvas = FigureCanvasQTAgg(segment_figure(table, metric, by))
        self.canvas.setMinimumHeight(240)
        self.canvas.setToolTip("Bars: the rate per 100 people; whiskers: its 95 % confidence "
                               "interval (Wilson).")
        self._layout.addWidget(self.canvas)
