"""Export screen: choose the format and folder, see who will get a message, write it all.

The plan (who is written, who is left out and why) is worked out in the background as
soon as the screen is shown; Export re-runs the merge and writes into a staging folder
that only becomes the output when everything succeeded (Cancel leaves nothing behind).
After an A/B test, campaign results can be imported here and compared.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from core.compose import abtest
from core.compose.campaign import Campaign
from core.compose.merge import merge, persona_map
from core.compose.outputs import write
from core.io import read_table
from ui.compose_results import ResultsView
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen

FORMATS = [
    ("eml", "E-mails, one file each (.eml) for Outlook, Thunderbird or Apple Mail"),
    ("mbox", "One mailbox file (.mbox)"),
    ("docx", "Word letters (.docx)"),
    ("html", "A web page to read every message (.html)"),
    ("csv", "A table for Word, Outlook or Gmail mail merge (.csv)"),
    ("xlsx", "A table for Word, Outlook or Gmail mail merge (.xlsx)"),
]


def describe(summary: dict) -> str:
    """``412 messages; 37 people left out: 20 no recorded consent, ...`` in plain words."""
    text = f"{summary['written']:,} message{'s' * (summary['written'] != 1)}"
    if summary["left_out"]:
        reasons = ", ".join(f"{n:,} {why}" for why, n in summary["reasons"].items())
        text += f"; {summary['left_out']:,} left out: {reasons}"
    return text


class Screen(StepScreen):
    STEP = "export"
    TITLE = "Export"
    INTRO = ("Write the letters and e-mails, only for people who may be contacted, as files "
             "for your mail program or Word. Nothing is sent from here.")

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.plan: dict | None = None
        self.format = QComboBox()
        for key, label in FORMATS:
            self.format.addItem(label, key)
        self.format.setAccessibleName("Format")
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Output folder")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.one_each = QCheckBox("One Word file per letter")
        self.format.currentIndexChanged.connect(
            lambda _i: self.one_each.setVisible(self.format.currentData() == "docx"))
        self.one_each.setVisible(False)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Folder", folder_row)
        form.addRow("", self.one_each)
        self.body.addLayout(form)
        self.plan_label = QLabel("Working out who gets a message…")
        self.plan_label.setObjectName("summaryFigure")
        self.plan_label.setWordWrap(True)
        self.body.addWidget(self.plan_label)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.body.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.result_label)
        self.results_button = QPushButton("Import campaign results (A/B test)…")
        self.results_button.clicked.connect(self._choose_results)
        self.body.addWidget(self.results_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.results = ResultsView()
        self.body.addWidget(self.results, 1)

    def waiting_for(self) -> str | None:
        if self.document.frame("crm") is None:
            return "Import a customer list first."
        if self.document.state("compose") is None:
            return "Write the message on the Compose step first."
        return None

    def status(self) -> tuple[str, str]:
        last = self.document.state(self.STEP)
        if last and last.get("summary"):
            return DONE, f"{last['summary']['written']:,} messages written"
        if self.plan is not None and not self.plan["written"]:
            return NEEDS_ATTENTION, "nobody to write to"
        return NOT_STARTED, ""

    def refresh(self) -> None:
        last = self.document.state(self.STEP) or {}
        if last.get("folder") and not self.folder.text():
            self.folder.setText(last["folder"])
        self.results_button.setVisible(last.get("assignment") is not None)
        run = self._merge_job()
        self.run_job(lambda ctx: run(ctx).summary(), self._show_plan,
                     "Working out who gets a message…")

    def _merge_job(self):
        """The merge as a function of the job context, with the document read right now
        (on the GUI thread), so the worker never touches the document."""
        doc = self.document
        campaign = Campaign.from_state(doc.state("compose"))
        args = (doc.frame("crm"), doc.roles("crm"), campaign.templates, campaign.config,
                persona_map(doc.state("personas")), doc.frame("sales"))
        return lambda ctx: merge(*args, ctx=ctx)

    def _show_plan(self, summary: dict) -> None:
        self.plan = summary
        self.plan_label.setText(f"Will write {describe(summary)}.")
        self.statusChanged.emit()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the export", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def export(self) -> None:
        folder = self.folder.text().strip()
        if not folder:
            self.result_label.setText("Choose a folder for the export first.")
            return
        fmt, one_each = self.format.currentData(), self.one_each.isChecked()
        rows_in = len(self.document.frame("crm"))
        run = self._merge_job()

        def job(ctx):
            result = run(ctx)
            return result, write(result, folder, fmt, one_each, ctx)

        self.run_job(job, lambda out: self._exported(out, folder, fmt, rows_in),
                     "Writing the messages…")

    def _exported(self, out, folder: str, fmt: str, rows_in: int) -> None:
        result, names = out
        summary = result.summary()
        state = {"format": fmt, "folder": folder, "summary": summary,
                 "assignment": result.assignment}
        self.document.set_state(self.STEP, state, f"Export .{fmt}")
        self.document.audit(self.STEP, {"format": fmt, "files": len(names)}, rows_in,
                            summary["written"])
        self.result_label.setText(f"Wrote {describe(summary)}, in {len(names):,} files in "
                                  f"{folder}. The rows left out and why are in left_out.csv.")

    def _choose_results(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Campaign results", "",
                                              "Spreadsheets (*.csv *.xlsx)")
        if path:
            self.load_results(path)

    def load_results(self, path: str | Path) -> None:
        """Compare the versions on the best measure the results file has."""
        assignment = (self.document.state(self.STEP) or {}).get("assignment")

        def job(ctx):
            results, _ = read_table(path, ctx=ctx)
            joined = abtest.join_results(assignment, results, "email")
            metric = next((m for m in ("converted", "clicked", "opened") if m in joined), "")
            return abtest.analyse(joined, metric), metric

        self.run_job(job, lambda out: self.results.show_results(*out), "Comparing the versions…")
