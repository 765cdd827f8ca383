"""Audit log screen: every change made to the data, as a table, exportable to CSV.

The entries come from the document (one per transformation, see :mod:`core.audit`);
they hold settings, row counts and content fingerprints, never personal values, so
the table can be shown and handed to an auditor as it is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView

from app.actions import audit
from ui.screens.base import DONE, NOT_STARTED, StepScreen
from ui.widgets.frame_model import FrameModel


class Screen(StepScreen):
    STEP = "audit"
    TITLE = "Audit log"
    INTRO = (
        "Every change made to your data is listed here — when, which step, with which "
        "settings and how many rows — so you can show what was done. Only counts and "
        "fingerprints are kept, never names or addresses."
    )

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("summaryFigures")
        self.export_button = QPushButton("Export to CSV…")
        self.export_button.setToolTip("Save the whole log as a CSV file, e.g. for an auditor")
        self.export_button.clicked.connect(self.choose_export_file)
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        self.body.addLayout(top)
        self.model = FrameModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAccessibleName("Audit log entries")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.body.addWidget(self.table, 1)
        document.auditChanged.connect(lambda: self._document_changed("audit"))

    def waiting_for(self) -> str | None:
        if not self.document.audit_entries():
            return "Nothing recorded yet. Each import and each change to your data will be listed here."
        return None

    def status(self) -> tuple[str, str]:
        n = len(self.document.audit_entries())
        return (DONE, f"{n:,} change{'s' if n != 1 else ''} recorded") if n else (NOT_STARTED, "")

    def refresh(self) -> None:
        entries = self.document.audit_entries()
        self.model.set_frame(audit.display_frame(entries, self.document.audit_undone()))
        self.table.resizeColumnsToContents()
        self.summary.setText(audit.summary(entries))
        self.export_button.setEnabled(bool(entries))

    def choose_export_file(self) -> None:
        name = f"{self.document.name} audit log.csv"
        from ui.widgets.file_dialogs import remember, start_in

        path = remember(QFileDialog.getSaveFileName(self, "Export the audit log", start_in(name), "CSV files (*.csv)")[0])
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> int:
        """Write the full log (complete fingerprints) to ``path``; returns the row count."""
        try:
            count = audit.export_log(self.document, path)
        except OSError as exc:
            self.show_error(exc)
            return 0
        self.summary.setText(f"{count:,} changes exported to {path}")
        return count
