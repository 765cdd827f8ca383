"""Privacy screen: what each column holds, what to do with it, the key, the risk.

Each column shows its detected kind of personal data and a policy drop-down; below,
three tabs: the first rows before and after (Before as typed: once pseudonymised, opened
from the encrypted vault), the key and who may be contacted, and the risk check.
"Pseudonymise" replaces the table (one undo step) and keeps originals in the vault. The
key tab says in words where the key lives and offers backup / restore / rotate / delete;
the risk tab checks k-anonymity over the chosen columns and applies suggested
generalisations. State
(key "privacy") holds policies, the key's location and fingerprint, the vault table,
suppressed e-mails as tokens, and the risk choices -- never a key or a plain value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.actions import privacy
from app.actions.privacy import LABELS, PII_KINDS, SOURCES, STEP
from core.errors import LocalReachError
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.privacy.key_actions import KeyActions
from ui.widgets.actions import run_action
from ui.widgets.file_dialogs import remember, start_folder
from ui.widgets.frame_model import FrameModel

ACTION_LABELS = {"keep": "Keep as is", "token": "Hide behind a code (back at export)",
                 "mask": "Show part only", "generalise": "Keep only", "drop": "Leave out"}
OPTION_LABELS = {"age_band": "a 10-year age band", "year": "the year", "month": "the month",
                 "outward": "the area (outward code)", "prefix2": "the first 2 characters",
                 "prefix1": "the first character"}
PREVIEW_ROWS = 5
PREVIEW_COLUMN_WIDTH = 180  # pixels at most


class Screen(KeyActions, StepScreen):
    STEP = STEP
    TITLE = "Privacy"
    PROJECT_CACHE = ("_key", "_passphrase")
    INTRO = ("Replace names, e-mails and phone numbers by codes before any analysis, so the "
             "later steps work without seeing who is who; real details come back only at export.")

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self._key: bytes | None = None
        self._passphrase: str | None = None
        self._guesses: dict[str, tuple] = {}
        self._build()

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        self.source = QComboBox()
        self.source.setAccessibleName("Table")
        self.source.currentIndexChanged.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setAccessibleName("Privacy summary")
        self.apply_button = QPushButton("Pseudonymise")
        self.apply_button.setObjectName("primary")
        self.apply_button.setToolTip("Replace the chosen columns now; undo brings the table back")
        self.apply_button.clicked.connect(self.pseudonymise)
        top.addWidget(self.source)
        top.addWidget(self.summary, 1)
        top.addWidget(self.apply_button)
        self.body.addLayout(top)

        self.columns = QTableWidget(0, 4)
        self.columns.setHorizontalHeaderLabels(["Column", "Looks like", "What to do", "Example"])
        self.columns.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.columns.verticalHeader().hide()
        self.columns.setAccessibleName("Columns and what to do with them")
        self.body.addWidget(self.columns, 3)
        # Three panels share the lower half as tabs, so that at 1366x768 the column table and
        # the previews each keep room for several rows.
        self.details = QTabWidget()
        self.details.setDocumentMode(True)
        self.details.addTab(self._build_previews(), "Before and after")
        self.details.addTab(self._build_key_panel(), "Key and contacts")
        self.details.addTab(self._build_risk_panel(), "Could someone be recognised?")
        # A share of the height whatever each tab would like, so switching tabs moves nothing;
        # at least what the previews need (see _fit).
        self.details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.body.addWidget(self.details, 2)

    def _build_previews(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 6, 0, 0)
        self.preview_before, self.preview_after = FrameModel(), FrameModel()
        self.before_note = QLabel()
        self.before_note.setWordWrap(True)
        self.unlock_button = QPushButton("Unlock…")
        self.unlock_button.setToolTip("Type the key file's passphrase to see the real values")
        self.unlock_button.clicked.connect(self.unlock_preview)
        self.preview_views = {}
        for title, model in (("Before", self.preview_before), ("After", self.preview_after)):
            box = QGroupBox(title)
            column = QVBoxLayout(box)
            if model is self.preview_before:
                note = QHBoxLayout()
                note.addWidget(self.before_note, 1)
                note.addWidget(self.unlock_button)
                column.addLayout(note)
            view = QTableView()
            view.setModel(model)
            view.setAccessibleName(f"{title} preview")
            view.setWordWrap(False)  # one line per person: a long street is cut, not the row count
            view.verticalHeader().hide()
            self.preview_views[title] = view
            column.addWidget(view)
            row.addWidget(box)
        self.before_note.setVisible(False)
        self.unlock_button.setVisible(False)
        return page

    def _build_key_panel(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        key = QVBoxLayout()
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.key_label.setAccessibleName("Key location")
        key.addWidget(self.key_label)
        buttons = QGridLayout()
        self.key_buttons = {}
        for i, (name, label, tip, slot) in enumerate((
            ("backup", "Back up key…", "Save the key in a file protected by a passphrase", self.backup_key),
            ("restore", "Restore key…", "Bring the key back from a backup file", self.restore_key),
            ("rotate", "New key…", "Replace the key; every code is recomputed through the vault", self.rotate_key),
            ("delete", "Delete key…", "Forget the key for good: codes can never be turned back", self.delete_key),
        )):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            self.key_buttons[name] = button
            buttons.addWidget(button, i // 2, i % 2)
        key.addLayout(buttons)
        key.addStretch(1)
        row.addLayout(key, 1)
        contacts = QVBoxLayout()
        self.suppress_button = QPushButton("Import people who asked not to be contacted…")
        self.suppress_button.setToolTip("A list of e-mail addresses; they will never get a letter or e-mail")
        self.suppress_button.clicked.connect(self.import_suppression)
        contacts.addWidget(self.suppress_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.suppress_label = QLabel()
        self.suppress_label.setWordWrap(True)
        contacts.addWidget(self.suppress_label)
        from ui.widgets.consent_panel import ConsentPanel

        self.consent = ConsentPanel(self.document, counts=False)
        contacts.addWidget(self.consent)
        contacts.addStretch(1)
        row.addLayout(contacts, 1)
        return page

    def _build_risk_panel(self) -> QWidget:
        """The question on one line, the answer under it, then side by side: the columns to
        tick, the smallest groups, the suggested fixes (low, so the tab keeps its height)."""
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel("Every combination of the ticked columns should fit at least"))
        self.k_spin = QSpinBox(minimum=2, maximum=100, value=5, suffix=" people")
        self.k_spin.setToolTip("k-anonymity: the smallest group allowed")
        row.addWidget(self.k_spin)
        self.risk_button = QPushButton("Check")
        self.risk_button.clicked.connect(self.check_risk)
        self.risk_button.setToolTip("Count how many people are alone or nearly alone with the ticked columns")
        row.addWidget(self.risk_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.risk_label = QLabel()
        self.risk_label.setWordWrap(True)
        self.risk_label.setAccessibleName("Risk result")
        layout.addWidget(self.risk_label)
        columns = QHBoxLayout()
        self.qi_list = QListWidget()
        self.qi_list.setAccessibleName("Columns that could identify someone together")
        self.qi_list.setToolTip("Tick the columns someone could combine to find a person, e.g. postcode, birth date")
        self.qi_list.setFlow(QListView.Flow.TopToBottom)
        self.qi_list.setWrapping(True)  # the columns side by side in as many rows as fit
        self.qi_list.setResizeMode(QListView.ResizeMode.Adjust)
        columns.addWidget(self.qi_list, 1)
        self.smallest = FrameModel()
        view = QTableView()
        view.setModel(self.smallest)
        view.setAccessibleName("Smallest groups")
        view.verticalHeader().hide()
        columns.addWidget(view, 1)
        fixes = QVBoxLayout()
        self.suggestion_list = QListWidget()
        self.suggestion_list.setAccessibleName("Suggested fixes")
        fixes.addWidget(self.suggestion_list, 1)
        self.apply_suggestions_button = QPushButton("Apply suggested fixes")
        self.apply_suggestions_button.clicked.connect(self.apply_suggestions)
        self.apply_suggestions_button.setToolTip("Make the listed columns coarser (e.g. birth year instead of date)")
        fixes.addWidget(self.apply_suggestions_button, 0, Qt.AlignmentFlag.AlignLeft)
        columns.addLayout(fixes, 1)
        layout.addLayout(columns, 1)
        for widget in (self.qi_list, view, self.suggestion_list):  # they take the tab's height, never ask more
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        # The result widgets stay out of the way until a check has run.
        self.risk_results = [view, self.suggestion_list, self.apply_suggestions_button]
        for widget in self.risk_results:
            widget.setVisible(False)
        self._suggestions: list[dict] = []
        return page

    # -- state ------------------------------------------------------------------------
    def _state(self) -> dict:
        return privacy.state(self.document)

    @property
    def name(self) -> str:
        return self.source.currentData() or "crm"

    def config(self, name: str | None = None):
        """The table's PrivacyConfig: the user's choices, else proposed from what was detected."""
        name = name or self.name
        return privacy.config(self.document, name, self.guesses(name) if self.document.frame(name) is not None else {})

    def guesses(self, name: str) -> dict:
        """Detected kinds of a table, computed once per frame object (frames are never
        mutated) and its roles."""
        frame, roles = self.document.frame(name), self.document.roles(name)
        cached = self._guesses.get(name)
        if cached is None or cached[0] is not frame or cached[1] != roles:
            cached = self._guesses[name] = (frame, roles, privacy.guesses(frame, roles))
        return cached[2]

    def applied(self, name: str | None = None) -> bool:
        return privacy.applied(self.document, name or self.name)

    def set_policy(self, column: str, choice: str) -> None:
        """``choice`` is an action, or ``generalise:<option>`` for a coarser value."""
        action, _, option = choice.partition(":")
        label = ACTION_LABELS[action].lower() + (f" {OPTION_LABELS[option]}" if option else "")
        privacy.set_policy(self.document, self.name, self.config(), column, choice, label)

    def set_kind(self, column: str, kind: str) -> None:
        """The user knows better than detection: the column's kind, with that kind's usual policy."""
        privacy.set_kind(self.document, self.name, self.config(), column, kind)

    def reset(self) -> None:
        super().reset()
        self._guesses, self._suggestions = {}, []
        self.risk_label.clear()
        self.suppress_label.clear()
        for widget in self.risk_results:
            widget.setVisible(False)

    # -- StepScreen -----------------------------------------------------------------------
    def waiting_for(self) -> str | None:
        if self.document.frame("crm") is None:
            return "Import a customer list first: this step protects the people in it."
        return None

    def status(self) -> tuple[str, str]:
        if self.document.frame("crm") is None or not self._state():
            return NOT_STARTED, ""
        if not self.applied("crm"):
            return NEEDS_ATTENTION, "personal data not yet replaced"
        risk = self._state().get("risk_result")
        if risk and risk["k"] < risk["target_k"]:
            return NEEDS_ATTENTION, f"{risk['at_risk']:,} people could be recognised"
        done = sum(1 for p in self.config("crm").columns.values() if p.action != "keep")
        return DONE, f"{done} columns protected"

    def refresh(self) -> None:
        self._fill_sources()
        frame = self.document.frame(self.name)
        if frame is None:
            return
        config = self.config()
        guesses = self.guesses(self.name) if not self.applied() else {}
        choosable = privacy.choosable_columns(frame)
        self.columns.setRowCount(len(choosable))
        sample = frame.head(PREVIEW_ROWS)
        after = sample if self.applied() else privacy.preview(sample, config)
        for row, column in enumerate(choosable):
            policy = config.columns.get(column, privacy.ColumnPolicy())
            guess = guesses.get(column)
            item = QTableWidgetItem(str(column))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.columns.setItem(row, 0, item)
            kinds = [("nothing personal", "")] + [
                (LABELS[k] + (f" ({guess.confidence:.0%} sure)" if guess and guess.kind == k else ""), k)
                for k in PII_KINDS]
            kind_combo = self._row_combo(row, 1, f"What {column} holds", kinds, self.set_kind)
            kind_combo.setToolTip(guess.reason if guess else "")
            self._show(kind_combo, policy.kind or "")
            choice = policy.action + (f":{policy.option}" if policy.action == "generalise" else "")
            self._show(self._row_combo(row, 2, f"What to do with {column}", self._choices(policy.kind),
                                       self.set_policy), choice)
            example = next((str(v) for v in after.get(column, pd.Series(dtype=object)) if str(v)), "")
            self.columns.setItem(row, 3, QTableWidgetItem(example if column in after else "(left out)"))
        self.preview_after.set_frame(after)
        self._fit(self.preview_views["After"])
        # Once the change that refreshed us is complete (pseudonymising is one undo step that
        # refreshes half-way), so the reveal's audit row follows it.
        QTimer.singleShot(0, self, self._show_before)
        self._fill_key_panel()
        self._fill_risk_panel(frame)
        protected = sum(1 for p in config.columns.values() if p.action != "keep")
        self.summary.setText(
            f"{len(frame):,} rows · {protected} columns protected (undo to change the choices)" if self.applied()
            else f"{len(frame):,} rows · {protected} columns will be protected"
        )
        self.apply_button.setEnabled(not self.applied())

    def _show_before(self) -> None:
        if self.document.frame(self.name) is None:
            return
        before, note = privacy.before(self.document, self.name, PREVIEW_ROWS, self._key, self._passphrase)
        self.preview_before.set_frame(before)
        self._fit(self.preview_views["Before"])
        self.before_note.setText(note)
        self.before_note.setVisible(bool(note))
        self.unlock_button.setVisible(note == privacy.KEY_LOCKED)

    def _fit(self, view: QTableView) -> None:
        """Room for the five rows, in the row height the style gives once shown; columns as
        wide as their values (five rows are cheap to measure), long ones cut."""
        view.resizeColumnsToContents()
        for c in range(view.model().columnCount()):
            view.setColumnWidth(c, min(view.columnWidth(c), PREVIEW_COLUMN_WIDTH))
        rows = view.verticalHeader().defaultSectionSize() * PREVIEW_ROWS
        view.setMinimumHeight(view.horizontalHeader().sizeHint().height() + rows
                              + view.horizontalScrollBar().sizeHint().height() + 2 * view.frameWidth())
        self.details.setMinimumHeight(self.details.minimumSizeHint().height())

    @staticmethod
    def _choices(kind: str | None) -> list[tuple[str, str]]:
        """The policy drop-down, in words."""
        def label(choice: str) -> str:
            action, _, option = choice.partition(":")
            return f"{ACTION_LABELS[action]} {OPTION_LABELS[option]}" if option else ACTION_LABELS[action]
        return [(label(c), c) for c in privacy.choices(kind)]

    def _row_combo(self, row: int, col: int, name: str, items: list, slot) -> QComboBox:
        """A drop-down in the column table, kept while its choices stay the same so a refresh
        never deletes a busy widget; ``slot(column, data)`` gets the user's choice."""
        combo = self.columns.cellWidget(row, col)
        if (isinstance(combo, QComboBox) and combo.accessibleName() == name
                and [combo.itemData(i) for i in range(combo.count())] == [d for _, d in items]):
            return combo
        combo = QComboBox()
        for label, data in items:
            combo.addItem(label, data)
        combo.setAccessibleName(name)
        column = self.columns.item(row, 0).text()
        combo.currentIndexChanged.connect(lambda _i, w=combo: slot(column, w.currentData()))
        self.columns.setCellWidget(row, col, combo)
        return combo

    def _show(self, combo: QComboBox, data: str) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(max(0, combo.findData(data)))
        combo.blockSignals(False)
        combo.setEnabled(not self.applied())

    def _fill_sources(self) -> None:
        names = [n for n in SOURCES if self.document.frame(n) is not None]
        if [self.source.itemData(i) for i in range(self.source.count())] == names:
            return
        current = self.name
        self.source.blockSignals(True)
        self.source.clear()
        for n in names:
            self.source.addItem(SOURCES[n], n)
        self.source.setCurrentIndex(max(0, names.index(current)) if current in names else 0)
        self.source.blockSignals(False)

    def _fill_key_panel(self) -> None:
        ref = self.key_ref()
        if ref is None:
            self.key_label.setText("No key yet: one is made when you pseudonymise.")
        else:
            where = (f"in a key file in {Path(ref.key_file).parent}, protected by your passphrase" if ref.key_file
                     else "in this computer's keyring")
            self.key_label.setText(f"Kept {where}.\nFingerprint {ref.fingerprint} (names the key without revealing it)")
            self.key_label.setToolTip(ref.key_file or "")
        for name, button in self.key_buttons.items():
            button.setEnabled(ref is not None or name == "restore")
        count = len(self._state().get("suppression", []))
        lines = [f"{count:,} {'person' if count == 1 else 'people'} asked not to be contacted"] if count else []
        plan, figure = self._contact_figure()
        self.suppress_label.setText("\n".join([*lines, figure]))
        self.consent.show_plan(plan)

    def _contact_figure(self) -> tuple[dict, str]:
        return privacy.contact_figure(self.document, self.config("crm"), self._key)

    def _fill_risk_panel(self, frame: pd.DataFrame) -> None:
        chosen = privacy.quasi_identifiers(self.document, frame, self.config())
        self.qi_list.blockSignals(True)
        self.qi_list.clear()
        for column in privacy.choosable_columns(frame):
            item = QListWidgetItem(str(column))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if column in chosen else Qt.CheckState.Unchecked)
            self.qi_list.addItem(item)
        self.qi_list.blockSignals(False)

    def chosen_quasi_identifiers(self) -> list[str]:
        return [self.qi_list.item(i).text() for i in range(self.qi_list.count())
                if self.qi_list.item(i).checkState() == Qt.CheckState.Checked]

    def unlock_preview(self) -> None:
        """Ask for the key file's passphrase, so the Before preview shows the real values."""
        try:
            self.unlock()
        except LocalReachError as exc:
            return self.show_error(exc)
        self.refresh()

    def pseudonymise(self) -> None:
        try:
            key, ref = self.unlock()
        except LocalReachError as exc:
            return self.show_error(exc)
        run_action(self, privacy.pseudonymise(self.document, self.name, self.config(), key, ref))

    # -- suppression -----------------------------------------------------------------------
    def import_suppression(self, path: str | None = None) -> None:
        if not path:
            path = remember(QFileDialog.getOpenFileName(self, "People who asked not to be contacted",
                                                        start_folder(), "Spreadsheets (*.csv *.tsv *.txt *.xlsx)")[0])
            if not path:
                return
        try:
            privacy.import_suppression(self.document, path, *self.unlock())
        except LocalReachError as exc:
            self.show_error(exc)

    # -- risk ------------------------------------------------------------------------------
    def check_risk(self) -> None:
        qis, k = self.chosen_quasi_identifiers(), self.k_spin.value()
        if not qis:
            self.risk_label.setText("Tick the columns that could identify someone together (postcode, age…).")
            return
        run_action(self, privacy.check_risk(self.document, self.name, self.config(), qis, k), self._risk_checked)

    def _risk_checked(self, risk: privacy.Risk) -> None:
        self._suggestions = risk.suggestions
        smallest = risk.smallest  # the group size first: it is the answer, and it stays in sight
        self.smallest.set_frame(smallest[["people", *(c for c in smallest.columns if c != "people")]]
                                if "people" in smallest.columns else smallest)
        self.risk_results[0].resizeColumnsToContents()
        if risk.ok:
            text = f"Safe: every combination fits at least {risk.k} people."
        else:
            text = (f"{risk.at_risk:,} people ({risk.unique_share:.0%} alone in their group) "
                    f"could be recognised: the smallest group has {risk.k}.")
        small = self.small_segments(risk.target_k)
        if small:
            text += (f" Customer groups smaller than {risk.target_k} people, too small to show safely: "
                     f"{', '.join(small)}.")
        self.risk_label.setText(text)
        for widget in self.risk_results:
            widget.setVisible(True)
        self.suggestion_list.clear()
        for s in risk.suggestions:
            self.suggestion_list.addItem(f"{s['change']} → smallest group {s['k_after']}")
        self.apply_suggestions_button.setEnabled(bool(risk.suggestions) and not self.applied())

    def small_segments(self, k: int) -> list[str]:
        """Customer groups (from the Segments step) with fewer than ``k`` members."""
        return privacy.small_segments(self.document, k)

    def apply_suggestions(self) -> None:
        privacy.apply_suggestions(self.document, self.name, self.config(), self._suggestions)
