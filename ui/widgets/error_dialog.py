"""The one error dialog: what went wrong, where, what to do; "Show details" holds the traceback.

Job failures come here through :meth:`StepScreen.show_error`; anything raised in a Qt
slot reaches :func:`install_excepthook`, which logs it and shows the same dialog instead
of losing it on a terminal nobody sees.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QMessageBox, QWidget

from app.document import Document
from app.error_report import explain
from app.logging_setup import safe_traceback

log = logging.getLogger(__name__)


def error_box(parent: QWidget, title: str, exc: BaseException, document: Document | None = None) -> QMessageBox:
    """A warning box for ``exc`` raised while the step ``title`` worked on ``document``."""
    sources = {t: document.source(t) for t in ("crm", "sales")} if document else {}
    roles = {t: document.roles(t) for t in ("crm", "sales")} if document else {}
    report = explain(exc, title, sources, roles)
    box = QMessageBox(QMessageBox.Icon.Warning, title, report.what, parent=parent)
    box.setInformativeText("\n\n".join(p for p in (report.where, report.todo) if p))
    box.setDetailedText(report.details)  # the "Show Details…" button
    box.setAccessibleName(f"{title}: error")
    return box


def install_excepthook(window) -> None:
    """Log every exception a slot lets through and show it on ``window`` (MainWindow)."""

    def hook(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        exc.__traceback__ = tb
        log.error("unhandled exception\n%s", safe_traceback(exc))
        screen = window.stack.currentWidget()
        error_box(window, getattr(screen, "TITLE", "") or "LocalReach", exc, window.document).open()

    sys.excepthook = hook
