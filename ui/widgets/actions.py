"""Run an :class:`app.actions.Action` from a screen: progress in place, errors in a dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run_action(screen, action, on_done: Callable[[Any], None] | None = None, slot: str | None = None,
               on_error: Callable[[Exception], None] | None = None) -> None:
    """Start ``action`` on the screen's job runner, in the screen's slot with its progress
    panel, or quietly in ``slot``; ``on_done`` gets what the action changed, ``on_error``
    (before the error dialog) the error, for a screen whose text must not stay stale."""
    def failed(exc: Exception) -> None:
        if on_error is not None:
            on_error(exc)
        screen.show_error(exc)

    if slot is None:
        screen.progress.begin(action.message)
    action.start(screen.jobs, slot or screen.STEP, on_done, failed)
