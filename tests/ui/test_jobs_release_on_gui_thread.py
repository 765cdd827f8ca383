"""A job's worker thread never frees what the GUI thread owns: Qt crashes when a QObject
dies on another thread, so the runner and what the job captured are released here."""

import threading
import weakref

from app.jobs import JobRunner


class _Witness:
    """Records the thread that frees it."""

    def __init__(self, freed_on: list):
        self.freed_on = freed_on

    def __del__(self):
        self.freed_on.append(threading.current_thread().name)


def test_what_a_finished_job_captured_is_freed_on_the_gui_thread(qtbot):
    jobs, freed_on, got = JobRunner(), [], []
    witness = _Witness(freed_on)
    fn = lambda ctx, w=witness: 6 * 7  # noqa: E731
    del witness
    with qtbot.waitSignal(jobs.finished, timeout=10000):
        jobs.start("answer", fn, got.append)
    del fn
    assert jobs.shutdown()  # the worker has returned; nothing it held is left to free
    assert got == [42] and freed_on == [threading.main_thread().name]


def test_a_runner_dropped_while_its_job_runs_is_freed_at_once(qtbot):
    jobs, release, started = JobRunner(), threading.Event(), threading.Event()

    def work(ctx):
        started.set()
        release.wait(10)

    jobs.start("slow", work, lambda _: None)
    assert started.wait(10)
    runner = weakref.ref(jobs)
    jobs.cancel("slow")
    del jobs
    assert runner() is None  # the worker holds no reference to it
    release.set()
    JobRunner().shutdown()
