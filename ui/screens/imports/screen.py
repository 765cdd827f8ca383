"""Import screen: the welcome choices, file options with a live preview, column roles.

A chosen file is previewed (first rows, in the background) with the detected roles;
the user adjusts encoding, delimiter, sheet, header row and roles, then imports. The
import is one undoable action; changing a role afterwards is another.
"""

from __future__ import annotations

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
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.actions import imports
from app.project import recent_projects
from app.region import region_source, set_document_region
from app.settings import Settings
from core.errors import LocalReachError
from core.roles import Role
from ui.screens.base import DONE, NOT_STARTED, StepScreen
from ui.widgets.actions import run_action
from ui.widgets.frame_model import FrameModel
from ui.widgets.role_names import role_label

TARGETS = {"crm": "Customer list", "sales": "Sales"}
MORE = "more"  # the pending file is another customer list, to be linked with the others
EVENTS_SLOT = "import-events"  # the events sentence's job: runs beside a preview, not in its place
ENCODINGS = [("Automatic", None), ("UTF-8", "utf-8"), ("Western (Windows-1252)", "cp1252"), ("UTF-16", "utf-16")]
DELIMITERS = [("Automatic", None), ("Comma ,", ","), ("Semicolon ;", ";"), ("Tab", "\t"), ("Pipe |", "|")]
ALL_SHEETS = "\x00all"  # the sheet picker's "every sheet" entry (no sheet can have this name)
FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.xlsb *.ods);;All files (*)"


class Screen(StepScreen):
    openProjectRequested = Signal(str)  # a recent project chosen on the welcome panel

    STEP = "import"
    TITLE = "Import"
    PROJECT_CACHE = ("pending", "_sales_next", "_events_for")
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
        self._events_for: tuple | None = None  # (events, customers) the events sentence is of
        self.body.addWidget(self._build_welcome(), 1)
        self.workspace = self._build_workspace()
        self.body.addWidget(self.workspace, 1)

    # -- layout -----------------------------------------------------------------------
    def _build_welcome(self) -> QWidget:
        self.welcome = QWidget()
        column = QVBoxLayout(self.welcome)
        column.addStretch(1)
        self.hello = QLabel("Welcome! Start with a made-up shop, or with your own customer list and sales file.")
        self.hello.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hello.setObjectName("welcomeText")
        column.addWidget(self.hello)
        row = QHBoxLayout()
        column.addLayout(row)
        self.promise = QLabel("Your files are only read, never changed. Nothing leaves this computer.")
        self.promise.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.promise)
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
        self.add_list_button = QPushButton("Add another customer list…")
        self.add_list_button.setToolTip("Another list of your customers (newsletter, till, old CRM): "
                                        "it is linked with the others into one row per person")
        self.add_list_button.clicked.connect(lambda: self.choose_file(MORE))
        top.addWidget(self.add_list_button)  # a file to choose, like the buttons before it
        self.events_button = QPushButton("Add an events file…")
        self.events_button.setToolTip("Web analytics (Google Analytics 4, Matomo) or a shop's abandoned "
                                      "checkouts: visits, viewed products and carts left per customer")
        self.events_button.clicked.connect(self.choose_events_file)
        top.addWidget(self.events_button)
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
        self.events_label = QLabel()
        self.events_label.setWordWrap(True)
        self.events_label.setAccessibleName("Events file")
        self.events_label.setVisible(False)
        layout.addWidget(self.events_label)
        self.lists_label = QLabel()
        self.lists_label.setWordWrap(True)
        self.lists_label.setAccessibleName("Customer lists")
        layout.addWidget(self.lists_label)
        layout.addLayout(self._build_region_row())

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
        self.list_name = QLineEdit()
        self.list_name.setAccessibleName("Name of this customer list")
        self.list_name.setToolTip("How this list is named beside its people (e.g. Newsletter, Till)")
        form.addRow("Text encoding", self.encoding)
        form.addRow("Column separator", self.delimiter)
        form.addRow("Sheet", self.sheet)
        form.addRow("Header row", self.header_row)
        form.addRow("List name", self.list_name)
        form.setRowVisible(self.list_name, False)
        self.options_form = form
        for combo in (self.encoding, self.delimiter, self.sheet):
            combo.currentIndexChanged.connect(self.update_preview)
        self.header_row.valueChanged.connect(self.update_preview)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Import warnings")
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName("Import report")
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
        side.addWidget(self.notes)
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

    def _build_region_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.region = QLineEdit()
        self.region.setMaxLength(2)
        self.region.setFixedWidth(48)
        self.region.setAccessibleName("Home country")
        self.region.setToolTip("Country (two letters) for phone numbers and postcodes written without "
                               "one; found in your files until you change it. Quality and Privacy use it.")
        self.region.editingFinished.connect(self._region_edited)
        self.region_how = QLabel()
        self.region_how.setAccessibleName("Where the home country comes from")
        row.addWidget(QLabel("Home country"))
        row.addWidget(self.region)
        row.addWidget(self.region_how)
        row.addStretch(1)
        return row

    def _region_edited(self) -> None:
        text = self.region.text().strip()
        try:
            if text and text.upper() != region_source(self.document)[0]:
                set_document_region(self.document, text)  # saved with the project
        except LocalReachError as exc:
            self.show_error(exc)
        self._show_region()

    def _show_region(self) -> None:
        code, how = region_source(self.document)
        if not self.region.hasFocus():
            self.region.setText(code or "")
        self.region_how.setText(f"({how})")

    # -- state ----------------------------------------------------------------------------
    @property
    def target(self) -> str:
        return next(k for k, b in self.target_buttons.items() if b.isChecked())

    def status(self) -> tuple[str, str]:
        figure = imports.status_figure(self.document)
        return (DONE, figure) if figure else (NOT_STARTED, "")

    def _pending_shows(self, target: str) -> bool:
        """The previewed file belongs under ``target`` (another list under the customer list)."""
        return self.pending is not None and (self.pending[0] if self.pending[0] != MORE else "crm") == target

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
        crm_source = doc.source("crm") or {}
        self.add_list_button.setVisible(doc.frame("crm") is not None and not crm_source.get("from_sales"))
        self.lists_label.setText(imports.lists_text(doc))
        self.lists_label.setVisible(bool(self.lists_label.text()))
        self._show_events()
        if empty:  # the row is on the hidden workspace; working it out loads the countries (35 ms)
            self.region.clear()
            self.region_how.clear()
        else:
            self._show_region()
        if self._pending_shows(self.target):
            return  # the preview of the chosen file stays on screen
        frame = self.document.frame(self.target)
        self.options_box.setVisible(False)
        self.import_button.setVisible(False)
        if frame is None:
            self._show_frame(pd.DataFrame(), {})
            self.summary.setText(f"No {TARGETS[self.target].lower()} yet")
            self.warnings.setText("")
            self.notes.setText("")
            self._fill_roles({}, editable=False)
            return
        source = self.document.source(self.target) or {}
        roles = self.document.roles(self.target)
        self._show_frame(frame, roles)
        name = Path(source.get("path", "")).name
        origin = (f"customers taken from {name}" if source.get("from_sales")
                  else "People of the linked lists" if source.get("linked_lists") else name)
        self.summary.setText(
            f"{origin}: {self.locale().toString(len(frame))} rows, {frame.shape[1]} columns"
        )
        self.warnings.setText(_warnings_text(source.get("warnings", [])))
        self.notes.setText("\n".join(source.get("notes", [])))
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

        what = "another customer list" if target == MORE else f"the {TARGETS[target].lower()}"
        path = remember(QFileDialog.getOpenFileName(self, caption or f"Choose {what}", start_folder(),
                                                    FILE_FILTER)[0])
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
        self.target_buttons["crm" if target == MORE else target].setChecked(True)
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
        more = target == MORE
        self.options_form.setRowVisible(self.list_name, more)
        self.list_name.setText(imports.list_name(self.document, path) if more else "")
        self.import_button.setVisible(True)
        self.import_button.setText("Add and link this list" if more else f"Import {TARGETS[target].lower()}")
        self.update_preview()

    def settings(self) -> dict:
        """The file options as chosen (None = automatic), for :mod:`app.actions.imports`."""
        return {"encoding": self.encoding.currentData(), "delimiter": self.delimiter.currentData(),
                "sheet": None if self.all_sheets() else self.sheet.currentData(),
                "header_row": self.header_row.value() - 1 if self.header_row.value() else None,
                "all_sheets": self.all_sheets()}

    def all_sheets(self) -> bool:
        return self.sheet.currentData() == ALL_SHEETS

    def update_preview(self) -> None:
        if self.pending is None:
            return
        path = self.pending[1]
        list_them = path.suffix.lower() == ".xlsx" and self.sheet.count() == 0
        run_action(self, imports.preview(path, self.settings(), list_them), self._previewed)

    def _previewed(self, shown: imports.Preview) -> None:
        if shown.sheets and self.sheet.count() == 0:
            self._fill_sheets(shown.sheets)
        self._preview_roles = shown.roles
        self._show_frame(shown.frame, shown.roles)
        self.summary.setText(f"Preview of {self.pending[1].name}: first {len(shown.frame)} rows, "
                             f"{shown.frame.shape[1]} columns")
        self.warnings.setText(_warnings_text(shown.warnings))
        self.notes.setText("")
        self._fill_roles(shown.roles, editable=True)

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
        settings, roles = self.settings(), dict(self._preview_roles)
        if target == MORE:
            try:
                action = imports.add_customer_list(self.document, path, settings, roles, self.list_name.text())
            except LocalReachError as exc:
                return self.show_error(exc)
            return run_action(self, action, self._linked)
        run_action(self, imports.import_file(self.document, target, path, settings, roles), self._imported)

    def _imported(self, done: imports.Imported) -> None:
        self.pending = None
        self.show_target(done.target)
        self.check_sales_match()
        if done.target == "crm" and self._sales_next:
            self._ask_for_sales()

    def _linked(self, done: imports.Linked | None) -> None:
        self.pending = None
        self.show_target("crm")
        self.check_sales_match()
        if done is not None and done.fixes_skipped:
            self.notes.setText(f"{done.fixes_skipped} earlier Quality fix(es) no longer fit the linked "
                               "people's columns and were not made again: check the Quality step.")

    def load_demo(self) -> None:
        """Import the shipped demo customer list and sales in one go."""
        run_action(self, imports.load_demo(self.document), lambda _done: self._linked(None))

    # -- an events file -------------------------------------------------------------------
    def choose_events_file(self) -> None:
        from ui.widgets.file_dialogs import remember, start_folder

        path = remember(QFileDialog.getOpenFileName(self, "Choose an events file", start_folder(),
                                                    FILE_FILTER)[0])
        if path:
            self.add_events_file(Path(path))

    def add_events_file(self, path: Path) -> None:
        """Import ``path`` as the events file; its sentence follows (:meth:`_show_events`)."""
        run_action(self, imports.add_events(self.document, path), lambda _done: self.update_view())

    def _show_events(self) -> None:
        """The events file's sentence, found again whenever the events or the customers
        changed (import, undo, open, New project)."""
        key = (self.document.frame(imports.EVENTS), self.document.frame("crm"))
        if self._events_for is not None and all(a is b for a, b in zip(key, self._events_for, strict=True)):
            return
        self._events_for = key
        action = imports.events_text(self.document)
        self.events_label.setVisible(action is not None)
        if action is not None:
            self.events_label.setText("Finding whose the events are…")
            run_action(self, action, self.events_label.setText, slot=EVENTS_SLOT)

    # -- do the files fit together? -------------------------------------------------------
    def check_sales_match(self) -> None:
        """Say at once how many sales lines belong to a customer, and what to do if few do."""
        action = imports.sales_match(self.document)
        self.match_label.setVisible(action is not None)
        if action is not None:
            self.match_label.setText("Checking which sales lines belong to a customer…")
            run_action(self, action, self.match_label.setText)

    def reset(self) -> None:
        super().reset()
        for label in (self.match_label, self.lists_label, self.notes, self.warnings):
            label.clear()
            label.setVisible(label is not self.match_label)

    # -- roles -----------------------------------------------------------------------------
    def current_roles(self) -> dict[str, str]:
        if self._pending_shows(self.target):
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

    def _shown_roles(self) -> list[tuple[str, str, bool]]:
        """(column, role, editable) as the roles table shows them now."""
        table = self.roles_table
        return [(table.cellWidget(row, 0).text()[1:], table.cellWidget(row, 1).currentData(),
                 table.cellWidget(row, 1).isEnabled()) for row in range(table.rowCount())]

    def _fill_roles(self, roles: dict[str, str], editable: bool) -> None:
        """One label and one combo per column; not rebuilt when it shows these already
        (an import shows the roles its preview showed: ~0.2 s of widgets at 100k rows)."""
        if self._shown_roles() == [(c, r, editable) for c, r in roles.items()]:
            return
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
        if self._pending_shows(self.target):
            self._preview_roles[column] = role
            self.model.set_header_notes({c: role_label(r) for c, r in self._preview_roles.items()})
            return
        imports.set_role(self.document, self.target, column, role, role_label(role))

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

