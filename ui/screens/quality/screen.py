"""Quality screen: how healthy the data is, and fixes previewed before they are applied.

Left: the overall score, one bar per column (valid / empty / invalid) and the list of
issues; clicking an issue filters the table to exactly the rows that have it. Right:
the cleaning steps that fit the file's columns; picking one shows before -> after on
real rows and how many cells it will change; Apply is one undoable action with an
audit entry (step, settings, counts: never values).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions import quality
from app.actions.quality import FILES, FORMAT_LABELS, FORMATS, IMPUTE_METHODS
from app.region import document_region, set_document_region
from core.errors import LocalReachError
from core.roles import Role
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.quality.bars import BarRow, QualityBars
from ui.screens.quality.clusters import ClusterDialog
from ui.widgets.actions import run_action
from ui.widgets.frame_model import FrameModel
from ui.widgets.role_names import role_label

DECIMALS = [("Automatic", "auto"), ("Point: 1,234.56", "."), ("Comma: 1.234,56", ",")]
IMPUTE_LABELS = {"median": "Middle value (median)", "most_frequent": "Most common value",
                 "knn": "From similar rows (k-NN)", "iterative": "Predicted from other columns (iterative)"}
PREVIEW_SLOT = "quality-preview"
PICK_A_FIX = "Pick a fix above to see what it would change."


class Screen(StepScreen):
    STEP = "quality"
    TITLE = "Quality"
    PROJECT_CACHE = ("report", "_reported_for", "last_preview", "_pending_step", "_previewed")
    INTRO = (
        "See how healthy your data is and fix it in a few clicks: every fix is shown before "
        "it happens, and every fix can be undone."
    )

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.report = None  # the last QualityReport
        self._reported_for: tuple | None = None
        self.last_preview = None  # the last Preview, of ``_previewed``
        self._pending_step: dict | None = None
        self._previewed: tuple | None = None  # (step, frame) that last_preview shows
        self._suggested: dict[str, list[dict]] = {}  # file -> fixes that fit its columns
        self._controls: dict[str, QWidget] = {}
        self.body.addLayout(self._build_top())
        splitter = QSplitter()
        splitter.addWidget(self._build_overview())
        splitter.addWidget(self._build_table())
        splitter.addWidget(self._build_steps())
        splitter.setSizes([420, 560, 360])
        self.body.addWidget(splitter, 1)

    # -- layout -------------------------------------------------------------------------
    def _build_top(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.file_choice = QComboBox()
        self.file_choice.setAccessibleName("File")
        self.file_choice.currentIndexChanged.connect(lambda _i: self.update_view())
        self.score = QLabel()
        self.score.setObjectName("bigFigure")
        self.score.setAccessibleName("Overall score")
        row.addWidget(QLabel("File:"))
        row.addWidget(self.file_choice)
        row.addStretch(1)
        row.addWidget(self.score)
        return row

    def _build_overview(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Columns"))
        self.bars = QualityBars()
        self.bars.columnClicked.connect(self.show_column_issue)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.bars)
        layout.addWidget(scroll, 2)
        layout.addWidget(QLabel("Issues — click one to see its rows"))
        self.issues = QListWidget()
        self.issues.setAccessibleName("Issues")
        self.issues.setToolTip("Click an issue to show only the rows it affects")
        self.issues.itemClicked.connect(self.show_issue)
        layout.addWidget(self.issues, 1)
        return box

    def _build_table(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.filter_label = QLabel("All rows")
        self.show_all_button = QPushButton("Show all rows")
        self.show_all_button.clicked.connect(self.show_all_rows)
        self.show_all_button.setToolTip("Stop filtering: show every row again")
        self.show_all_button.setEnabled(False)
        row.addWidget(self.filter_label, 1)
        row.addWidget(self.show_all_button)
        layout.addLayout(row)
        self.model = FrameModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Data")
        self.table.setWordWrap(False)  # a row is one line: a long phone number is cut, not folded in two
        layout.addWidget(self.table, 1)
        return box

    def _build_steps(self) -> QWidget:
        box = QGroupBox("Fixes")
        layout = QVBoxLayout(box)
        region_row = QHBoxLayout()
        self.region = QLineEdit()
        self.region.setMaxLength(2)
        self.region.setToolTip("Country assumed for phone numbers and postcodes that do not say (two letters);"
                               " detected from your files until you change it")
        self.region.editingFinished.connect(self._region_edited)
        region_row.addWidget(QLabel("Home country"))
        region_row.addWidget(self.region)
        layout.addLayout(region_row)
        self.steps = QListWidget()
        self.steps.setAccessibleName("Fixes")
        self.steps.setToolTip("Pick a fix to see its before-and-after preview")
        self.steps.currentRowChanged.connect(lambda _r: self._step_selected())
        layout.addWidget(self.steps, 1)
        self.settings = QFormLayout()
        layout.addLayout(self.settings)
        self.change_count = QLabel()
        self.change_count.setAccessibleName("Cells that will change")
        layout.addWidget(self.change_count)
        self.preview_table = QTableWidget(0, 3)
        self.preview_table.setHorizontalHeaderLabels(["Column", "Before", "After"])
        self.preview_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.preview_table.verticalHeader().hide()
        self.preview_table.setAccessibleName("Before and after")
        self.preview_hint = QLabel()
        self.preview_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_hint.setWordWrap(True)
        self.preview_hint.setFrameShape(QFrame.Shape.StyledPanel)  # the same box the table will fill
        self.preview_hint.setAccessibleName("Before and after")
        self.preview_stack = QStackedWidget()  # the hint until a fix is picked, then its preview
        self.preview_stack.addWidget(self.preview_hint)
        self.preview_stack.addWidget(self.preview_table)
        layout.addWidget(self.preview_stack, 2)
        buttons = QHBoxLayout()
        self.spellings_button = QPushButton("Spellings…")
        self.spellings_button.setToolTip("Find values written in different ways and keep one spelling")
        self.spellings_button.clicked.connect(self.open_spellings)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("primary")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(lambda: self.apply_current())
        self.apply_button.setToolTip("Apply the chosen fix to the data; Undo brings it back")
        buttons.addWidget(self.spellings_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        layout.addLayout(buttons)
        return box

    # -- state ----------------------------------------------------------------------------
    @property
    def current_file(self) -> str:
        return self.file_choice.currentData() or "crm"

    def waiting_for(self) -> str | None:
        return None if self.document.frame("crm") is not None else "Import a customer list first"

    def status(self) -> tuple[str, str]:
        if self.document.frame("crm") is None:
            return NOT_STARTED, ""
        applied = quality.applied_count(self.document)
        score = self.report.files["crm"].score_text() if self.report and "crm" in self.report.files else ""
        if applied:
            fixes = f"{applied} fix applied" if applied == 1 else f"{applied} fixes applied"
            return DONE, fixes + (f", {score}" if score else "")
        return (NEEDS_ATTENTION, score) if score else (NOT_STARTED, "")

    def refresh(self) -> None:
        if not self.region.hasFocus():
            self.region.setText(document_region(self.document) or "")
        self._fill_file_choice()
        frame = self.document.frame(self.current_file)
        self.model.set_frame(frame)
        self.show_all_rows()
        key = quality.check_key(self.document)
        if key != self._reported_for:
            self._reported_for = key
            self.report = None
            self.score.setText("Checking…")
            run_action(self, quality.check(self.document), self._report_done)
        else:
            self._show_report()
            self._fill_steps()

    def reset(self) -> None:
        super().reset()
        self._suggested = {}
        self.score.clear()
        self.bars.set_rows([])
        self.issues.clear()
        self.steps.clear()
        self.change_count.clear()
        self.preview_table.setRowCount(0)
        self._show_preview_hint()

    def region_code(self) -> str | None:
        """The region the checks use: the project's (None while nothing says one)."""
        return document_region(self.document)

    def _region_edited(self) -> None:
        text = self.region.text().strip()
        try:
            if text and text.upper() != self.region_code():
                set_document_region(self.document, text)  # saved with the project; redraws
        except LocalReachError as exc:
            self.show_error(exc)
        self.update_view()

    def _fill_file_choice(self) -> None:
        wanted = [n for n in FILES if self.document.frame(n) is not None]
        have = [self.file_choice.itemData(i) for i in range(self.file_choice.count())]
        if wanted != have:
            current = self.current_file
            self.file_choice.blockSignals(True)
            self.file_choice.clear()
            for name in wanted:
                self.file_choice.addItem(FILES[name], name)
            self.file_choice.setCurrentIndex(max(0, wanted.index(current) if current in wanted else 0))
            self.file_choice.blockSignals(False)

    # -- the report -------------------------------------------------------------------------
    def _report_done(self, checked: quality.Checked) -> None:
        self.report, self._suggested = checked.report, checked.fixes
        self._show_report()
        self._fill_steps()
        self.statusChanged.emit()

    def _show_report(self) -> None:
        if self.report is None or self.current_file not in self.report.files:
            return
        file_report = self.report.files[self.current_file]
        self.score.setText(file_report.score_text())
        self.bars.set_rows([
            BarRow(c.column, c.column if c.role == Role.OTHER else f"{c.column} ({role_label(c.role)})",
                   c.valid, c.missing, c.invalid)
            for c in file_report.columns
        ])
        self.issues.clear()
        for i, issue in enumerate(self.report.issues):
            if issue.file != self.current_file:
                continue
            item = QListWidgetItem(issue.message)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.issues.addItem(item)

    def show_issue(self, item: QListWidgetItem) -> None:
        """Filter the table to the rows that have the clicked issue."""
        issue = self.report.issues[item.data(Qt.ItemDataRole.UserRole)]
        if not issue.rows:
            return
        self.model.set_row_filter(np.asarray(issue.rows))
        self.filter_label.setText(f"Showing {len(issue.rows):,} rows: {issue.message}")
        self.show_all_button.setEnabled(True)

    def show_column_issue(self, column: str) -> None:
        """A click on a column's bar shows its first issue (invalid before empty)."""
        for i in range(self.issues.count()):
            item = self.issues.item(i)
            issue = self.report.issues[item.data(Qt.ItemDataRole.UserRole)]
            if issue.column == column and issue.kind == "invalid":
                return self.show_issue(item)
        for i in range(self.issues.count()):
            item = self.issues.item(i)
            if self.report.issues[item.data(Qt.ItemDataRole.UserRole)].column == column:
                return self.show_issue(item)

    def show_all_rows(self) -> None:
        self.model.set_row_filter(None)
        self.filter_label.setText("All rows")
        self.show_all_button.setEnabled(False)

    # -- steps ----------------------------------------------------------------------------
    def _fill_steps(self) -> None:
        """The fixes worked out with the report (in the background) for the file shown."""
        steps = self._suggested.get(self.current_file, [])
        shown = [self.steps.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.steps.count())]
        if steps == shown:
            return
        row = self.steps.currentRow()
        self.steps.blockSignals(True)
        self.steps.clear()
        for step in steps:
            item = QListWidgetItem(quality.fix_title(step))
            item.setData(Qt.ItemDataRole.UserRole, step)
            self.steps.addItem(item)
        self.steps.blockSignals(False)
        self.steps.setCurrentRow(min(row, self.steps.count() - 1) if row >= 0 else -1)
        self._show_preview_hint()

    def _show_preview_hint(self) -> None:
        """The before-and-after table once a fix is picked; until then one line saying so
        (nothing while the file is still being checked: no fixes to pick yet)."""
        self.preview_hint.setText(PICK_A_FIX if self.steps.count() else "")
        self.preview_stack.setCurrentWidget(self.preview_table if self.steps.currentItem()
                                            else self.preview_hint)

    def _step_selected(self) -> None:
        while self.settings.rowCount():
            self.settings.removeRow(0)
        self._controls = {}
        self._show_preview_hint()
        item = self.steps.currentItem()
        if item is None:
            return
        step = item.data(Qt.ItemDataRole.UserRole)
        if step["step"] == "dates":
            for col, fmt in step["formats"].items():
                combo = QComboBox()
                for f in FORMATS:
                    combo.addItem(FORMAT_LABELS[f], f)
                combo.setCurrentIndex(FORMATS.index(fmt))
                combo.currentIndexChanged.connect(lambda _i: self.update_preview())
                self._controls[f"format:{col}"] = combo
                self.settings.addRow(f"Dates in '{col}'", combo)
        elif step["step"] == "money":
            self._add_choice("decimal", "Decimal mark", DECIMALS, step["decimal"])
        elif step["step"] == "impute":
            self._add_choice("method", "Fill gaps with", [(IMPUTE_LABELS[m], m) for m in IMPUTE_METHODS],
                             step["method"])
        self.update_preview()

    def _add_choice(self, key: str, label: str, choices: list[tuple[str, str]], current: str) -> None:
        combo = QComboBox()
        for text, value in choices:
            combo.addItem(text, value)
        combo.setCurrentIndex([v for _, v in choices].index(current))
        combo.currentIndexChanged.connect(lambda _i: self.update_preview())
        self._controls[key] = combo
        self.settings.addRow(label, combo)

    def current_step(self) -> dict | None:
        """The selected step with the user's settings applied."""
        item = self.steps.currentItem()
        if item is None:
            return None
        step = dict(item.data(Qt.ItemDataRole.UserRole))
        for key, widget in self._controls.items():
            if key.startswith("format:"):
                step["formats"] = {**step["formats"], key[7:]: widget.currentData()}
            else:
                step[key] = widget.currentData()
        return step

    def update_preview(self, step: dict | None = None) -> None:
        """Compute before -> after in the background; Apply waits for it."""
        step = step or self.current_step()
        self.apply_button.setEnabled(False)
        self._pending_step = step
        if step is None:
            return
        frame = self.document.frame(self.current_file)
        self.change_count.setText("Working out what will change…")
        run_action(self, quality.preview_fix(self.document, self.current_file, step),
                   lambda pv: self._preview_done(step, frame, pv), slot=PREVIEW_SLOT)

    def _preview_done(self, step: dict, frame, pv) -> None:
        if step != self._pending_step or frame is not self.document.frame(self.current_file):
            return
        self.last_preview = pv
        self._previewed = (step, frame)
        report = pv.report
        self.change_count.setText(quality.preview_text(report))
        cells = quality.preview_cells(pv)
        self.preview_table.setRowCount(len(cells))
        for r, values in enumerate(cells):
            for c, value in enumerate(values):
                self.preview_table.setItem(r, c, QTableWidgetItem(value))
        self.apply_button.setEnabled(report.changed_cells > 0 or bool(report.added_columns))

    def apply_current(self, step: dict | None = None) -> None:
        step = step or self._pending_step
        frame = self.document.frame(self.current_file)
        self.apply_button.setEnabled(False)
        seen = self._previewed
        done = self.last_preview if seen and seen[0] == step and seen[1] is frame else None
        action = quality.apply_fix(self.document, self.current_file, step, done)
        if done is not None:
            action.run()  # the preview already holds the whole table's result
        else:
            run_action(self, action)

    # -- spellings ------------------------------------------------------------------------
    def category_columns(self) -> list[str]:
        return quality.category_columns(self.document, self.current_file)

    def open_spellings(self) -> ClusterDialog:
        dialog = ClusterDialog(self.document.frame(self.current_file), self.category_columns(), self.jobs, self)
        dialog.accepted.connect(lambda: self.preview_merge(dialog.merge_config()))
        dialog.open()
        return dialog

    def preview_merge(self, config) -> None:
        """Show the merge (a ValueMergeConfig) like any other fix: preview first, then Apply."""
        step = quality.merge_fix(config)
        item = QListWidgetItem(quality.fix_title(step))
        item.setData(Qt.ItemDataRole.UserRole, step)
        self.steps.blockSignals(True)
        self.steps.addItem(item)
        self.steps.setCurrentItem(item)
        self.steps.blockSignals(False)
        self._step_selected()
