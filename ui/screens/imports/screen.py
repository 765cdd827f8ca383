"""Import screen: the welcome choices, file options with a live preview, column roles.

A chosen file is previewed (first rows, in the background) with the detected roles;
the user adjusts encoding, delimiter, sheet, header row and roles, then imports. The
import is one undoable action; changing a role afterwards is another.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.project import recent_projects
from app.settings import Settings
from core.io import ImportOptions, list_sheets, preview_table, read_stacked, read_table
from core.resources import resource_path
from core.roles import Role, detect_roles
from ui.screens.base import DONE, NOT_STARTED, StepScreen
from ui.widgets.frame_model import FrameModel
from ui.widgets.role_names import role_label

TARGETS = {"crm": "Customer list", "sales": "Sales"}
ENCODINGS = [("Automatic", None), ("UTF-8", "utf-8"), ("Western (Windows-1252)", "cp1252"), ("UTF-16", "utf-16")]
DELIMITERS = [("Automatic", None), ("Comma ,", ","), ("Semicolon ;", ";"), ("Tab", "\t"), ("Pipe |", "|")]
ALL_SHEETS = "\x00all"  # the sheet picker's "every sheet" entry (no sheet can have this name)
FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.xlsb *.ods);;All files (*)"


class Screen(StepScreen):
    openProjectRequested = Signal(str)  # a recent project chosen on the welcome panel

    STEP = "import"
    TITLE = "Import"
    PROJECT_CACHE = ("pending", "_sales_next")
    INTRO = (
        "Bring in your customer list and your sales file. LocalReach only reads them — "
        "your files are never changed, and nothing leaves this computer."
    )

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.setAcceptDrops(True)
        self.pending: tuple[str, Path] | None = None  # (target, path) previewed, not imported
        self._sales_next = False  # "Import my files…": ask for the sales file after the list
        self._preview_roles: dict[str, str] = {}
        self.body.addWidget(self._build_welcome(), 1)
        self.workspace = self._build_workspace()
        self.body.addWidget(self.workspace, 1)

    # -- layout -----------------------------------------------------------------------
    def _build_welcome(self) -> QWidget:
        self.welcome = QWidget()
        column = QVBoxLayout(self.welcome)
        column.addStretch(1)
        hello = QLabel("Welcome! Start with a made-up shop, or with your own customer list and sales file.")
        hello.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hello.setObjectName("welcomeText")
        column.addWidget(hello)
        row = QHBoxLayout()
        column.addLayout(row)
        promise = QLabel("Your files are only read, never changed. Nothing leaves this computer.")
        promise.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(promise)
        self.recent_box = QGroupBox("Recent projects")
        self.recent_box.setAccessibleName("Recent projects")
        self.recent_list = QVBoxLayout(self.recent_box)
        recent_row = QHBoxLayout()
        recent_row.addStretch(1)
        recent_row.addWidget(self.recent_box, 2)
        recent_row.addStretch(1)
        column.addLayout(recent_row)
        column.addStretch(2)
        self.demo_button = QPushButton("Try the demo data")
        self.demo_button.setObjectName("bigChoice")
        self.demo_button.setToolTip("Load a made-up shop's customers and sales to explore every step")
        self.demo_button.clicked.connect(self.load_demo)
        self.files_button = QPushButton("Import my files…")
        self.files_button.setObjectName("bigChoice")
        self.files_button.setToolTip("Choose your customer list, then your sales file (CSV or Excel); "
                                     "a sales file alone will do too")
        self.files_button.clicked.connect(self.start_guided)
        row.addStretch(1)
        row.addWidget(self.demo_button)
        row.addWidget(self.files_button)
        row.addStretch(1)
        return self.welcome

    def _fill_recent(self) -> None:
        """One button per recent project that still exists (newest first)."""
        while self.recent_list.count():
            old = self.recent_list.takeAt(0).widget()
            old.setParent(None)
            old.deleteLater()
        paths = recent_projects(Settings())[:5]
        for path in paths:
            button = QPushButton(f"{path.stem}   —   {path.parent}")
            button.setFlat(True)
            button.setToolTip(f"Open {path}")
            button.setAccessibleName(f"Open recent project {path.stem}")
            button.clicked.connect(lambda _=False, p=str(path): self.openProjectRequested.emit(p))
            self.recent_list.addWidget(button)
        self.recent_box.setVisible(bool(paths))

    def _build_workspace(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)

        top = QHBoxLayout()
        self.target_group = QButtonGroup(self)
        self.target_buttons: dict[str, QPushButton] = {}
        for key, label in TARGETS.items():
            button = QPushButton(label)
            button.setCheckable(True)
            button.setToolTip(f"Show or replace the {label.lower()}")
            button.clicked.connect(lambda _=False, k=key: self.show_target(k))
            self.target_group.addButton(button)
            self.target_buttons[key] = button
            top.addWidget(button)
        self.target_buttons["crm"].setChecked(True)
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.setToolTip("Pick a CSV, TSV, TXT or Excel file (Ctrl+O)")
        self.choose_button.setShortcut("Ctrl+O")
        self.choose_button.clicked.connect(lambda: self.choose_file(self.target))
        top.addWidget(self.choose_button)
        top.addStretch(1)
        self.summary = QLabel()
        self.summary.setAccessibleName("Import summary")
        top.addWidget(self.summary)
        layout.addLayout(top)
        self.match_label = QLabel()
        self.match_label.setObjectName("summaryFigure")
        self.match_label.setWordWrap(True)
        self.match_label.setAccessibleName("Sales lines that belong to a customer")
        self.match_label.setVisible(False)
        layout.addWidget(self.match_label)

        options = QGroupBox("File options")
        form = QFormLayout(options)
        self.encoding = QComboBox()
        for label, value in ENCODINGS:
            self.encoding.addItem(label, value)
        self.encoding.setToolTip("How the text is stored; Automatic checks UTF-8, then Western (Windows-1252)")
        self.delimiter = QComboBox()
        for label, value in DELIMITERS:
            self.delimiter.addItem(label, value)
        self.delimiter.setToolTip("What separates the columns in a text file")
        self.sheet = QComboBox()
        self.sheet.setToolTip("Which sheet of an Excel workbook to import, or all of them one under the other")
        self.header_row = QSpinBox()
        self.header_row.setRange(0, 50)
        self.header_row.setSpecialValueText("Automatic")
        self.header_row.setToolTip("The row that holds the column names (1 = first row)")
        form.addRow("Text encoding", self.encoding)
        form.addRow("Column separator", self.delimiter)
        form.addRow("Sheet", self.sheet)
        form.addRow("Header row", self.header_row)
        for combo in (self.encoding, self.delimiter, self.sheet):
            combo.currentIndexChanged.connect(self.update_preview)
        self.header_row.valueChanged.connect(self.update_preview)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Import warnings")
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("primary")
        self.import_button.clicked.connect(self.import_pending)
        side = QVBoxLayout()
        side.addWidget(options)
        side.addWidget(QLabel("Column roles — what each column holds:"))
        self.roles_table = QTableWidget(0, 2)
        self.roles_table.setHorizontalHeaderLabels(["Column", "Holds"])
        self.roles_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.roles_table.verticalHeader().hide()
        self.roles_table.setAccessibleName("Column roles")
        side.addWidget(self.roles_table, 1)
        side.addWidget(self.warnings)
        side.addWidget(self.import_button)
        side_widget = QWidget()
        side_widget.setLayout(side)

        self.model = FrameModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # only when the user clicks a header
        self.table.setAccessibleName("Data preview")
        self.table.horizontalHeader().setDefaultSectionSize(130)
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip("Click to sort; right-click a column to change what it holds")
        splitter = QSplitter()
        splitter.addWidget(side_widget)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 800])
        layout.addWidget(splitter, 1)
        self.options_box = options
        return box

    # -- state ----------------------------------------------------------------------------
    @property
    def target(self) -> str:
        return next(k for k, b in self.target_buttons.items() if b.isChecked())

    def status(self) -> tuple[str, str]:
        crm, sales = self.document.frame("crm"), self.document.frame("sales")
        parts = [f"{len(f):,} {what} rows"
                 for f, what in ((crm, "customer"), (sales, "sales")) if f is not None]
        return (DONE, " · ".join(parts)) if parts else (NOT_STARTED, "")

    def refresh(self) -> None:
        doc = self.document
        empty = doc.frame("crm") is None and doc.frame("sales") is None and self.pending is None
        if self.pending is None and doc.frame(self.target) is None:
            other = next((t for t in TARGETS if doc.frame(t) is not None), None)
            if other:  # a sales file alone: show it, not an empty customer list
                self.target_buttons[other].setChecked(True)
        if empty:
            self._fill_recent()
        self.welcome.setVisible(empty)
        self.workspace.setVisible(not empty)
        if self.pending is not None and self.pending[0] == self.target:
            return  # the preview of the chosen file stays on screen
        frame = self.document.frame(self.target)
        self.options_box.setVisible(False)
        self.import_button.setVisible(False)
        if frame is None:
            self._show_frame(pd.DataFrame(), {})
            self.summary.setText(f"No {TARGETS[self.target].lower()} yet")
            self.warnings.setText("")
            self._fill_roles({}, editable=False)
            return
        source = self.document.source(self.target) or {}
        roles = self.document.roles(self.target)
        self._show_frame(frame, roles)
        name = Path(source.get("path", "")).name
        origin = f"customers taken from {name}" if source.get("from_sales") else name
        self.summary.setText(
            f"{origin}: {self.locale().toString(len(frame))} rows, {frame.shape[1]} columns"
        )
        self.warnings.setText(_warnings_text(source.get("warnings", [])))
        self._fill_roles(roles, editable=True)

    def _show_frame(self, frame: pd.DataFrame, roles: dict[str, str]) -> None:
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_frame(frame)
        self.model.set_header_notes({c: role_label(r) for c, r in roles.items()})

    def show_target(self, target: str) -> None:
        self.target_buttons[target].setChecked(True)
        self.update_view()

    # -- choosing and previewing ---------------------------------------------------------
    def choose_file(self, target: str, caption: str = "") -> bool:
        """Ask for the file of ``target`` and preview it; False when the user cancelled."""
        from ui.widgets.file_dialogs import remember, start_folder

        path = remember(QFileDialog.getOpenFileName(
            self, caption or f"Choose the {TARGETS[target].lower()}", start_folder(), FILE_FILTER)[0])
        if path:
            self.preview_file(target, Path(path))
        return bool(path)

    def start_guided(self) -> None:
        """The customer list, then the sales file; Cancel on the first asks for sales alone."""
        if self.choose_file("crm", "1 of 2: your customer list (Cancel if you only have a sales file)"):
            self._sales_next = True
        else:
            self.choose_file("sales", "Your sales file")

    def _ask_for_sales(self) -> None:
        self._sales_next = False
        if self.document.frame("sales") is None:
            self.choose_file("sales", "2 of 2: your sales file (Cancel to go on without one)")

    def preview_file(self, target: str, path: Path) -> None:
        """Show the first rows of ``path`` with the automatic options."""
        self.pending = (target, path)
        self.target_buttons[target].setChecked(True)
        self.welcome.hide()
        self.workspace.show()
        for widget in (self.encoding, self.delimiter, self.header_row, self.sheet):
            widget.blockSignals(True)
        self.encoding.setCurrentIndex(0)
        self.delimiter.setCurrentIndex(0)
        self.header_row.setValue(0)
        self.sheet.clear()  # the preview job lists the sheets (reading a workbook takes a while)
        is_xlsx = path.suffix.lower() == ".xlsx"
        for widget in (self.encoding, self.delimiter, self.header_row, self.sheet):
            widget.blockSignals(False)
        self.sheet.setEnabled(is_xlsx)
        self.encoding.setEnabled(not is_xlsx)
        self.delimiter.setEnabled(not is_xlsx)
        self.options_box.setVisible(True)
        self.import_button.setVisible(True)
        self.import_button.setText(f"Import {TARGETS[target].lower()}")
        self.update_preview()

    def options(self) -> ImportOptions:
        return ImportOptions(
            encoding=self.encoding.currentData(),
            delimiter=self.delimiter.currentData(),
            sheet=None if self.all_sheets() else self.sheet.currentData(),
            header_row=self.header_row.value() - 1 if self.header_row.value() else None,
        )

    def all_sheets(self) -> bool:
        return self.sheet.currentData() == ALL_SHEETS

    def _reader(self):
        """read_table, or read_stacked when the user chose every sheet of a workbook."""
        return read_stacked if self.all_sheets() else read_table

    def update_preview(self) -> None:
        if self.pending is None:
            return
        target, path = self.pending
        options, stacked = self.options(), self.all_sheets()
        list_them = path.suffix.lower() == ".xlsx" and self.sheet.count() == 0

        def work(ctx):
            sheets = list_sheets(path) if list_them else []
            if stacked:
                frame, report = read_stacked(path, options, ctx)
                frame = frame.head(200)
            else:
                frame, report = preview_table(path, options)
            return frame, report, {c: g.role.value for c, g in detect_roles(frame).items()}, sheets

        def done(result) -> None:
            frame, report, roles, sheets = result
            if sheets and self.sheet.count() == 0:
                self._fill_sheets(sheets)
            self._preview_roles = roles
            self._show_frame(frame, roles)
            self.summary.setText(f"Preview of {path.name}: first {len(frame)} rows, {frame.shape[1]} columns")
            self.warnings.setText(_warnings_text(report.warnings))
            self._fill_roles(roles, editable=True)

        self.run_job(work, done, f"Reading {path.name}…")

    def _fill_sheets(self, sheets: list[str]) -> None:
        self.sheet.blockSignals(True)
        for name in sheets:
            self.sheet.addItem(name, name)
        if len(sheets) > 1:
            self.sheet.addItem("All sheets, one under the other", ALL_SHEETS)
        self.sheet.blockSignals(False)

    # -- importing ----------------------------------------------------------------------
    def import_pending(self) -> None:
        if self.pending is None:
            return
        target, path = self.pending
        options, roles, reader = self.options(), dict(self._preview_roles), self._reader()
        self.run_job(
            lambda ctx: reader(path, options, ctx),
            lambda result: self._finish_import(target, result, roles, options),
            f"Importing {path.name}…",
        )

    def _finish_import(self, target: str, result, roles: dict[str, str], options: ImportOptions) -> None:
        frame, report = result
        if set(roles) != set(frame.columns):
            roles = {c: g.role.value for c, g in detect_roles(frame).items()}
        self.pending = None
        doc = self.document
        report_dict = {**asdict(report), "options": asdict(options)}
        doc.set_source(target, frame, report_dict, roles, f"Import {TARGETS[target].lower()}")
        doc.audit("import", {"target": target, "options": asdict(options)}, 0, len(frame), None, frame)
        self.show_target(target)
        self.check_sales_match()
        if target == "crm" and self._sales_next:
            self._ask_for_sales()

    def load_demo(self) -> None:
        """Import the shipped demo customer list and sales in one go."""
        paths = {"crm": resource_path("demo", "crm.xlsx"), "sales": resource_path("demo", "sales.csv")}

        def work(ctx):
            out = {}
            for i, (target, path) in enumerate(paths.items()):
                ctx.progress(i, len(paths), f"Reading {path.name}…")
                frame, report = read_table(path, None, ctx)
                roles = {c: g.role.value for c, g in detect_roles(frame).items()}
                out[target] = (frame, report, roles)
            return out

        def done(result) -> None:
            doc = self.document
            doc.undo_stack.beginMacro("Load the demo data")
            for target, (frame, report, roles) in result.items():
                doc.set_source(target, frame, {**asdict(report), "options": {}}, roles, f"Import {target}")
            doc.undo_stack.endMacro()
            for target, (frame, _report, _roles) in result.items():
                doc.audit("import", {"target": target, "demo": True}, 0, len(frame), None, frame)
            self.pending = None
            self.show_target("crm")
            self.check_sales_match()

        self.run_job(work, done, "Loading the demo shop…")

    # -- do the files fit together? -------------------------------------------------------
    def check_sales_match(self) -> None:
        """Say at once how many sales lines belong to a customer, and what to do if few do."""
        from app.sales_match import match_text

        doc = self.document
        crm, sales = doc.frame("crm"), doc.frame("sales")
        if crm is None or sales is None or (doc.source("crm") or {}).get("from_sales"):
            self.match_label.setVisible(False)
            return
        args = (crm, sales, doc.roles("crm"), doc.roles("sales"))
        self.match_label.setText("Checking which sales lines belong to a customer…")
        self.match_label.setVisible(True)
        self.run_job(lambda ctx: match_text(*args, ctx), self.match_label.setText,
                     "Linking sales lines to customers…")

    def reset(self) -> None:
        super().reset()
        self.match_label.clear()
        self.match_label.setVisible(False)

    # -- roles -----------------------------------------------------------------------------
    def current_roles(self) -> dict[str, str]:
        if self.pending is not None and self.pending[0] == self.target:
            return dict(self._preview_roles)
        return self.document.roles(self.target)

    def role_menu(self, column: str) -> QMenu:
        """The role drop-down of one column, opened from its header."""
        menu = QMenu(f"What '{column}' holds", self)
        current = self.current_roles().get(column)
        for role in Role:
            action = menu.addAction(role_label(role))
            action.setCheckable(True)
            action.setChecked(role.value == current)
            action.triggered.connect(lambda _=False, r=role.value: self._set_role_everywhere(column, r))
        return menu

    def _header_menu(self, pos) -> None:
        section = self.table.horizontalHeader().logicalIndexAt(pos)
        if section >= 0:
            column = str(self.model.frame().columns[section])
            self.role_menu(column).exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _set_role_everywhere(self, column: str, role: str) -> None:
        self.change_role(column, role)
        self._fill_roles(self.current_roles(), editable=True)

    def _fill_roles(self, roles: dict[str, str], editable: bool) -> None:
        table = self.roles_table
        table.setRowCount(len(roles))
        for row, (column, role) in enumerate(roles.items()):
            name = QLabel(f" {column}")
            combo = QComboBox()
            combo.setAccessibleName(f"Role of column {column}")
            combo.setToolTip(f"What the column “{column}” holds; later steps find names, e-mails, "
                             "dates and amounts through this")
            for r in Role:
                combo.addItem(role_label(r), r.value)
            combo.setCurrentIndex(max(0, combo.findData(role)))
            combo.setEnabled(editable)
            combo.currentIndexChanged.connect(lambda _i, c=column, cb=combo: self.change_role(c, cb.currentData()))
            table.setCellWidget(row, 0, name)
            table.setCellWidget(row, 1, combo)

    def change_role(self, column: str, role: str) -> None:
        if self.pending is not None and self.pending[0] == self.target:
            self._preview_roles[column] = role
            self.model.set_header_notes({c: role_label(r) for c, r in self._preview_roles.items()})
            return
        roles = self.document.roles(self.target)
        if roles.get(column) == role:
            return
        roles[column] = role
        self.document.set_roles(self.target, roles, f"Set '{column}' to {role_label(role)}")

    # -- drag and drop --------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            target = self.target if self.document.frame("crm") is not None else "crm"
            self.preview_file(target, Path(urls[0].toLocalFile()))
            event.acceptProposedAction()


def _warnings_text(warnings: list[str]) -> str:
    return "\n".join(f"⚠ {w}" for w in warnings)

