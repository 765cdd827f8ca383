"""The frame every step screen shares: title, one-sentence intro, body, progress.

A screen subclasses :class:`StepScreen`, sets ``STEP``, ``TITLE`` and ``INTRO``, fills
``self.body`` and overrides :meth:`refresh`, :meth:`status` and :meth:`waiting_for`.
Long work goes through :meth:`run_job`, which runs it on the document's job runner
(one slot per screen) and shows progress in place with Cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from app.document import Document
from app.jobs import JobRunner
from core.jobs import JobContext
from ui.widgets.error_dialog import error_box
from ui.widgets.progress_panel import ProgressPanel

NOT_STARTED, NEEDS_ATTENTION, DONE = "not started", "needs attention", "done"


class StepScreen(QWidget):
    STEP = ""
    TITLE = ""
    INTRO = ""
    # Attributes that hold results of the open project: cleared when another one replaces it.
    PROJECT_CACHE: tuple[str, ...] = ()

    statusChanged = Signal()

    def __init__(self, document: Document, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.jobs = document, jobs
        self.setAccessibleName(self.TITLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 12)
        title = QLabel(self.TITLE)
        title.setObjectName("screenTitle")
        title.setAccessibleName(f"{self.TITLE} step")
        intro = QLabel(self.INTRO)
        intro.setObjectName("screenIntro")
        intro.setWordWrap(True)
        outer.addWidget(title)
        outer.addWidget(intro)
        self.progress = ProgressPanel(self)
        self.progress.cancelRequested.connect(lambda: self.jobs.cancel(self.STEP))
        outer.addWidget(self.progress)

        self._stack = QStackedLayout()
        self._waiting = QLabel()
        self._waiting.setObjectName("waitingLabel")
        self._waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._waiting.setWordWrap(True)
        content = QWidget()
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 8, 0, 0)
        self._stack.addWidget(self._waiting)
        self._stack.addWidget(content)
        outer.addLayout(self._stack, 1)

        document.frameChanged.connect(self._document_changed)
        document.stateChanged.connect(self._document_changed)
        document.restored.connect(self.reset)
        jobs.progress.connect(self._job_progress)
        jobs.finished.connect(self._job_finished)

    # -- what subclasses override -----------------------------------------------------
    def waiting_for(self) -> str | None:
        """Plain words for what this step needs first, or None when it can work."""
        return None

    def status(self) -> tuple[str, str]:
        """(state, one figure) for the sidebar, e.g. ("done", "1,204 people")."""
        return NOT_STARTED, ""

    def refresh(self) -> None:
        """Bring the widgets up to date with the document."""

    def reset(self) -> None:
        """Forget the previous project's results (File > New project, Open, recovery)."""
        for name in self.PROJECT_CACHE:
            setattr(self, name, None)

    # -- shared behaviour ---------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.update_view()
        super().showEvent(event)

    def update_view(self) -> None:
        waiting = self.waiting_for()
        if waiting:
            self._waiting.setText(waiting)
            self._stack.setCurrentIndex(0)
        else:
            self._stack.setCurrentIndex(1)
            self.refresh()
        self.statusChanged.emit()

    def _document_changed(self, _name: str) -> None:
        if self.isVisible():
            self.update_view()
        else:
            self.statusChanged.emit()

    def run_job(
        self,
        fn: Callable[[JobContext], Any],
        on_done: Callable[[Any], None],
        message: str = "Working…",
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``fn(ctx)`` in the background; ``on_done(result)`` runs on the GUI thread."""
        self.progress.begin(message)
        self.jobs.start(self.STEP, fn, on_done, on_error or self.show_error)

    def show_error(self, exc: Exception) -> None:
        error_box(self, self.TITLE, exc, self.document).open()

    def _job_progress(self, slot: str, done: int, total: int, message: str) -> None:
        if slot == self.STEP:
            self.progress.update_progress(done, total, message)

    def _job_finished(self, slot: str) -> None:
        if slot == self.STEP:
            self.progress.end()
