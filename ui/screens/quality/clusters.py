"""The value-clustering dialog: find spellings of one value and choose the one to keep.

The dialog only proposes; it returns a :class:`ValueMergeConfig` and the screen applies
it like any other cleaning step (previewed, undoable, logged).
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.actions import quality
from app.jobs import JobRunner, user_message

MERGE, VALUES, KEEP = 0, 1, 2
SLOT = "quality-spellings"


class ClusterDialog(QDialog):
    """Pick a column and a way of comparing; tick the groups to merge and the spelling to keep."""

    def __init__(self, frame: pd.DataFrame, columns: list[str], jobs: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Spellings of the same value")
        self.frame, self.jobs = frame, jobs
        self.clusters: list[quality.ValueCluster] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            "Find values written in different ways (\u201cNike\u201d, \u201cnike inc\u201d, "
            "\u201cNIKE Inc.\u201d) and keep one spelling."
        ))
        row = QHBoxLayout()
        self.column = QComboBox()
        self.column.addItems(columns)
        self.column.setAccessibleName("Column")
        self.method = QComboBox()
        for method in quality.METHODS:
            self.method.addItem(quality.METHOD_LABELS[method], method)
        self.method.setToolTip("Key collision (fingerprint, n-gram, phonetic) or nearest neighbour "
                               "(Levenshtein distance within a radius)")
        self.radius = QSpinBox()
        self.radius.setRange(1, 5)
        self.radius.setValue(2)
        self.radius.setToolTip("How many typing differences still count as the same (Levenshtein radius)")
        self.find_button = QPushButton("Find")
        self.find_button.clicked.connect(self.find)
        for label, widget in (("Column", self.column), ("Compare", self.method), ("Differences", self.radius)):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        row.addWidget(self.find_button)
        layout.addLayout(row)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Merge", "Spellings found (rows)", "Keep as"])
        self.table.horizontalHeader().setSectionResizeMode(VALUES, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Groups of spellings")
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = buttons.addButton("Preview merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def find(self) -> None:
        """Compares distinct values in the background; a new search replaces a running one."""
        self.summary.setText("Looking for different spellings…")
        self.find_button.setEnabled(False)
        quality.find_spellings(self.frame, self.column.currentText(), self.method.currentData(),
                               self.radius.value()).start(self.jobs, SLOT, self.show_clusters, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.find_button.setEnabled(True)
        self.summary.setText(user_message(exc))

    def show_clusters(self, clusters: list[quality.ValueCluster]) -> None:
        self.find_button.setEnabled(True)
        self.clusters = clusters
        self.table.setRowCount(len(clusters))
        for i, cluster in enumerate(clusters):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(i, MERGE, tick)
            values = QTableWidgetItem(", ".join(f"{v} ({n})" for v, n in cluster.values))
            values.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(i, VALUES, values)
            keep = QComboBox()
            keep.setEditable(True)
            keep.addItems([v for v, _ in cluster.values])
            self.table.setCellWidget(i, KEEP, keep)
        self.summary.setText(quality.spellings_text(clusters))
        self.merge_button.setEnabled(bool(clusters))

    def merge_config(self) -> quality.ValueMergeConfig:
        """The ticked groups, each mapped to the spelling shown in its "Keep as" box."""
        chosen = [(cluster, self.table.cellWidget(i, KEEP).currentText()) for i, cluster in enumerate(self.clusters)
                  if self.table.item(i, MERGE).checkState() == Qt.CheckState.Checked]
        return quality.merge_config(self.column.currentText(), chosen)
