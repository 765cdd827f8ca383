"""Job context handed to long engine work: progress reporting and cooperative cancel.

Core knows nothing of Qt: the app layer passes a plain callable for progress and
flips the cancel flag from the GUI thread; engine loops call ``ctx.progress(...)``
between chunks, which raises :class:`Cancelled` once cancel was asked.
"""

from __future__ import annotations

import threading
import time
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


def throttled(sink: ProgressFn, every_s: float) -> ProgressFn:
    """``sink`` called at most every ``every_s`` seconds, but always for a new message and
    the last step: an engine may report each of a million rows, and each report that
    reaches the window repaints its progress bar (or crosses a pipe)."""
    last = [float("-inf"), None]

    def progress(done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] >= every_s or message != last[1] or done >= total:
            last[0], last[1] = now, message
            sink(done, total, message)

    return progress
