"""Export screen: choose the format and folder, see who will get a message, write it all.

The plan (who is written, who is left out and why) is worked out in the background as
soon as the screen is shown; Export re-runs the merge and writes into a staging folder
that only becomes the output when everything succeeded (Cancel leaves nothing behind).
After an A/B test, campaign results can be imported here and compared.

Real contact details come back through the project key only (app.actions.export: its
passphrase is asked here, once per session, when the key lives in a key file); the merge
reveals the pseudonymised values of contactable people only, each reveal one audit row.
A gap flagged on Segments' "Fair groups" tab is repeated here before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
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

from app.actions import export as actions
from app.jobs import user_message
from core.errors import LocalReachError
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.export.group_results import SegmentResultsView
from ui.screens.export.results import ResultsView
from ui.widgets import passphrase as privacy_passphrase
from ui.widgets.actions import run_action

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
    return f"{text}; {left_out(summary)}" if summary["left_out"] else text


def left_out(summary: dict) -> str:
    """``37 left out: 20 no recorded consent, ...``"""
    reasons = ", ".join(f"{n:,} {why}" for why, n in summary["reasons"].items())
    return f"{summary['left_out']:,} left out: {reasons}"


class Screen(StepScreen):
    STEP = "export"
    TITLE = "Export"
    PROJECT_CACHE = ("plan",)
    INTRO = ("Write the letters and e-mails, only for people who may be contacted, as files "
             "for your mail program or Word. Nothing is sent from here.")

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.plan: dict | None = None
        self._locked = False  # the plan ran without the key (its passphrase not asked yet)
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
        from ui.widgets.consent_panel import ConsentPanel

        self.consent = ConsentPanel(document)
        self.body.addWidget(self.consent)
        self.fairness_label = QLabel()
        self.fairness_label.setWordWrap(True)
        self.fairness_label.setAccessibleName("Fair groups warning")
        self.fairness_label.setVisible(False)
        self.body.addWidget(self.fairness_label)
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
        self.open_button = QPushButton("Open the folder")
        self.open_button.setToolTip("Show the written files in your file manager")
        self.open_button.clicked.connect(self._open_folder)
        self.open_button.setVisible(False)  # until something was written
        self.body.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.results_button = QPushButton("Import campaign results (A/B test)…")
        self.results_button.clicked.connect(self._choose_results)
        self.body.addWidget(self.results_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.results = ResultsView()
        self.results.setVisible(False)  # an empty results table until a results file is read
        self.body.addWidget(self.results, 1)
        self.segment_results = SegmentResultsView()
        self.segment_results.setVisible(False)
        self.body.addWidget(self.segment_results, 1)
        self.body.addStretch(0)  # without results, the rest stays at the top

    def reset(self) -> None:
        super().reset()
        actions.forget_key(self.document)
        self.folder.clear()
        self.result_label.clear()
        self.open_button.setVisible(False)
        self.plan_label.setText("")
        self.results.setVisible(False)
        self.segment_results.setVisible(False)

    def waiting_for(self) -> str | None:
        return actions.waiting_for(self.document)

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
        written = last.get("folder", "")  # the last export's folder, also in a reopened project
        self.open_button.setVisible(bool(written) and Path(written).is_dir())
        self.results_button.setVisible(last.get("assignment") is not None)
        try:
            action = actions.plan(self.document, self.format.currentData(),
                                  self.one_each.isChecked())
        except LocalReachError as exc:  # a key that cannot be read: Export says what is wrong
            self.plan_label.setText(str(exc))
            return
        run_action(self, action, self._show_plan, on_error=self._plan_failed)

    def _plan_failed(self, exc: Exception) -> None:
        """The plan's old sentence ("until the question above is answered") must not stay."""
        self.plan = None
        self.export_button.setEnabled(False)
        self.plan_label.setText(f"Nothing can be written: {user_message(exc)}")
        self.statusChanged.emit()

    def _ask_passphrase(self) -> str | None:
        return privacy_passphrase.ask_passphrase(
            self, "Unlock the key", "Type the passphrase that protects this project's key "
            "file: real contact details come back for the people written to.", False)

    def _show_plan(self, summary: dict) -> None:
        self.plan = summary
        self._locked = summary["locked"]
        consent = summary.pop("consent", {})
        self.consent.show_plan(consent)
        warnings = summary.get("fairness") or []
        self.fairness_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.fairness_label.setVisible(bool(warnings))
        blocked = bool(consent.get("unclear") or consent.get("no_consent_info"))
        self.export_button.setEnabled(not blocked and (self._locked or summary["written"] > 0))
        if blocked:
            self.plan_label.setText("Nothing can be written until the question above is answered.")
        elif self._locked:
            self.plan_label.setText("Real names and addresses come back from the vault when you "
                                    "export: the messages are counted then.")
        elif summary["written"] or not summary["left_out"]:
            self.plan_label.setText(f"Will write {describe(summary)}.")
        else:
            self.plan_label.setText(f"Nobody may be written to; {left_out(summary)}.")
        self.statusChanged.emit()

    def _browse(self) -> None:
        from ui.widgets.file_dialogs import remember, start_folder

        folder = remember(QFileDialog.getExistingDirectory(
            self, "Folder for the export", start_folder(self.folder.text())), is_folder=True)
        if folder:
            self.folder.setText(folder)

    def export(self) -> None:
        folder = self.folder.text().strip()
        if not folder:
            self.result_label.setText("Choose a folder for the export first.")
            return
        try:
            action = actions.export(self.document, folder, self.format.currentData(),
                                    self.one_each.isChecked(), self._ask_passphrase)
        except LocalReachError as exc:
            self.show_error(exc)
            return

        def failed(exc: Exception) -> None:
            actions.audit_reveals(self.document, getattr(exc, "reveals", []))
            self.show_error(exc)

        self.progress.begin(action.message)
        action.start(self.jobs, self.STEP, lambda changed: self._exported(changed, folder), failed)

    def _exported(self, changed: dict, folder: str) -> None:
        self.result_label.setText(f"Wrote {describe(changed)}, in {changed['files']:,} files in "
                                  f"{folder}. The rows left out and why are in left_out.csv.")

    def _open_folder(self) -> None:
        folder = self.document.state(self.STEP)["folder"]
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(folder).resolve())))

    def _choose_results(self) -> None:
        from ui.widgets.file_dialogs import remember, start_folder

        path = remember(QFileDialog.getOpenFileName(
            self, "Campaign results", start_folder(), "Spreadsheets (*.csv *.xlsx)")[0])
        if path:
            self.load_results(path)

    def load_results(self, path: str | Path) -> None:
        action = actions.load_results(self.document, path)
        self.run_job(action.work, lambda out: self._show_results(action.apply(out)), action.message)

    def _show_results(self, out) -> None:
        table, metric, per_group = out
        self.results.show_results(table, metric)
        self.results.setVisible(True)
        self.segment_results.setVisible(per_group is not None)
        if per_group is not None:
            self.segment_results.show_results(per_group, metric, per_group.columns[0])
