"""Background jobs on QThreadPool: progress, cancel, one job per slot.

A job is a plain function ``fn(ctx) -> result`` run in a worker thread or, started with
``process=True``, in a child process (:mod:`app.worker_process`: pandas there cannot hold
the GUI thread's GIL), on a thread when no child can take it. Its result or error comes
back on the GUI thread through queued signals, its progress at most every
:data:`PROGRESS_EVERY_S` (each update repaints the progress panel). Starting a job in a slot
that is busy cancels the old one (its late result is dropped), the way Orange's
ConcurrentMixin does; :meth:`JobRunner.shutdown` cancels everything and waits, so
quitting never leaves a thread running.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from app.actions import IN_A_CHILD
from app.give_way import wake
from app.heartbeat import ensure_heartbeat
from app.logging_setup import log_file, safe_traceback
from app.main_thread_gc import ensure_main_thread_gc
from app.worker_process import ProcessUnavailable, WorkerPool, worker_pool
from core.errors import LocalReachError
from core.jobs import Cancelled, JobContext, throttled

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.05
_JOB_IDS = itertools.count(1)  # one count for all runners: they share the emitter


class _Emitter(QObject):
    """One per application, on the GUI thread, deleted only with it: workers emit through
    it, so a worker never holds the last reference to a runner or a widget (a QObject
    freed on a worker thread crashes Qt)."""

    progress = Signal(int, int, int, str)  # job id, done, total, message
    done = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)


def _emitter() -> _Emitter:
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("background jobs need the Qt application")
    found = app.findChild(_Emitter)
    return found if found is not None else _Emitter(app)


def _without_frames(exc: BaseException | None) -> None:
    """``exc`` and the errors it chains without their tracebacks, whose frames hold the
    job's locals (the details keep the text)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__


class _Runnable(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[JobContext], Any], ctx: JobContext, emitter: _Emitter,
                 processes: WorkerPool | None):
        super().__init__()
        self.setAutoDelete(True)
        self._job_id, self._fn, self._ctx, self._emitter = job_id, fn, ctx, emitter
        self._processes = processes

    def _call(self) -> Any:
        if self._processes is not None:
            try:
                return self._processes.run(self._fn, self._ctx)
            except ProcessUnavailable as exc:
                log.info("job %d runs on a thread: %s", self._job_id, exc)
        return self._fn(self._ctx)

    def _outcome(self) -> tuple[Any, tuple]:
        try:
            result = self._call()
        except Cancelled:
            return self._emitter.cancelled, (self._job_id,)
        except Exception as exc:  # reported to the GUI, which shows a clear message
            if not getattr(exc, "details", None):  # a child's error brings its own traceback
                exc.details = safe_traceback(exc)  # type: ignore[attr-defined]
            _without_frames(exc)
            return self._emitter.failed, (self._job_id, exc)
        if self._ctx.cancelled:
            return self._emitter.cancelled, (self._job_id,)
        return self._emitter.done, (self._job_id, result)

    def run(self) -> None:
        signal, args = self._outcome()
        self._fn = self._ctx = None  # the runner keeps them until the outcome arrives
        signal.emit(*args)


@dataclass
class Job:
    id: int
    slot: str
    ctx: JobContext
    fn: Callable[[JobContext], Any]
    on_done: Callable[[Any], None]
    on_error: Callable[[Exception], None] | None


class JobRunner(QObject):
    """Runs jobs; one per slot; emits what the views need to show progress."""

    started = Signal(str)  # slot
    progress = Signal(str, int, int, str)  # slot, done, total, message
    finished = Signal(str)  # slot (done, failed or cancelled)
    failed = Signal(str, str)  # slot, one-line message for jobs without on_error

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None,
                 processes: WorkerPool | None = None) -> None:
        super().__init__(parent)
        ensure_main_thread_gc()  # workers must never run the collector over GUI objects
        ensure_heartbeat()  # workers give way to the GUI thread while it works (app.give_way)
        self._pool = pool or QThreadPool.globalInstance()
        self._processes = processes  # None: the program's shared pool, made on first use
        self._active: dict[str, Job] = {}  # the slot's current job
        self._running: dict[int, Job] = {}  # every job started whose outcome has not arrived
        emitter = _emitter()
        emitter.progress.connect(self._on_progress)
        emitter.done.connect(self._on_done)
        emitter.failed.connect(self._on_failed)
        emitter.cancelled.connect(self._on_cancelled)

    def start(
        self,
        slot: str,
        fn: Callable[[JobContext], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        process: bool = False,
    ) -> Job:
        """Run ``fn`` in ``slot``; ``process``: in a child process when it can (``fn`` and
        what it captures are sent there, so it must talk only through its result)."""
        wake()  # workers give way to the GUI thread from now on (app.give_way)
        self.cancel(slot)
        job_id, emitter = next(_JOB_IDS), _emitter()
        ctx = JobContext(throttled(lambda d, t, m: emitter.progress.emit(job_id, d, t, m), PROGRESS_EVERY_S))
        job = Job(job_id, slot, ctx, fn, on_done, on_error)
        self._active[slot] = self._running[job_id] = job
        self.started.emit(slot)
        self._pool.start(_Runnable(job_id, fn, ctx, emitter, self.processes if process else None))
        return job

    @property
    def processes(self) -> WorkerPool:
        return self._processes or worker_pool()

    def warm_up(self) -> threading.Thread:
        """Start a worker process with the heavy actions' engines imported, in the
        background (call once the window shows)."""
        return self.processes.warm_up(sorted({name.split(":")[0] for name in IN_A_CHILD}))

    def is_running(self, slot: str) -> bool:
        return slot in self._active

    def cancel(self, slot: str) -> None:
        job = self._active.pop(slot, None)
        if job is not None:
            job.ctx.cancel()
            self.finished.emit(slot)

    def cancel_all(self) -> None:
        for slot in list(self._active):
            self.cancel(slot)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every job and wait for the workers; True when all stopped in time."""
        self.cancel_all()
        return self._pool.waitForDone(timeout_ms)

    def _current(self, job_id: int) -> Job | None:
        """The job if it is still its slot's current one."""
        job = self._running.get(job_id)
        return job if job is not None and self._active.get(job.slot) is job else None

    def _settle(self, job_id: int) -> Job | None:
        """The job's outcome arrived: release it here, on the GUI thread; the job if it was
        still its slot's current one (a late result of a superseded job is dropped)."""
        job = self._current(job_id)
        self._running.pop(job_id, None)
        if job is not None:
            del self._active[job.slot]
        return job

    @Slot(int, int, int, str)
    def _on_progress(self, job_id: int, done: int, total: int, message: str) -> None:
        job = self._current(job_id)
        if job is not None:
            self.progress.emit(job.slot, done, total, message)

    @Slot(int, object)
    def _on_done(self, job_id: int, result: Any) -> None:
        job = self._settle(job_id)
        if job is None:
            return
        try:
            job.on_done(result)
        finally:
            self.finished.emit(job.slot)

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: Exception) -> None:
        job = self._settle(job_id)
        if job is None:
            return
        if not isinstance(exc, LocalReachError):
            log.error("job %s failed\n%s", job.slot, getattr(exc, "details", None) or safe_traceback(exc))
        try:
            if job.on_error is not None:
                job.on_error(exc)
            else:
                self.failed.emit(job.slot, user_message(exc))
        finally:
            self.finished.emit(job.slot)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        job = self._settle(job_id)
        if job is not None:
            self.finished.emit(job.slot)


def user_message(exc: Exception) -> str:
    """One line for a dialog: our own errors verbatim, anything else generic (no values)."""
    if isinstance(exc, LocalReachError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}). Nothing was changed; the details are in {log_file()}."
