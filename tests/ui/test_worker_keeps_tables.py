"""The engine process keeps the tables it was sent: the same table sent to job after job
crosses the pipe once, results stay right, and the child forgets what the parent drops."""

import gc

import numpy as np
import pandas as pd
import pytest

import app.worker_process as wp
from app.worker_process import HELD_FRAMES, WorkerPool, dumps
from core.jobs import JobContext

ROWS = 40_000


@pytest.fixture()
def pool():
    pool = WorkerPool(max_children=1)
    yield pool
    pool.shutdown()


def _table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"customer": pd.array([f"c{i % 997}" for i in range(ROWS)], dtype="str"),
                         "amount": rng.integers(1, 500, ROWS).astype(float)})


def _kept_in_child(ctx):
    import app.worker_process as child

    return sorted(child._KEPT)


def test_a_table_sent_again_is_named_not_pickled(pool):
    table = _table(1)
    work = lambda ctx: (table["amount"].sum(), table["customer"].nunique())  # noqa: E731
    assert pool.run(work, JobContext()) == (table["amount"].sum(), 997)
    child = pool._idle[0]
    first = child.held._frames[id(table)][1]
    data, buffers = dumps(("run", work, (0, [])), child.held)
    assert len(data) < 5_000 and not buffers  # a token, not 40,000 rows
    assert pool.run(work, JobContext()) == (table["amount"].sum(), 997)
    assert pool.run(_kept_in_child, JobContext()) == [first]


def test_the_child_forgets_what_the_parent_dropped_and_keeps_at_most_a_few(pool):
    tables = [_table(seed) for seed in range(HELD_FRAMES + 2)]
    for t in tables:
        assert pool.run(lambda ctx, t=t: float(t["amount"].sum()), JobContext()) == t["amount"].sum()
    held = pool.run(_kept_in_child, JobContext())
    assert len(held) == HELD_FRAMES  # the oldest two were forgotten
    survivor = tables[-1]
    del tables, t
    gc.collect()
    assert pool.run(_kept_in_child, JobContext()) == [held[-1]]  # only the table still alive
    assert pool.run(lambda ctx: float(survivor["amount"].sum()), JobContext()) == survivor["amount"].sum()


def test_after_work_that_cannot_be_sent_tables_are_sent_again(pool, monkeypatch):
    table = _table(3)
    assert pool.run(lambda ctx: len(table), JobContext()) == ROWS
    child = pool._idle[0]
    monkeypatch.setattr(wp, "_Pickler", _Failing)
    with pytest.raises(wp.ProcessUnavailable):
        pool.run(lambda ctx: len(table), JobContext())
    monkeypatch.undo()
    assert not child.held._frames  # the parent no longer trusts what the child holds
    doubled = table.assign(amount=table["amount"] * 2)
    assert pool.run(lambda ctx: (len(table), float(doubled["amount"].sum())), JobContext()) == (
        ROWS, doubled["amount"].sum())
    assert len(pool.run(_kept_in_child, JobContext())) == 2  # the old token below the floor is gone


class _Failing(wp._Pickler):
    def dump(self, obj):
        raise TypeError("cannot pickle")


def test_a_job_that_changes_its_table_leaves_the_kept_one_as_sent(pool):
    table = _table(4)

    def change(ctx):
        table.loc[table.index[0], "amount"] = -1.0
        table["customer"] = "x"
        return float(table["amount"].iloc[0])

    assert pool.run(change, JobContext()) == -1.0
    assert pool.run(lambda ctx: (float(table["amount"].iloc[0]), table["customer"].iloc[0]),
                    JobContext()) == (table["amount"].iloc[0], "c0")
