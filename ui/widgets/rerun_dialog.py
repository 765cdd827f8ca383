"""File > Run this project on new files: pick next month's exports, see what changed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.jobs import JobRunner, user_message
from app.rerun import read_changes, rerun_project
from ui.widgets.file_dialogs import remember, start_folder
from ui.widgets.frame_model import FrameModel
from ui.widgets.progress_panel import ProgressPanel

SLOT = "rerun"
FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.xlsb *.ods);;All files (*)"


class _PathField(QWidget):
    def __init__(self, name: str, folder: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.folder = folder
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(name)
        browse = QPushButton("Browse…")
        browse.setAccessibleName(f"Browse for {name.lower()}")
        browse.clicked.connect(self._browse)
        row.addWidget(self.edit, 1)
        row.addWidget(browse)

    def _browse(self) -> None:
        if self.folder:
            path = remember(QFileDialog.getExistingDirectory(self, "Choose the output folder", start_folder()), True)
        else:
            path = remember(QFileDialog.getOpenFileName(self, "Choose a file", start_folder(), FILE_FILTER)[0])
        if path:
            self.edit.setText(path)

    def path(self) -> str:
        return self.edit.text().strip()


class RerunDialog(QDialog):
    def __init__(self, document, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.jobs = document, jobs
        self.report: dict | None = None
        self.setWindowTitle("Run this project on new files")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Next month's export? LocalReach repeats every step of this project on the new files "
            "and tells you who is new and who moved to another group. Your files are only read."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.crm = _PathField("New customer list", False, self)
        self.sales = _PathField("New sales file", False, self)
        self.outdir = _PathField("Output folder", True, self)
        form.addRow("New customer list", self.crm)
        form.addRow("New sales file", self.sales)
        form.addRow("Save the results in", self.outdir)
        layout.addLayout(form)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self.run)
        layout.addWidget(self.run_button)
        self.progress = ProgressPanel(self)
        self.progress.cancelRequested.connect(lambda: self.jobs.cancel(SLOT))
        layout.addWidget(self.progress)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What changed")
        layout.addWidget(self.summary)
        self.model = FrameModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Changes per person")
        layout.addWidget(self.table, 1)
        jobs.progress.connect(lambda slot, d, t, m: slot == SLOT and self.progress.update_progress(d, t, m))
        jobs.finished.connect(lambda slot: slot == SLOT and self._finished())

    def run(self) -> None:
        crm, sales, outdir = self.crm.path(), self.sales.path() or None, self.outdir.path()
        if not crm or not outdir:
            self.summary.setText("Choose the new customer list and a folder for the results.")
            return
        tree = self.document.snapshot()
        self.run_button.setEnabled(False)
        self.progress.begin("Running this project's steps…")
        self.jobs.start(SLOT, lambda ctx: rerun_project(tree, crm, sales, outdir, ctx), self._done, self._failed)

    def _finished(self) -> None:
        self.progress.end()
        self.run_button.setEnabled(True)

    def _failed(self, exc: Exception) -> None:
        self.summary.setText(user_message(exc))

    def _done(self, report: dict) -> None:
        self.report = report
        lines = [f"{s['step']}: {s['note']}" for s in report["steps"] if s["status"] == "done"]
        changes = report.get("changes") or {}
        if "new_people" in changes:
            headline = (f"<b>{changes['new_people']:,} new people, {changes['changed_segment']:,} moved to "
                        f"another group, {changes['gone_records']:,} no longer in the list.</b>")
            table = read_changes(self.outdir.path())
            self.model.set_frame(table)
        else:
            headline = f"<b>Done.</b> No comparison: {changes.get('skipped', 'nothing to compare with')}."
        self.summary.setText(headline + "<br>" + "<br>".join(lines) +
                             f"<br>Results saved in {Path(self.outdir.path()).name}.")
