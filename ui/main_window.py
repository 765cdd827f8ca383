"""The main window: step sidebar, one screen per step, menus, status bar.

Only the first screen is built before the window paints: the others pull in the heavy
engines (scipy, scikit-learn, matplotlib, jinja2), so a worker thread imports their
modules after the window's first paint, and each screen is built when that is done, or at once
when someone asks for it first (:class:`Screens`). The sidebar shows each step's status as a symbol *and* a word (colour is never the
only signal) plus one figure, taken from the screen's :meth:`StepScreen.status`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QEventLoop, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.document import Document
from app.jobs import JobRunner, user_message
from app.main_thread_gc import keep_what_is_built, release_what_was_kept
from app.project import SAVE_SLOT, open_document, recent_projects, start_save
from app.relay import Relay, relay
from app.settings import Settings
from core.errors import LocalReachError
from ui.screens import MODULES, STEPS
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.widgets.about import AboutDialog
from ui.widgets.file_dialogs import remember, start_folder, start_in
from ui.widgets.help import TextDialog, guide_html, shortcuts_html
from ui.widgets.tour import Tour
from ui.widgets.wheel_guard import install_wheel_guard
from ui.widgets.window_fit import fit_to

PROJECT_FILTER = "LocalReach projects (*.lreach)"
STATUS_MARK = {DONE: "✓", NEEDS_ATTENTION: "!", NOT_STARTED: "○"}
INDENT = " " * 6  # a figure's lines sit under the step's title


def _screen_module(step: str) -> str:
    return f"ui.screens.{MODULES.get(step, step)}.screen"


def _screen_class(step: str) -> type[StepScreen]:
    return importlib.import_module(_screen_module(step)).Screen


ENGINES_LOADED = "engines loaded"  # the relay's news: every screen's module is imported


def _import_engines(news: Relay, window: int) -> None:
    """Worker thread: import every screen's module (and so its engine) off the GUI thread,
    then tell the window (by its id) to build the screens."""
    for step, _title in STEPS:
        importlib.import_module(_screen_module(step))
    news.fired.emit(ENGINES_LOADED, window)


class Screens(Mapping):
    """Step id -> screen, in sidebar order; a screen is built the first time it is read."""

    def __init__(self, build) -> None:
        self._build = build
        self.built: dict[str, StepScreen] = {}

    def __getitem__(self, step: str) -> StepScreen:
        if step not in self.built:
            if step not in dict(STEPS):
                raise KeyError(step)
            self.built[step] = self._build(step)
        return self.built[step]

    def __iter__(self) -> Iterator[str]:
        return (step for step, _title in STEPS)

    def __len__(self) -> int:
        return len(STEPS)


class MainWindow(QMainWindow):

    def __init__(
        self, document: Document | None = None, settings: Settings | None = None, ask_before_close: bool = False
    ) -> None:
        """``ask_before_close`` is True in the real app; embedded and test windows just close."""
        super().__init__()
        self.ask_before_close = ask_before_close
        self.document = document or Document(self)
        self.settings = settings or Settings()
        self.jobs = JobRunner(self)
        self.document.restored.connect(self.jobs.cancel_all)  # no old result lands in a new project
        self.setMinimumSize(QSize(900, 600))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("stepSidebar")
        self.sidebar.setAccessibleName("Steps")
        self.sidebar.setFixedWidth(250)
        self.sidebar.setWordWrap(True)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        for step, _title in STEPS:
            self.stack.addWidget(QWidget())  # stands in until the screen is built
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, step)
            self.sidebar.addItem(item)
        self.screens = Screens(self._build_screen)
        self._warm_up: threading.Thread | None = None
        relay().fired.connect(self._news)
        self.sidebar.currentRowChanged.connect(self._show_row)
        self.screens[STEPS[0][0]].openProjectRequested.connect(self._open_recent)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.undo_label = QLabel()
        self.undo_label.setAccessibleName("Memory kept for undo")
        self.statusBar().addPermanentWidget(self.undo_label)
        self.document.undoMemoryChanged.connect(self.show_undo_memory)
        self.privacy_label = QLabel("Nothing leaves this computer")
        self.statusBar().addPermanentWidget(self.privacy_label)
        self.jobs.failed.connect(lambda _slot, msg: self.statusBar().showMessage(msg, 8000))
        self._build_menus()

        self.document.undo_stack.cleanChanged.connect(self.update_title)
        self.document.pathChanged.connect(lambda _p: self.update_title())
        self.document.undo_stack.indexChanged.connect(lambda _i: self.refresh_sidebar())
        self.refresh_sidebar()
        self.update_title()
        self.sidebar.setCurrentRow(0)
        geometry = self.settings.get("geometry")
        restored = bool(geometry) and self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        fit_to(self, self.screen().availableGeometry(), restored)
        install_wheel_guard(QApplication.instance())

    # -- screens, built lazily ---------------------------------------------------------
    def _build_screen(self, step: str) -> StepScreen:
        row = [s for s, _ in STEPS].index(step)
        self._wait_for_engines()
        screen = _screen_class(step)(self.document, self.jobs, self)
        current = self.stack.currentIndex()
        placeholder = self.stack.widget(row)
        self.stack.insertWidget(row, screen)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        screen.statusChanged.connect(self.refresh_sidebar)
        QTimer.singleShot(0, self, self.refresh_sidebar)  # the new screen's figure, once it is in place
        return screen

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.screens[STEPS[row][0]]  # builds it if this is its first showing
            self.stack.setCurrentIndex(row)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().paintEvent(event)
        if self._warm_up is None:  # the window is on screen: now load the rest
            # the thread holds only this window's id: it must never be the last to hold the window
            self._warm_up = threading.Thread(target=_import_engines, args=(relay(), id(self)),
                                             name="screen-warm-up", daemon=True)
            self._warm_up.start()

    def _wait_for_engines(self) -> None:
        """Import nothing on the GUI thread while the warm-up imports: two threads importing
        the same packages can each see the other's half-initialised modules."""
        if self._warm_up is not None:
            self._warm_up.join()

    @Slot(str, object)
    def _news(self, topic: str, ident: int) -> None:
        if topic == ENGINES_LOADED and ident == id(self):
            self._build_next_screen()

    def _build_next_screen(self) -> None:
        """One screen per turn of the event loop, so input is handled in between."""
        missing = [step for step, _title in STEPS if step not in self.screens.built]
        if missing:
            focused = QApplication.focusWidget()
            self.screens[missing[0]]  # reading builds it
            if focused is not None and QApplication.focusWidget() is not focused:
                focused.setFocus()  # a screen built in the background never takes the focus
            QTimer.singleShot(0, self, self._build_next_screen)
        else:
            keep_what_is_built()

    # -- menus ------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.file_menu = file_menu
        for text, key, slot in (
            ("&New project", QKeySequence.StandardKey.New, self.new_project),
            ("&Open project…", QKeySequence("Ctrl+Shift+O"), self.ask_open),
            ("&Save", QKeySequence.StandardKey.Save, self.save),
            ("Save &as…", QKeySequence.StandardKey.SaveAs, self.save_as),
        ):
            action = QAction(text, self, shortcut=key)
            action.triggered.connect(slot)
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        rerun = QAction("Run this project on &new files…", self)
        rerun.setToolTip("Repeat every step on next month's export and see what changed")
        rerun.triggered.connect(self._rerun)
        file_menu.addAction(rerun)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit = self.menuBar().addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo

        go = self.menuBar().addMenu("&Go")
        for row, (_step, title) in enumerate(STEPS):
            action = QAction(title, self, shortcut=QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, r=row: self.sidebar.setCurrentRow(r))
            go.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        guide = QAction("User &guide", self, shortcut=QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(lambda: TextDialog("User guide", guide_html(), self).open())
        tour = QAction("Take the &tour", self)
        tour.triggered.connect(self.start_tour)
        keys = QAction("&Keyboard shortcuts", self)
        keys.triggered.connect(self.show_shortcuts)
        about = QAction("&About LocalReach", self)
        about.triggered.connect(lambda: AboutDialog(self).open())
        for action in (guide, tour, keys, about):
            help_menu.addAction(action)
        self.help_menu = help_menu

    # -- project file ----------------------------------------------------------------------
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_projects(self.settings):
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=str(path): self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def _rerun(self) -> None:
        self._wait_for_engines()
        from ui.widgets.rerun_dialog import RerunDialog  # it loads the whole recipe engine

        RerunDialog(self.document, self.jobs, self).open()

    def _open_recent(self, path: str) -> None:
        if self.confirm_discard():
            self.open_project(path)

    def new_project(self) -> None:
        if self.confirm_discard():
            self.document.restore({}, path=None)

    def ask_open(self) -> None:
        if not self.confirm_discard():
            return
        path = remember(QFileDialog.getOpenFileName(self, "Open project", start_folder(), PROJECT_FILTER)[0])
        if path:
            self.open_project(path)

    def open_project(self, path: str) -> None:
        try:
            open_document(path, self.document, settings=self.settings)
        except LocalReachError as exc:
            QMessageBox.warning(self, "Open project", str(exc))
            return
        self.statusBar().showMessage(f"Opened {Path(path).name}", 5000)

    def save(self) -> bool:
        if not self.document.path:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        if self.jobs.is_running(SAVE_SLOT):
            return False  # one save at a time: the running one says when it is done
        path = remember(QFileDialog.getSaveFileName(
            self, "Save project", start_in(f"{self.document.name}.lreach"), PROJECT_FILTER)[0])
        return bool(path) and self._save_to(path)

    def _save_to(self, path: str) -> bool:
        """Write the project on a worker; the window keeps painting and answering while it
        waits here, and returns whether the file was written (closing needs to know)."""
        if self.jobs.is_running(SAVE_SLOT):
            return False
        outcome: list[bool] = []

        def saved(file: Path) -> None:
            outcome.append(True)
            self.statusBar().showMessage(f"Saved {file.name}", 5000)

        def failed(exc: Exception) -> None:
            outcome.append(False)
            if isinstance(exc, OSError):
                QMessageBox.warning(self, "Save project", f"Could not write {Path(path).name}: {exc.strerror}.")
            else:  # never lose the window over a failed save
                QMessageBox.warning(self, "Save project", user_message(exc))

        self.statusBar().showMessage(f"Saving {Path(path).name}…")
        loop = QEventLoop(self)
        finished = lambda slot: slot == SAVE_SLOT and loop.quit()  # noqa: E731
        self.jobs.finished.connect(finished)
        try:
            start_save(self.document, self.jobs, path, on_saved=saved, on_error=failed, settings=self.settings)
            if self.jobs.is_running(SAVE_SLOT):
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            self.jobs.finished.disconnect(finished)
        return outcome == [True]

    def confirm_discard(self) -> bool:
        """True when there are no unsaved changes or the user chose what to do with them."""
        if not self.document.dirty or not self.ask_before_close:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to {self.document.name}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def show_shortcuts(self) -> None:
        actions = [a for menu in self.menuBar().findChildren(QMenu) for a in menu.actions()]
        TextDialog("Keyboard shortcuts", shortcuts_html(actions), self).open()

    def start_tour(self) -> None:
        self.settings.set("seen_tour", True)
        Tour(self).open()

    # -- status ---------------------------------------------------------------------------
    def refresh_sidebar(self) -> None:
        for row, (step, title) in enumerate(STEPS):
            item = self.sidebar.item(row)
            screen = self.screens.built.get(step)
            state, figure = screen.status() if screen is not None else (NOT_STARTED, "")
            text = f"{STATUS_MARK.get(state, '○')}  {title}"
            if figure:  # one figure part per line, each indented under the title (no ragged wrap)
                text += "".join(f"\n{INDENT}{line}" for part in figure.split(" · ")
                                for line in self._wrap(part))
            item.setText(text)
            item.setToolTip(f"{title}: {state}" + (f" — {figure}" if figure else ""))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, item.toolTip())

    def _wrap(self, text: str) -> list[str]:
        """``text`` in lines that fit the sidebar after the indent, broken between words."""
        metrics = self.sidebar.fontMetrics()
        room = self.sidebar.width() - metrics.horizontalAdvance(INDENT + "○  ") - 16
        lines: list[str] = []
        for word in text.split():
            if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= room:
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        return lines

    def show_undo_memory(self, kept: int, cap: int) -> None:
        mb = 1 << 20
        self.undo_label.setText(f"Undo keeps {kept / mb:,.0f} of {cap / mb:,.0f} MB" if kept else "")
        self.undo_label.setToolTip("Undo keeps only the columns each step replaced; past the limit the "
                                   "oldest steps are let go and can no longer be undone.")

    def update_title(self) -> None:
        self.setWindowTitle(f"{self.document.name}[*] — LocalReach")
        self.setWindowModified(self.document.dirty)

    def go_to(self, step: str) -> None:
        self.sidebar.setCurrentRow([s for s, _ in STEPS].index(step))

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.confirm_discard():
            event.ignore()
            return
        self.settings.set("geometry", bytes(self.saveGeometry().toBase64()).decode())
        self.jobs.shutdown()
        super().closeEvent(event)
        release_what_was_kept()
