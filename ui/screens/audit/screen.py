"""Audit log screen: every change made to the data, as a table, exportable to CSV.

The entries come from the document (one per transformation, see :mod:`core.audit`);
they hold settings, row counts and content fingerprints, never personal values, so
the table can be shown and handed to an auditor as it is.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView

from core.audit import AuditEntry, export_csv
from ui.screens.base import DONE, NOT_STARTED, StepScreen
from ui.widgets.frame_model import FrameModel

COLUMNS = {
    "time": "When",
    "what": "What happened",
    "rows_in": "Rows in",
    "rows_out": "Rows out",
    "step": "Step",
    "input_hash": "Data before (fingerprint)",
    "output_hash": "Data after (fingerprint)",
    "key_fingerprint": "Key fingerprint",
    "params": "Settings",  # the exact settings, last: for an auditor, not for reading
}
SHORT_HASH = 12


def _local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return iso or ""


def display_frame(entries: list[dict], undone: list[bool] | None = None) -> pd.DataFrame:
    """The entries in plain words: one sentence each (undone ones marked), local times,
    short fingerprints, compact settings."""
    from app.audit_words import sentence

    rows = []
    undone = undone or [False] * len(entries)
    for e, was_undone in zip(entries, undone, strict=False):
        d = AuditEntry.from_dict(e).to_dict()
        d["what"] = ("Undone: " if was_undone else "") + sentence(d)
        d["time"] = _local_time(d["time"])
        d["params"] = json.dumps(d["params"], sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
        for key in ("input_hash", "output_hash"):
            d[key] = d[key][:SHORT_HASH]
        rows.append([d[c] for c in COLUMNS])
    return pd.DataFrame(rows, columns=list(COLUMNS.values()), dtype=object)


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
        self.model.set_frame(display_frame(entries, self.document.audit_undone()))
        self.table.resizeColumnsToContents()
        last = entries[-1] if entries else None
        text = f"{len(entries):,} changes recorded"
        if last:
            text += f" · last: {last['step']} at {_local_time(last['time'])}"
        self.summary.setText(text)
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
            count = export_csv(self.document.audit_entries(), path)
        except OSError as exc:
            self.show_error(exc)
            return 0
        self.summary.setText(f"{count:,} changes exported to {path}")
        return count
