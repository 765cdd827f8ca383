"""What the user does on a screen, one function per action, away from the widgets.

A screen calls ``imports.import_file(doc, ...)`` (or ``quality.apply_step``, ...) and
gets an :class:`Action`: ``work(ctx)`` runs the engine on the job runner's worker and
sees only the values captured when the action was made; ``apply(result)`` runs on the
GUI thread, changes the document (one undo step, one audit row) and returns what
changed, for the screen to show. An action whose ``work`` talks only through its result
(it appends to no list that ``apply`` reads, touches no document) may run in a child
process, where pandas cannot hold the GUI thread's GIL: the heavy ones are listed in
:data:`IN_A_CHILD` (or say ``process=True``). Export's work returns the reveals that
``apply`` audits (a failure carries them as ``exc.reveals``). Actions that need no engine time change the document
at once and return what changed directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.jobs import JobContext

# Work functions (module:qualname) that talk only through their result and take long on
# big files; the rest stay on a thread (tests/ui/test_worker_process.py checks each name).
IN_A_CHILD = frozenset({
    "app.actions.imports:import_file.<locals>.work",
    "app.actions.imports:add_customer_list.<locals>.work",
    "app.actions.imports:sales_match.<locals>.<lambda>",
    "app.actions.imports:events_text.<locals>.work",
    "app.actions.quality:check.<locals>.work",
    "app.actions.quality:preview_fix.<locals>.<lambda>",
    "app.actions.duplicates:find_duplicates.<locals>.work",
    "app.actions.segments:find_groups.<locals>.work",
    "app.actions.segments:check_the_forecast.<locals>.<lambda>",
    "app.actions.segments:check_fairness.<locals>.<lambda>",
    "app.actions.export:plan.<locals>.work",
    "app.actions.export:pre_export_check.<locals>.work",
    "app.actions.export:export.<locals>.work",
})  # quality.apply_fix says process= itself: only without a preview's result


def _unchanged(result: Any) -> Any:
    return result


@dataclass
class Action:
    message: str  # shown beside the progress bar while ``work`` runs
    work: Callable[[JobContext], Any]
    apply: Callable[[Any], Any] = _unchanged
    process: bool = False  # run ``work`` in a child process (app.worker_process)

    def __post_init__(self) -> None:
        name = f"{getattr(self.work, '__module__', '')}:{getattr(self.work, '__qualname__', '')}"
        self.process = self.process or name in IN_A_CHILD

    def start(self, jobs, slot: str, on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[Exception], None] | None = None):
        """Run on ``jobs`` (an :class:`app.jobs.JobRunner`) in ``slot``; ``on_done`` gets what changed."""
        return jobs.start(slot, self.work, lambda result: (on_done or _unchanged)(self.apply(result)),
                          on_error, process=self.process)

    def run(self, ctx: JobContext | None = None) -> Any:
        """Work and apply on this thread (commands, tests)."""
        return self.apply(self.work(ctx or JobContext()))
