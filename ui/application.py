"""Create the QApplication, apply the look, show the main window, run the loop."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.autosave import Autosaver, find_recoveries
from core import __version__
from core.resources import resource_path


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("LocalReach")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("LocalReach")
    app.setWindowIcon(QIcon(str(resource_path("icons", "localreach.svg"))))
    style = resource_path("style.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def run_app(project: str | None = None) -> int:
    app = make_app()
    from ui.main_window import MainWindow

    window = MainWindow(ask_before_close=True)
    window.show()
    offer_recovery(window)
    if project:
        window.open_project(project)
    elif not window.settings.get("seen_tour"):
        window.start_tour()
    autosaver = Autosaver(window.document, window.jobs, minutes=window.settings.get("autosave_minutes"))
    autosaver.start()
    code = app.exec()
    autosaver.stop()
    return code


def offer_recovery(window) -> None:
    """After a crash, offer the newest unsaved work; older leftovers are kept for later."""
    recoveries = find_recoveries()
    if not recoveries:
        return
    newest = recoveries[0]
    answer = QMessageBox.question(
        window,
        "Restore unsaved work?",
        f"LocalReach did not close properly last time. Restore the unsaved work on "
        f"“{newest.project_name}” from {newest.saved_at.replace('T', ' ')}?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    if answer == QMessageBox.StandardButton.Yes:
        newest.restore(window.document)
    else:
        newest.discard()
