"""Engine work in a child process: the right result, progress, cancel within a second,
engine errors as their plain messages, and a thread when no child can take the work."""

import importlib
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import app.worker_process as wp
from app.actions import IN_A_CHILD, Action, imports
from app.document import Document
from app.jobs import JobRunner, user_message
from app.worker_process import WorkerPool, dumps
from core.errors import ColumnError
from core.jobs import JobContext
from core.privacy.consent import ConsentUnclear
from core.roles.consent import consent_meaning

ROWS = 60_000  # over one piece (PIECE_CELLS), so frames cross the pipe in pieces


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(max_children=1)
    yield pool
    pool.shutdown()


def _orders() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "customer": pd.array([f"c{i % 997}" for i in range(ROWS)], dtype="str"),
        "city": pd.Categorical(rng.choice(["Köln", "Lyon", "Graz"], ROWS)),
        "amount": rng.integers(1, 500, ROWS).astype(float),
        "day": pd.date_range("2024-01-01", periods=ROWS, freq="min", tz="Europe/Berlin"),
        "note": np.array([None if i % 7 else f"n{i}" for i in range(ROWS)], dtype=object),
        "items": pd.array([i % 5 if i % 11 else None for i in range(ROWS)], dtype="Int64"),
    }, index=pd.RangeIndex(10, 10 + ROWS))


def _run(qtbot, jobs: JobRunner, fn, process=True, slot="test"):
    """Start ``fn`` on ``jobs`` and wait; (result, error) as the GUI thread got them."""
    got: dict = {}
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        jobs.start(slot, fn, lambda r: got.setdefault("result", r), lambda e: got.setdefault("error", e),
                   process=process)
    return got.get("result"), got.get("error")


def test_frames_cross_in_pieces_and_come_back_equal():
    frame = _orders()
    keys = np.array([None if i % 7 else f"n{i}" for i in range(ROWS)], dtype=object)
    data, buffers = dumps({"frame": frame, "column": frame["customer"], "keys": keys})
    back = wp.pickle.loads(data, buffers=buffers)
    pd.testing.assert_frame_equal(back["frame"], frame)  # NaN in "note", <NA> in "items" included
    assert back["frame"]["note"].isna().sum() == frame["note"].isna().sum() == ROWS - ROWS // 7 - 1
    pd.testing.assert_series_equal(back["column"], frame["customer"])
    assert back["keys"].dtype == object and list(back["keys"]) == list(keys)
    assert data.count(b"_loads_piece") == 1 and len(data) > 1_000_000  # pickled in many pieces


def test_a_job_in_the_child_returns_the_right_result(qtbot, pool):
    frame, parent = _orders(), os.getpid()

    def work(ctx):
        spend = frame.groupby("customer", observed=True)["amount"].sum()
        return os.getpid(), spend, frame.assign(twice=frame["amount"] * 2)

    pid, spend, twice = _run(qtbot, JobRunner(processes=pool), work)[0]
    assert pid != parent
    qt = _run(qtbot, JobRunner(processes=pool), lambda ctx: sorted(m for m in sys.modules if "PySide" in m))
    assert qt == ([], None)  # the child never imports Qt (nor this test module, which does)
    expected = frame.groupby("customer", observed=True)["amount"].sum()
    pd.testing.assert_series_equal(spend, expected)
    assert spend["c0"] == frame.loc[frame["customer"] == "c0", "amount"].sum()
    pd.testing.assert_frame_equal(twice.drop(columns="twice"), frame)
    assert (twice["twice"] == frame["amount"] * 2).all()


def test_an_action_that_opts_in_runs_in_the_child(qtbot, pool):
    jobs, got = JobRunner(processes=pool), []
    action = Action("Counting…", lambda ctx: (os.getpid(), 6 * 7), lambda r: r[1] + 1, process=True)
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        action.start(jobs, "count", got.append)
    assert got == [43]
    pid_action = Action("Counting…", lambda ctx: os.getpid(), process=True)
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        pid_action.start(jobs, "count", got.append)
    assert got[1] != os.getpid()


def test_progress_arrives_from_the_child(qtbot, pool):
    jobs, steps = JobRunner(processes=pool), []
    jobs.progress.connect(lambda slot, done, total, message: steps.append((done, total, message)))

    def work(ctx):
        for i in range(5):
            ctx.progress(i, 4, f"step {i}")
            time.sleep(0.06)
        return "ok"

    assert _run(qtbot, jobs, work) == ("ok", None)
    qtbot.waitUntil(lambda: len(steps) == 5, timeout=2000)  # new messages are never dropped
    assert steps == [(i, 4, f"step {i}") for i in range(5)]


def test_progress_of_a_million_rows_is_thinned_but_ends_on_the_last(qtbot, pool):
    jobs, steps = JobRunner(processes=pool), []
    jobs.progress.connect(lambda slot, done, total, message: steps.append(done))

    def work(ctx):
        for i in range(1_000_001):
            ctx.progress(i, 1_000_000, "rows")
        return "ok"

    assert _run(qtbot, jobs, work) == ("ok", None)
    qtbot.waitUntil(lambda: bool(steps) and steps[-1] == 1_000_000, timeout=2000)
    assert steps[0] == 0 and len(steps) < 1000


@pytest.mark.parametrize("cooperative", [True, False])
def test_cancel_stops_the_child_within_a_second(qtbot, pool, cooperative):
    jobs, steps = JobRunner(processes=pool), []
    jobs.progress.connect(lambda *step: steps.append(step))

    def work(ctx):
        ctx.progress(0, 1, "started")
        while True:
            if cooperative:
                ctx.progress(0, 1, "started")
            time.sleep(0.01)

    got = []
    jobs.start("forever", work, got.append, got.append, process=True)
    qtbot.waitUntil(lambda: bool(steps), timeout=30000)
    t0 = time.monotonic()
    jobs.cancel("forever")
    qtbot.waitUntil(lambda: pool._busy == 0, timeout=1000)
    assert time.monotonic() - t0 < 1.0 and got == []
    alive = [c for c in pool._idle if c.alive]
    assert len(alive) == (1 if cooperative else 0)  # an obstinate child is killed
    assert _run(qtbot, jobs, lambda ctx: "again")[0] == "again"  # a new child takes the next job


def test_an_engine_error_arrives_as_its_plain_message(qtbot, pool):
    jobs = JobRunner(processes=pool)

    def missing(ctx):
        raise ColumnError("There is no column 'email' in the customer list.")

    error = _run(qtbot, jobs, missing)[1]
    assert type(error) is ColumnError
    assert user_message(error) == "There is no column 'email' in the customer list."
    assert "missing" in error.details  # the safe traceback, for "Show details"

    frame = pd.DataFrame({"newsletter": ["ja", "nein", "ja"]})

    def unclear(ctx):  # an error whose __init__ takes other arguments than its message
        raise ConsentUnclear(consent_meaning("newsletter", frame["newsletter"]))

    error = _run(qtbot, jobs, unclear)[1]
    assert type(error) is ConsentUnclear and error.column == "newsletter"
    assert user_message(error).startswith("Column 'newsletter' may record consent or opt-outs")


def test_a_thread_runs_the_job_when_no_child_can_start(qtbot, monkeypatch, caplog):
    def cannot_start():
        raise OSError("no processes here")

    caplog.set_level("INFO", logger="app.jobs")
    monkeypatch.setattr(wp, "_Child", cannot_start)
    pool = WorkerPool()
    frame = _orders()
    result = _run(qtbot, JobRunner(processes=pool), lambda ctx: (os.getpid(), frame["amount"].sum()))[0]
    assert result == (os.getpid(), frame["amount"].sum()) and pool.broken
    assert "runs on a thread: the worker process cannot start (OSError)" in caplog.text


def test_a_thread_runs_work_that_cannot_be_sent(qtbot, pool):
    lock = threading.Lock()  # cannot be pickled

    def work(ctx):
        with lock:
            return os.getpid()

    assert _run(qtbot, JobRunner(processes=pool), work) == (os.getpid(), None)
    assert _run(qtbot, JobRunner(processes=pool), lambda ctx: os.getpid())[0] != os.getpid()


def test_without_process_the_job_stays_on_a_thread(qtbot, pool):
    ctx_seen = []

    def work(ctx):
        ctx_seen.append(isinstance(ctx, JobContext))
        return os.getpid()

    assert _run(qtbot, JobRunner(processes=pool), work, process=False) == (os.getpid(), None)
    assert ctx_seen == [True]


@pytest.mark.parametrize("name", sorted(IN_A_CHILD))
def test_every_action_listed_to_run_in_a_child_exists(name):
    module, qualname = name.split(":")
    outer, inner = qualname.split(".<locals>.")
    code = getattr(importlib.import_module(module), outer).__code__
    assert inner in [c.co_name for c in code.co_consts if hasattr(c, "co_name")]


def test_importing_a_file_runs_in_the_child_and_fills_the_document(qtbot, pool, caplog):
    caplog.set_level("INFO", logger="app.jobs")
    path = Path("/work/shared/data/febrl1.csv")
    in_child, on_thread = Document(), Document()
    action = imports.import_file(in_child, "crm", path, {}, {})
    assert action.process and not Action("x", lambda ctx: 1).process
    got, jobs = [], JobRunner(processes=pool)
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        action.start(jobs, "import", got.append, got.append)
    imports.import_file(on_thread, "crm", path, {}, {}).run()
    assert [(i.target, i.rows, i.columns) for i in got] == [("crm", 1000, 11)]
    pd.testing.assert_frame_equal(in_child.frame("crm"), on_thread.frame("crm"))
    assert in_child.roles("crm") == on_thread.roles("crm") and len(in_child.audit_entries()) == 1
    assert "runs on a thread" not in caplog.text  # the work was sent and ran in the child


def test_warm_up_imports_the_engines_in_the_child_before_the_first_job(qtbot, pool):
    jobs = JobRunner(processes=pool)
    assert _run(qtbot, jobs, lambda ctx: "xml.dom.minidom" in sys.modules)[0] is False
    pool.warm_up(["xml.dom.minidom"]).join(timeout=30)
    assert _run(qtbot, jobs, lambda ctx: "xml.dom.minidom" in sys.modules)[0] is True


def test_applying_a_fix_goes_to_a_child_only_without_a_previews_result():
    from app.actions import quality

    doc = Document()
    imports.import_file(doc, "crm", Path("/work/shared/data/febrl1.csv"), {}, {}).run()
    assert quality.apply_fix(doc, "crm", {"step": "trim"}).process is True
    assert quality.apply_fix(doc, "crm", {"step": "trim"}, done=object()).process is False


def test_a_program_that_used_a_child_ends_without_stopping_it():
    """The program's children are stopped at exit: multiprocessing's own exit hook joins
    them, and an idle child waits on its pipe, so ours must run first (it hung forever)."""
    import subprocess

    code = ("from app.worker_process import worker_pool\nfrom core.jobs import JobContext\n"
            "print(worker_pool().run(lambda ctx: 6 * 7, JobContext()))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "42\n")
