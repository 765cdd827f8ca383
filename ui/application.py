"""Create the QApplication, apply the look, show the main window, run the loop."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

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

    window = MainWindow()
    window.show()
    if not window.settings.get("seen_tour"):
        window.start_tour()
    return app.exec()
