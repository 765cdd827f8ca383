"""Export screen: choose the format and folder, see who will get a message, write it all.

The plan (who is written, who is left out and why) is worked out in the background as
soon as the screen is shown; Export re-runs the merge and writes into a staging folder
that only becomes the output when everything succeeded (Cancel leaves nothing behind).
After an A/B test, campaign results can be imported here and compared.

Real contact details come back here only: the Privacy step's vault is opened with the
project key (its passphrase asked when the key lives in a key file) and the merge reveals
the pseudonymised values of contactable people only; each reveal is one audit row
(counts and key fingerprint). The project's suppression list is honoured too.
"""

from __future__ import annotations

from dataclasses import replace
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

from app.consent import consent_plan, consent_settings
from core.compose import abtest
from core.compose.campaign import Campaign
from core.compose.merge import merge, persona_map
from core.compose.outputs import write
from core.errors import LocalReachError
from core.io import read_table
from core.privacy.consent import suppression_from_state
from core.privacy.keystore import KeyRef, unlock
from core.privacy.vault import Vault, reveal_audit_args
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.export.group_results import SegmentResultsView
from ui.screens.export.results import ResultsView
from ui.widgets import passphrase as privacy_passphrase

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
    PROJECT_CACHE = ("plan", "_passphrase")
    INTRO = ("Write the letters and e-mails, only for people who may be contacted, as files "
             "for your mail program or Word. Nothing is sent from here.")

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.plan: dict | None = None
        self._passphrase: str | None = None  # of the project's key file, once typed
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
        self.segment_results = SegmentResultsView()
        self.segment_results.setVisible(False)
        self.body.addWidget(self.segment_results, 1)

    def reset(self) -> None:
        super().reset()
        self.folder.clear()
        self.result_label.clear()
        self.plan_label.setText("")

    def waiting_for(self) -> str | None:
        if self.document.frame("crm") is None:
            return "Import a customer list first."
        if self.document.state("compose") is None:
            return ("Check the message on the Compose step first: press “Check before export” "
                    "there, and this step shows who gets it.")
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
        try:
            privacy = self._privacy(ask=False)
        except LocalReachError:
            privacy = {}  # the plan counts without the key; Export says what is wrong
        vault = (self.document.state("privacy") or {}).get("vault")
        self._locked = "vault" not in privacy and vault is not None and len(vault) > 0
        run, reveals = self._merge_job(privacy)
        doc = self.document
        people = (doc.frame("crm"), doc.roles("crm"), consent_settings(doc),
                  privacy.get("suppressed"))

        locked = self._locked

        def plan(ctx):
            consent = consent_plan(*people)
            if locked or consent.get("unclear") or consent.get("no_consent_info"):
                return {"written": 0, "left_out": 0, "reasons": {}, "consent": consent}
            return {**run(ctx).summary(), "consent": consent}

        self.run_job(plan, lambda s: self._show_plan(s, reveals),
                     "Working out who gets a message…", self._failed(reveals))

    def _privacy(self, ask: bool) -> dict:
        """The Privacy step's vault and suppression list, as merge arguments. Without a key
        file passphrase yet, only ``ask`` asks for it; a refusal or a wrong key raises."""
        state = self.document.state("privacy") or {}
        if not state.get("key"):
            return {}
        ref = KeyRef(**state["key"])
        if ref.key_file and self._passphrase is None:
            if not ask:
                return {"suppressed": suppression_from_state(state)}
            self._passphrase = privacy_passphrase.ask_passphrase(
                self, "Unlock the key", "Type the passphrase that protects this project's key "
                "file: real contact details come back for the people written to.", False)
            if self._passphrase is None:
                raise LocalReachError("No passphrase given: nothing was written.")
        try:
            key = unlock(ref, self._passphrase)
        except LocalReachError:
            self._passphrase = None  # a wrong passphrase is asked again next time
            raise
        return {"vault": Vault.from_frame(key, state.get("vault")),
                "suppressed": suppression_from_state(state, key)}

    def _merge_job(self, privacy: dict):
        """The merge as a function of the job context, with the document read right now
        (on the GUI thread), so the worker never touches the document; and the list its
        reveals are audited into (recorded by :meth:`_audit_reveals` on the GUI thread)."""
        from app.engine_inputs import recommendation_sales

        doc = self.document
        campaign = Campaign.from_state(doc.state("compose"))
        config = replace(campaign.config, consent=consent_settings(doc).to_dict())
        args = (doc.frame("crm"), doc.roles("crm"), campaign.templates, config,
                persona_map(doc.state("personas")), recommendation_sales(doc))
        reveals: list[dict] = []
        return lambda ctx: merge(*args, **privacy, audit=reveals.append, ctx=ctx), reveals

    def _audit_reveals(self, reveals: list[dict]) -> None:
        for entry in reveals:
            params, rows, revealed, fp = reveal_audit_args(entry)
            self.document.audit(self.STEP, params, rows, revealed, key_fingerprint=fp)
        reveals.clear()

    def _failed(self, reveals: list[dict]):
        """A job's error handler that still audits the reveals made before the failure."""
        def on_error(exc: Exception) -> None:
            self._audit_reveals(reveals)
            self.show_error(exc)
        return on_error

    def _show_plan(self, summary: dict, reveals: list[dict]) -> None:
        self._audit_reveals(reveals)
        self.plan = summary
        consent = summary.pop("consent", {})
        self.consent.show_plan(consent)
        blocked = bool(consent.get("unclear") or consent.get("no_consent_info"))
        self.export_button.setEnabled(not blocked and (self._locked or summary["written"] > 0))
        locked = " Pseudonymised people are counted once Export unlocks the key." if self._locked else ""
        if blocked:
            self.plan_label.setText("Nothing can be written until the question above is answered.")
        elif self._locked:
            self.plan_label.setText("Real names and addresses come back from the vault when you "
                                    "export: the messages are counted then.")
        else:
            self.plan_label.setText(f"Will write {describe(summary)}.{locked}")
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
        fmt, one_each = self.format.currentData(), self.one_each.isChecked()
        rows_in = len(self.document.frame("crm"))
        try:
            privacy = self._privacy(ask=True)
        except LocalReachError as exc:
            self.show_error(exc)
            return
        run, reveals = self._merge_job(privacy)

        def job(ctx):
            result = run(ctx)
            return result, write(result, folder, fmt, one_each, ctx)

        self.run_job(job, lambda out: self._exported(out, folder, fmt, rows_in, reveals),
                     "Writing the messages…", self._failed(reveals))

    def _exported(self, out, folder: str, fmt: str, rows_in: int, reveals: list[dict]) -> None:
        result, names = out
        self._audit_reveals(reveals)
        summary = result.summary()
        state = {"format": fmt, "folder": folder, "summary": summary,
                 "assignment": result.assignment}
        self.document.set_state(self.STEP, state, f"Export .{fmt}")
        self.document.audit(self.STEP, {"format": fmt, "files": len(names)}, rows_in,
                            summary["written"])
        self.result_label.setText(f"Wrote {describe(summary)}, in {len(names):,} files in "
                                  f"{folder}. The rows left out and why are in left_out.csv.")

    def _choose_results(self) -> None:
        from ui.widgets.file_dialogs import remember, start_folder

        path = remember(QFileDialog.getOpenFileName(
            self, "Campaign results", start_folder(), "Spreadsheets (*.csv *.xlsx)")[0])
        if path:
            self.load_results(path)

    def load_results(self, path: str | Path) -> None:
        """Compare the versions on the best measure the results file has, overall and in
        each customer group the assignment was stratified by."""
        assignment = (self.document.state(self.STEP) or {}).get("assignment")
        by = next((c for c in assignment.columns if c not in ("email", "variant")), None) \
            if assignment is not None else None

        def job(ctx):
            results, _ = read_table(path, ctx=ctx)
            joined = abtest.join_results(assignment, results, "email")
            metric = next((m for m in ("converted", "clicked", "opened") if m in joined), "")
            per_group = abtest.analyse(joined, metric, by=by) if by else None
            return abtest.analyse(joined, metric), metric, per_group

        self.run_job(job, self._show_results, "Comparing the versions…")

    def _show_results(self, out) -> None:
        table, metric, per_group = out
        self.results.show_results(table, metric)
        self.segment_results.setVisible(per_group is not None)
        if per_group is not None:
            self.segment_results.show_results(per_group, metric, per_group.columns[0])
