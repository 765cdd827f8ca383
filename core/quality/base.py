"""What every cleaning step shares: its report, per-distinct-value mapping, and previews.

A step is a pure function ``(df, config, ctx) -> (new_df, StepReport)``. Most steps map
each cell through a value parser; doing that once per *distinct* value (and across
processes when there are very many) is what makes a million-row clean affordable:
``phonenumbers`` parses ~54k and ``email-validator`` checks ~45k values per second.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from core.errors import ColumnError
from core.jobs import JobContext, ensure_context

EXAMPLES = 20  # example row positions kept per report: enough to show, never the whole file
# distinct values before two spawned workers pay for their start-up (about 1.3 CPU-s each):
# at 100k CRM rows (80k phones, 86k e-mails) they cost 2.7 CPU-s more than they saved
PARALLEL_MIN = 300_000
CHUNK = 10_000


def count(n: int, noun: str) -> str:
    """ "1 cell", "2,345 cells": numbers people read without wincing."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


@dataclass
class StepReport:
    """What a step did: cells changed, values it could not handle, and where (row positions)."""

    step: str
    changed_cells: int = 0
    failed: int = 0
    changed_by_column: dict[str, int] = field(default_factory=dict)
    failed_by_column: dict[str, int] = field(default_factory=dict)
    example_rows: list[int] = field(default_factory=list)
    failed_rows: list[int] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)

    def add_column(self, column: str, before: pd.Series, after: pd.Series, failed: np.ndarray,
                   changed: np.ndarray | None = None) -> None:
        """Count changed and failed cells of one column and keep a few example rows
        (``changed``: the caller already knows which cells changed)."""
        if changed is None:
            changed = np.asarray(before.astype(str).to_numpy() != after.astype(str).to_numpy())
        n_changed, n_failed = int(changed.sum()), int(failed.sum())
        self.changed_cells += n_changed
        self.failed += n_failed
        if n_changed:
            self.changed_by_column[column] = n_changed
        if n_failed:
            self.failed_by_column[column] = n_failed
        self.example_rows = _merge_rows(self.example_rows, np.flatnonzero(changed))
        self.failed_rows = _merge_rows(self.failed_rows, np.flatnonzero(failed))

    def extend(self, other: StepReport) -> None:
        """Fold in the report of the same step run on further columns."""
        self.changed_cells += other.changed_cells
        self.failed += other.failed
        self.changed_by_column.update(other.changed_by_column)
        self.failed_by_column.update(other.failed_by_column)
        self.example_rows = _merge_rows(self.example_rows, np.asarray(other.example_rows))
        self.failed_rows = _merge_rows(self.failed_rows, np.asarray(other.failed_rows))
        self.added_columns += other.added_columns

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """One line for the CLI and the audit log; counts only, never values."""
        text = f"{self.step}: {count(self.changed_cells, 'cell')} changed"
        if self.failed:
            text += f", {self.failed:,} could not be read"
        if self.added_columns:
            text += f" (added {', '.join(self.added_columns)})"
        return text


def _merge_rows(kept: list[int], new: np.ndarray) -> list[int]:
    if len(kept) >= EXAMPLES:
        return kept
    return sorted(set(kept) | {int(i) for i in new[: EXAMPLES - len(kept)]})


def check_columns(df: pd.DataFrame, columns: Sequence[str], step: str) -> None:
    """Refuse unknown column names with a message naming the column and the fix."""
    for col in columns:
        if col not in df.columns:
            raise ColumnError(
                f"{step}: there is no column named '{col}'; check the column names in the step list"
            )


def as_text(series: pd.Series) -> pd.Series:
    """Cells as strings, missing as "" (frames from core.io already are; tests may not be)."""
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        return series.fillna("").astype(str)
    return series.astype(str).where(series.notna(), "")


def _map_chunk(fn: Callable, values: list[str]) -> list:
    return [fn(v) for v in values]


_pools: list[ProcessPoolExecutor] = []
_pools_lock = threading.Lock()


def _worker_pools(workers: int) -> list[ProcessPoolExecutor]:
    """Spawned single-process pools kept for the session: start-up is paid once, and chunk
    ``i`` always goes to worker ``i % n``, so the same values meet the same warm cache
    from the report to the preview to the apply."""
    with _pools_lock:
        if not _pools:
            spawn = multiprocessing.get_context("spawn")
            _pools.extend(ProcessPoolExecutor(max_workers=1, mp_context=spawn) for _ in range(workers))
            atexit.register(shutdown_workers)
        return list(_pools)


def shutdown_workers() -> None:
    """Stop the worker processes (at exit, or to measure their CPU time)."""
    with _pools_lock:
        for pool in _pools:
            pool.shutdown(wait=True, cancel_futures=True)
        _pools.clear()


def map_distinct(
    values: Sequence[str], fn: Callable, ctx: JobContext, label: str, parallel: bool = False
) -> list:
    """``[fn(v) for v in values]`` with progress and cancel; ``parallel`` uses two processes
    for long lists of costly values (e-mail and phone checks).

    ``fn`` must be picklable (a module-level function or a ``functools.partial`` of one).
    Workers are spawned, never forked, so this is safe from a Qt GUI thread.
    """
    values = list(values)
    total = len(values)
    chunks = [values[i : i + CHUNK] for i in range(0, total, CHUNK)]
    out: list = []
    workers = min(2, os.cpu_count() or 1)
    # a frozen app (PyInstaller) would start itself again in a spawned worker: stay serial
    if parallel and total >= PARALLEL_MIN and workers > 1 and not getattr(sys, "frozen", False):
        pools = _worker_pools(workers)
        futures = [pools[i % len(pools)].submit(_map_chunk, fn, c) for i, c in enumerate(chunks)]
        try:
            for fut in futures:
                out.extend(fut.result())
                ctx.progress(len(out), total, label)
            return out
        except BrokenProcessPool:
            shutdown_workers()  # a worker died (out of memory?): carry on in this process
            out = []
        finally:
            for fut in futures:
                fut.cancel()
    for chunk in chunks:
        out.extend(_map_chunk(fn, chunk))
        ctx.progress(len(out), total, label)
    return out


class WithContext:
    """Picklable ``parse(value, context)`` over keys ``value + SEP + context``."""

    SEP = "\x1f"

    def __init__(self, parse: Callable[[str, str], str | None]) -> None:
        self.parse = parse

    def __call__(self, key: str) -> str | None:
        value, context = key.rsplit(self.SEP, 1)
        return self.parse(value, context)


def _outcomes(originals: list[str], todo: list[int], results: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct value: its new text, whether the parse failed (kept as it was) and
    whether it changed; ``results`` are the parses of the values at ``todo``."""
    new = np.empty(len(originals), dtype=object)
    new[:] = originals
    parsed = np.empty(len(results), dtype=object)
    parsed[:] = results
    failed_todo = np.fromiter((r is None for r in results), bool, len(results))
    at = np.asarray(todo, dtype=np.intp)
    ok = at[~failed_todo]
    new[ok] = parsed[~failed_todo]
    failed, changed = np.zeros(len(originals), bool), np.zeros(len(originals), bool)
    failed[at[failed_todo]] = True
    changed[ok] = new[ok] != np.asarray(originals, dtype=object)[ok]
    return new, failed, changed


def map_cells(
    df: pd.DataFrame,
    columns: Sequence[str],
    parse: Callable,
    step: str,
    ctx: JobContext | None = None,
    flag_suffix: str | None = None,
    context: pd.Series | None = None,
    parallel: bool = False,
) -> tuple[pd.DataFrame, StepReport]:
    """Run ``parse`` on every non-empty distinct value of ``columns``.

    ``parse`` returns the standard form, or None when it cannot read the value: such a
    cell is kept as it was (never dropped) and counted as failed; with ``flag_suffix``
    a column ``<column><suffix>`` says "yes" on those rows. With ``context`` (e.g. each
    row's country) ``parse`` is called as ``parse(value, context)`` per distinct pair.
    """
    ctx = ensure_context(ctx)
    check_columns(df, columns, step)
    fn = parse if context is None else WithContext(parse)
    out = df.copy(deep=False)  # copy-on-write: only the columns set below are new
    report = StepReport(step)
    for col in columns:
        before = as_text(df[col])
        keys = before if context is None else before + WithContext.SEP + context.astype(str)
        # every row as a code into its distinct key: the parse and all bookkeeping run
        # once per distinct value, rows are only ever indexed
        codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
        uniques = uniques.tolist()
        originals = uniques if context is None else [k.rsplit(WithContext.SEP, 1)[0] for k in uniques]
        todo = [i for i, k in enumerate(uniques) if k and not k.startswith(WithContext.SEP)]
        results = map_distinct([uniques[i] for i in todo], fn, ctx, f"{step}: {col}", parallel)
        new, failed_u, changed_u = _outcomes(originals, todo, results)
        # a column the step leaves as it was is not rebuilt (most columns of a trim)
        after = before if not changed_u.any() else (
            pd.Series(new[codes], index=df.index).astype(before.dtype))
        failed = failed_u[codes]
        report.add_column(col, before, after, failed, changed=changed_u[codes])
        out[col] = after
        if flag_suffix:
            out[col + flag_suffix] = pd.Series(np.where(failed, "yes", ""), index=df.index, dtype=str)
            report.added_columns.append(col + flag_suffix)
    return out, report


@dataclass
class Preview:
    """Before -> after on real rows, how many cells the step would change, and the whole
    result (so applying what was previewed needs no second run)."""

    before: pd.DataFrame
    after: pd.DataFrame
    report: StepReport
    result: pd.DataFrame


def preview(
    step_fn: Callable, df: pd.DataFrame, config, ctx: JobContext | None = None, rows: int = 8
) -> Preview:
    """Run a step and keep a few changed (and failed) rows side by side; ``df`` is untouched."""
    new_df, report = step_fn(df, config, ctx)
    picks = sorted(set(report.example_rows[:rows]) | set(report.failed_rows[: max(2, rows // 4)]))
    touched = list(report.changed_by_column) + [
        c for c in report.failed_by_column if c not in report.changed_by_column
    ]
    before = df.iloc[picks][[c for c in touched if c in df.columns]]
    after = new_df.iloc[picks][[c for c in touched + report.added_columns if c in new_df.columns]]
    return Preview(before, after, report, new_df)
