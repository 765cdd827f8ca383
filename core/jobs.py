"""Job context handed to long engine work: progress reporting and cooperative cancel.

Core knows nothing of Qt: the app layer passes a plain callable for progress and
flips the cancel flag from the GUI thread; engine loops call ``ctx.progress(...)``
between chunks, which raises :class:`Cancelled` once cancel was asked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

ProgressFn = Callable[[int, int, str], None]


class Cancelled(Exception):
    """Raised inside engine work when the user asked to stop it."""


class JobContext:
    """Progress sink and cancel flag for one piece of long work (thread-safe)."""

    def __init__(self, progress: ProgressFn | None = None) -> None:
        self._progress = progress
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancel was asked; call between chunks."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Report ``done`` of ``total`` units and honour a pending cancel."""
        self.check()
        if self._progress is not None:
            self._progress(done, total, message)


def ensure_context(ctx: JobContext | None) -> JobContext:
    """Engine functions accept ``ctx=None``; this gives them a silent context."""
    return ctx if ctx is not None else JobContext()
