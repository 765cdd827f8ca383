"""Compose screen: write the message, its rule blocks and versions, preview anyone, check.

Every edit becomes one undoable change of the ``compose`` state (typing is gathered for
a moment first, so undo takes back a phrase, not a letter). The preview renders the
text being typed for any person; "Check before export" runs the full check in the
background and lists what needs attention, each line leading to the people concerned.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QWidget,
)

from app.actions import compose as actions
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.compose.editor import TemplateEditor
from ui.screens.compose.preview import PreviewPanel
from ui.screens.compose.rules import RuleTable

ICONS = {actions.PROBLEM: "✖", actions.WARNING: "⚠", actions.INFO: "•"}


class Screen(StepScreen):
    STEP = "compose"
    TITLE = "Compose"
    PROJECT_CACHE = ("checks",)
    INTRO = ("Write one message and let LocalReach personalise it for each person: their name, "
             "their group's offer, products they may like. Check it before you export.")

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.checks: list | None = None
        self.check_summary: dict | None = None  # what Export will write, from the same merge
        self.version = QComboBox()
        self.version.setAccessibleName("Version")
        self.version.currentTextChanged.connect(lambda _t: self.refresh())
        add = QPushButton("Add a version (A/B test)")
        add.clicked.connect(self.add_version)
        self.remove = QPushButton("Remove this version")
        self.remove.clicked.connect(self.remove_version)
        self.figure = QLabel()
        self.figure.setObjectName("summaryFigure")
        top = QHBoxLayout()
        top.addWidget(self.figure, 1)
        top.addWidget(QLabel("Version"))
        top.addWidget(self.version)
        top.addWidget(add)
        top.addWidget(self.remove)
        self.body.addLayout(top)

        self.editor = TemplateEditor()
        self.rules = RuleTable()
        self.holdout = QDoubleSpinBox()
        self.holdout.setRange(0, 50)
        self.holdout.setSuffix(" %")
        self.holdout.setToolTip("People kept back as a control group: they get nothing, so you "
                                "can see what the message changed.")
        self.seed = QSpinBox()
        self.seed.setRange(0, 10**6)
        self.seed.setToolTip("The same number gives the same people the same version.")
        ab = QWidget()
        ab_form = QFormLayout(ab)
        ab_form.addRow("People who get nothing (control group)", self.holdout)
        ab_form.addRow("Draw number", self.seed)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.editor, "Message")
        self.tabs.addTab(self.rules, "Rules")
        self.tabs.addTab(ab, "A/B test")
        self.preview = PreviewPanel(lambda text: actions.find_people(self.document, text))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(self.preview)
        self.body.addWidget(split, 3)

        self.check_button = QPushButton("Check before export")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.run_check)
        self.check_list = QListWidget()
        self.check_list.setAccessibleName("Check list")
        self.check_list.setWordWrap(True)  # long warnings wrap instead of running off the side
        self.check_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.check_list.itemActivated.connect(self._show_people)
        self.check_list.itemClicked.connect(self._show_people)
        self.body.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addWidget(self.check_list, 1)

        self._commit_timer = QTimer(self)
        self._commit_timer.setSingleShot(True)
        self._commit_timer.setInterval(600)
        self._commit_timer.timeout.connect(self.commit)
        self.editor.edited.connect(self._edited)
        self.editor.blockChosen.connect(self.insert_block)
        self._blocks: list = []
        self.rules.edited.connect(self._edited)
        self.holdout.valueChanged.connect(self._edited)
        self.seed.valueChanged.connect(self._edited)
        self._loading = False

    # -- document -> widgets ----------------------------------------------------------
    def campaign(self):
        return actions.campaign(self.document)

    def waiting_for(self) -> str | None:
        return actions.waiting_for(self.document)

    def status(self) -> tuple[str, str]:
        if self.document.state(self.STEP) is None:
            return NOT_STARTED, ""
        if self.checks is None:
            return NEEDS_ATTENTION, "not checked yet"
        problems = sum(1 for c in self.checks if c.level == actions.PROBLEM)
        if problems:
            return NEEDS_ATTENTION, f"{problems:,} problem{'s' * (problems != 1)} to fix"
        if not (self.check_summary or {}).get("written"):
            return NEEDS_ATTENTION, "no message to write"  # never a tick next to 0 messages
        return DONE, self.checks[0].text.rstrip(".") if self.checks else ""

    def refresh(self) -> None:
        frame = self.document.frame("crm")
        if frame is None:
            return
        roles = self.document.roles("crm")
        campaign = self.campaign()
        self._loading = True
        try:
            names = list(campaign.templates)
            current = self.version.currentText() if self.version.currentText() in names else names[0]
            if names != [self.version.itemText(i) for i in range(self.version.count())]:
                self.version.blockSignals(True)
                self.version.clear()
                self.version.addItems(names)
                self.version.blockSignals(False)
            self.version.setCurrentText(current)
            self.remove.setEnabled(len(names) > 1)
            fields, columns = actions.fields(self.document)
            self.editor.set_fields(fields, columns)
            self._blocks = actions.block_menu(self.document)
            self.editor.set_blocks([label for label, _block in self._blocks])
            self.editor.set_template(campaign.templates[current])
            self.rules.set_blocks([actions.RuleBlock.from_dict(b) for b in campaign.config.blocks],
                                  fields, columns)
            ab = campaign.config.ab or {}
            self.holdout.setValue(100 * ab.get("holdout", 0.1))
            self.seed.setValue(ab.get("seed", 1))
            self.tabs.setTabEnabled(2, len(names) > 1)
            self.preview.set_data(actions.shown_frame(self.document), roles, self._personas(),
                                  campaign.config.segment_column)
        finally:
            self._loading = False
        self._update_preview()
        self.figure.setText(f"{len(frame):,} people in the customer list")

    def _personas(self) -> dict[str, dict]:
        return actions.personas(self.document)

    # -- widgets -> document ----------------------------------------------------------
    def _edited(self, *_args) -> None:
        if self._loading:
            return
        self.checks = None
        self._update_preview()
        self._commit_timer.start()

    def edited_campaign(self):
        """The campaign as the widgets show it now (not yet in the document)."""
        campaign = self.campaign().with_template(self.version.currentText() or "A",
                                                 self.editor.template())
        config = replace(campaign.config, blocks=tuple(b.to_dict() for b in self.rules.blocks()))
        if config.ab:
            config = replace(config, ab={**config.ab, "holdout": self.holdout.value() / 100,
                                         "seed": self.seed.value()})
        return replace(campaign, config=config)

    def commit(self) -> None:
        self._commit_timer.stop()
        actions.store(self.document, self.edited_campaign())

    def add_version(self) -> None:
        self.commit()
        self.version.setCurrentText(actions.add_version(self.document, self.version.currentText()))

    def remove_version(self) -> None:
        self.commit()
        actions.remove_version(self.document, self.version.currentText())

    def insert_block(self, position: int) -> None:
        """A ready-made rule block: its rules on the Rules tab, ``{{ name }}`` at the cursor."""
        _label, block = self._blocks[position]
        self.rules.add_block(block)
        self.editor.insert_field(block.name)

    def _update_preview(self) -> None:
        if self.document.frame("crm") is None:
            return
        self.preview.set_merger(*actions.merger(self.document, self.edited_campaign(),
                                                self.version.currentText() or "A"))

    # -- the check ----------------------------------------------------------------------
    def run_check(self) -> None:
        self.commit()
        action = actions.check(self.document)
        self.run_job(action.work, lambda out: self._show_checks(action.apply(out)), action.message)

    def _show_checks(self, changed: dict) -> None:
        self.checks, self.check_summary = changed["items"], changed["summary"]
        self.check_list.clear()
        for item in self.checks:
            entry = QListWidgetItem(f"{ICONS.get(item.level, '•')} {item.text}")
            entry.setData(Qt.ItemDataRole.UserRole, list(item.rows))
            if item.rows:
                entry.setToolTip("Click to preview the people concerned")
            self.check_list.addItem(entry)
        self.statusChanged.emit()

    def _show_people(self, entry: QListWidgetItem) -> None:
        rows = entry.data(Qt.ItemDataRole.UserRole) or []
        if rows:
            self.preview.show_rows(rows)
