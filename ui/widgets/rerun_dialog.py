"""File > Run this project on new files: pick next month's exports, see what changed.

One field per customer list of the project and one for its events file; a field left
empty reads the project's stored file again."""

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
from app.rerun import read_changes, rerun_project, stored_files
from ui.widgets.file_dialogs import remember, start_folder
from ui.widgets.frame_model import FrameModel
from ui.widgets.progress_panel import ProgressPanel

SLOT = "rerun"
FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.xlsb *.ods);;All files (*)"


class _PathField(QWidget):
    def __init__(self, name: str, folder: bool, parent: QWidget, stored: str | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(name)
        if stored:
            self.edit.setPlaceholderText(f"Empty: {Path(stored).name} is read again")
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
        lists, events = stored_files(document.snapshot())
        self.lists = {name: self._field(form, f"New list '{name}'" if name else "New customer list", file)
                      for name, file in lists.items()}
        self.events = self._field(form, "New events file", events) if events else None
        self.sales = self._field(form, "New sales file")
        self.outdir = _PathField("Output folder", True, self)
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

    def _field(self, form: QFormLayout, label: str, stored: str | None = None) -> _PathField:
        field = _PathField(label, False, self, stored)
        form.addRow(label, field)
        return field

    def run(self) -> None:
        new = {name: field.path() for name, field in self.lists.items() if field.path()}
        crm = new if len(self.lists) > 1 else new.get("")
        events = (self.events.path() if self.events else "") or None
        sales, outdir = self.sales.path() or None, self.outdir.path()
        if not (new or events or sales) or not outdir:
            self.summary.setText("Choose at least one new file and a folder for the results.")
            return
        tree = self.document.snapshot()
        self.run_button.setEnabled(False)
        self.progress.begin("Running this project's steps…")
        self.jobs.start(SLOT, lambda ctx: rerun_project(tree, crm, sales, outdir, ctx, events),
                        self._done, self._failed)

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
