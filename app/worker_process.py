"""Engine work in a spawned child process, so the GUI thread never waits for the GIL.

A worker thread running pandas holds the GIL for hundreds of milliseconds at a time and
the window freezes meanwhile (measured: stalls of 0.5-4 s at 20k-100k rows). Here the
job's ``work(ctx)`` runs in a persistent child process; the job's thread only waits on
a pipe, which holds no GIL. The child is started with the ``spawn`` method (forking a
threaded Qt program is unsafe), lazily or by :meth:`WorkerPool.warm_up` once the window shows.

What crosses the pipe is made cheap for the parent's GIL:
- work closures are sent by value (their code, closure values and the globals they
  name), the way cloudpickle does, so actions need no rewrite and the child imports
  only the modules of what the work uses (work that uses no Qt module imports none; an
  action's helpers bring in their module, and with app.document QtCore, never a window);
- a large frame, series or object array is cut into pieces of :data:`PIECE_CELLS`
  cells, each its own inner pickle, so neither pickling nor unpickling holds the GIL
  for longer than one piece (a few milliseconds); numeric buffers go out of band;
- a child keeps the tables it was sent (at most :data:`HELD_FRAMES`), so the same table
  sent again (the document's, to job after job) is named by a number, not pickled: the
  parent decides what the child keeps and tells it what to forget (:class:`Held`).

Progress comes back over the pipe; cancel is asked of the child's work (its
``ctx.progress`` raises :class:`~core.jobs.Cancelled`) and the child is killed if it does
not stop within :data:`CANCEL_GRACE_S`. An exception comes back as itself (its type,
plain message and safe traceback). Work that cannot be sent, or a child that cannot
start, raises :class:`ProcessUnavailable`: the runner then uses a thread.
"""

from __future__ import annotations

import atexit
import builtins
import functools
import importlib
import io
import itertools
import logging
import marshal
import multiprocessing
import os
import pickle
import struct
import sys
import threading
import time
import types
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from app.give_way import give_way
from core.jobs import Cancelled, JobContext, throttled

log = logging.getLogger(__name__)
SPAWN = multiprocessing.get_context("spawn")
PIECE_CELLS = 50_000  # cells per piece of a large table: a few ms of (un)pickling each
CANCEL_GRACE_S = 0.5  # then the child is killed (a new one starts for the next job)
START_TIMEOUT_S = 60.0
PROGRESS_EVERY_S = 0.05  # the child sends progress at most this often (and the last step)
MAX_CHILDREN = 2  # jobs in different slots run side by side, each in its own child
HELD_FRAMES = 6  # tables a child keeps for later jobs (the document's customer list, sales...)
HELD_CELLS = 40_000_000  # and at most this many cells in all; a bigger table is sent each time
_READY = "ready"


class ProcessUnavailable(Exception):
    """The work cannot run in a child process; run it on a thread instead."""


# -- pickling: closures by value, big tables in pieces ---------------------------------------
def _importable(fn: types.FunctionType) -> bool:
    """Whether ``fn`` is found again by its module and qualified name (pickled by name)."""
    try:
        obj: Any = sys.modules[fn.__module__]
        for part in fn.__qualname__.split("."):
            obj = getattr(obj, part)
    except (KeyError, AttributeError):
        return False
    return obj is fn


def _function(code: bytes, module: str, name: str, qualname: str, defaults, kwdefaults, cells, attrs,
              names: dict):
    """A function rebuilt from its code and the globals it names: its module is not
    imported here, so the child never imports what the work does not use (Qt above all)."""
    namespace = {"__name__": module, "__builtins__": builtins, **names}
    fn = types.FunctionType(marshal.loads(code), namespace, name, defaults,
                            tuple(types.CellType(v) for v in cells) if cells is not None else None)
    fn.__qualname__, fn.__kwdefaults__ = qualname, kwdefaults
    fn.__dict__.update(attrs)
    return fn


def _global_names(code: types.CodeType) -> set[str]:
    """Every name ``code`` (and the functions and comprehensions inside it) may look up."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _exception(cls: type, args: tuple, attrs: dict) -> BaseException:
    """An exception rebuilt without its class's ``__init__``, which may take other
    arguments than the message (``ConsentUnclear(meaning)``)."""
    exc = cls.__new__(cls, *args)
    exc.args = args
    exc.__dict__.update(attrs)
    return exc


def _loads_piece(data: bytes):
    return pickle.loads(data)


def _frame(pieces: list):
    import pandas as pd

    return pd.concat(pieces) if len(pieces) > 1 else pieces[0]


def _array(pieces: list):
    import numpy as np

    return np.concatenate(pieces)


_KEPT: dict[int, Any] = {}  # in the child: token -> a table kept for later jobs


def _hold(token: int, pieces: list):
    _KEPT[token] = _frame(pieces)
    return _kept(token)


def _kept(token: int):
    """The kept table as a job's own (copy-on-write: a job that changes it changes a copy)."""
    return _KEPT[token].copy(deep=False)


def _forget(floor: int, tokens: list[int]) -> None:
    """In the child: drop the tables the parent no longer names (and all under ``floor``)."""
    for token in [t for t in _KEPT if t < floor] + tokens:
        _KEPT.pop(token, None)


class Held:
    """The parent's record of the tables one child keeps, newest last. A table the child
    holds is sent as its token; the parent alone decides what is kept (a table it no
    longer has, or the oldest beyond :data:`HELD_FRAMES` / :data:`HELD_CELLS`) and the
    next message tells the child to forget it."""

    def __init__(self) -> None:
        self._frames: dict[int, tuple[weakref.ref, int, int]] = {}  # id -> (table, token, cells)
        self._tokens = itertools.count(1)
        self.floor = 0  # the child forgets every token below it (after a reset)
        self.forget: list[int] = []

    def reduce(self, frame, rows: int):
        entry = self._frames.pop(id(frame), None)
        if entry is not None and entry[0]() is frame:
            self._frames[id(frame)] = entry  # most recently used last
            return _kept, (entry[1],)
        if entry is not None:
            self.forget.append(entry[1])  # another table now has that id
        if frame.size > HELD_CELLS:
            return None
        token = next(self._tokens)
        self._frames[id(frame)] = (weakref.ref(frame), token, frame.size)
        self._trim()
        return _hold, (token, _pieces(frame, rows))

    def sweep(self) -> None:
        """Forget the tables the parent no longer has."""
        for key, (ref, token, _) in list(self._frames.items()):
            if ref() is None:
                del self._frames[key]
                self.forget.append(token)

    def _trim(self) -> None:
        self.sweep()
        while len(self._frames) > HELD_FRAMES or sum(e[2] for e in self._frames.values()) > HELD_CELLS:
            self.forget.append(self._frames.pop(next(iter(self._frames)))[1])

    def sent(self) -> None:
        """A message went out with :attr:`floor` and :attr:`forget`: start a new list."""
        self.forget = []

    def reset(self) -> None:
        """The child may not hold what was sent (its message could not be read): start over."""
        self._frames.clear()
        self.forget = []
        self.floor = next(self._tokens)


def _pieces(obj, rows: int) -> list:
    """``obj`` cut into row slices, each pickled on its own (a short hold of the GIL),
    giving way to the window's thread between them."""
    step = max(1, rows)
    take = obj.iloc if hasattr(obj, "iloc") else obj
    pieces = []
    for i in range(0, len(obj), step):
        give_way()
        pieces.append(_Piece(pickle.dumps(take[i:i + step], protocol=5)))
    return pieces


class _Piece:
    """An inner pickle: unpickled by a Python call, between which the GIL can switch."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __reduce__(self):
        return _loads_piece, (self.data,)


class _Pickler(pickle.Pickler):
    def __init__(self, *args, held: Held | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.held = held

    def reducer_override(self, obj):
        if isinstance(obj, types.FunctionType) and not _importable(obj):
            cells = None if obj.__closure__ is None else [c.cell_contents for c in obj.__closure__]
            names = {k: obj.__globals__[k] for k in _global_names(obj.__code__) if k in obj.__globals__}
            return _function, (marshal.dumps(obj.__code__), obj.__module__, obj.__name__, obj.__qualname__,
                               obj.__defaults__, obj.__kwdefaults__, cells, dict(obj.__dict__), names)
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if isinstance(obj, BaseException):
            return _exception, (type(obj), obj.args, dict(obj.__dict__))
        pd, np = sys.modules.get("pandas"), sys.modules.get("numpy")
        if pd is not None and isinstance(obj, pd.DataFrame) and obj.size > PIECE_CELLS:
            rows = PIECE_CELLS // max(1, obj.shape[1])
            kept = self.held.reduce(obj, rows) if self.held is not None else None
            return kept or (_frame, (_pieces(obj, rows),))
        if pd is not None and isinstance(obj, pd.Series) and len(obj) > PIECE_CELLS:
            return _frame, (_pieces(obj, PIECE_CELLS),)
        if np is not None and isinstance(obj, np.ndarray) and obj.dtype.hasobject and obj.ndim == 1 \
                and len(obj) > PIECE_CELLS:
            return _array, (_pieces(obj, PIECE_CELLS),)
        return NotImplemented


def dumps(obj, held: Held | None = None) -> tuple[bytes, list[pickle.PickleBuffer]]:
    """``obj`` as pickle bytes and its out-of-band buffers (protocol 5); with ``held``,
    tables that child keeps are named, not sent."""
    buffers: list[pickle.PickleBuffer] = []
    out = io.BytesIO()
    _Pickler(out, protocol=5, buffer_callback=buffers.append, held=held).dump(obj)
    return out.getvalue(), buffers


def _send(conn, obj) -> None:
    _write(conn, *dumps(obj))  # all pickled before anything is written: a failure sends nothing


def _write(conn, data: bytes, buffers: list[pickle.PickleBuffer]) -> None:
    conn.send_bytes(struct.pack("!I", len(buffers)))
    conn.send_bytes(data)
    for buffer in buffers:
        conn.send_bytes(buffer.raw())


def _recv(conn):
    count = struct.unpack("!I", conn.recv_bytes())[0]
    data = conn.recv_bytes()
    buffers = [bytearray(conn.recv_bytes()) for _ in range(count)]  # writable, as numpy wants
    return pickle.loads(data, buffers=buffers)


# -- the child ---------------------------------------------------------------------------------
def _watch_parent() -> None:
    """End the child when the parent is gone (killed, crashed): no orphan keeps running."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _serve(conn) -> None:
    """The child's loop: run each job sent, answer progress/done/error/cancelled.

    A reader thread takes every message, so a cancel reaches the running job at once.
    """
    import queue

    _watch_parent()
    jobs: queue.Queue = queue.Queue()
    current: list[JobContext] = []
    lock = threading.Lock()  # one writer on the pipe at a time (progress and answers)

    def read() -> None:
        while True:
            try:
                message = _recv(conn)
            except (EOFError, OSError):
                jobs.put(None)
                return
            except BaseException as exc:  # the work could not be unpickled here
                jobs.put(("broken", exc))
                continue
            if message[0] == "cancel":
                for ctx in current:
                    ctx.cancel()
            else:
                kind, fn, (floor, forget) = message
                _forget(floor, forget)
                jobs.put((kind, fn))

    def answer(*message) -> None:
        with lock:
            _send(conn, message)

    threading.Thread(target=read, daemon=True).start()
    answer(_READY)
    import numpy  # noqa: F401  # warm: the first job does not wait for these
    import pandas  # noqa: F401

    while (job := jobs.get()) is not None:
        kind, fn = job
        if kind == "broken":  # its module or a value's class cannot be imported here
            answer("unavailable", f"the work cannot be read in the worker ({type(fn).__name__})")
            continue
        ctx = JobContext(throttled(lambda *step: answer("progress", *step), PROGRESS_EVERY_S))
        current[:] = [ctx]
        try:
            result = fn(ctx)
        except Cancelled:
            answer("cancelled")
        except BaseException as exc:  # noqa: BLE001  # carried to the parent as itself
            _answer_error(answer, exc)
        else:
            try:
                answer("done", result)
            except Exception as exc:  # the result cannot be sent back
                _answer_error(answer, exc)
        current.clear()


def _import_all(modules: tuple[str, ...], ctx: JobContext) -> None:
    for name in modules:
        importlib.import_module(name)


def _answer_error(answer, exc: BaseException) -> None:
    from app.logging_setup import safe_traceback

    details = safe_traceback(exc)
    try:
        exc.details = details  # type: ignore[attr-defined]
        answer("error", exc)
    except Exception:
        plain = RuntimeError(type(exc).__name__)
        plain.details = details  # type: ignore[attr-defined]
        answer("error", plain)


# -- the parent --------------------------------------------------------------------------------
class _Child:
    """One spawned child and its end of the pipe; serves one job at a time."""

    def __init__(self) -> None:
        mine, theirs = SPAWN.Pipe(duplex=True)
        self.conn = mine
        self.held = Held()
        # not daemonic: a daemonic process may not start its own children (the calamine reader)
        self.process = SPAWN.Process(target=_serve, args=(theirs,), name="LocalReach worker")
        self.process.start()
        theirs.close()
        if not self.conn.poll(START_TIMEOUT_S) or _recv(self.conn) != (_READY,):
            self.stop()
            raise ProcessUnavailable("the worker process did not start")

    def run(self, fn: Callable[[JobContext], Any], ctx: JobContext) -> Any:
        try:
            # the list is pickled after fn, so it names what pickling fn made the child forget
            self.held.sweep()
            data, buffers = dumps(("run", fn, (self.held.floor, self.held.forget)), self.held)
            self.held.sent()
        except Exception as exc:  # a closure over a Qt object, a lock, ...
            self.held.reset()
            raise ProcessUnavailable(f"the work cannot be sent ({type(exc).__name__})") from None
        try:
            _write(self.conn, data, buffers)
            del data, buffers
            return self._answer(ctx)
        except (EOFError, OSError):  # the child was stopped (quit) or died
            if ctx.cancelled:
                raise Cancelled() from None
            raise RuntimeError("the worker process stopped") from None

    def _answer(self, ctx: JobContext) -> Any:
        asked = None
        while True:
            if self.conn.poll(0.05):
                kind, *rest = _recv(self.conn)
                if kind == "progress":
                    try:
                        ctx.progress(*rest)
                    except Cancelled:
                        pass  # handled below, by asking the child
                elif kind == "done":
                    return rest[0]
                elif kind == "cancelled":
                    raise Cancelled()
                elif kind == "error":
                    raise rest[0]
                elif kind == "unavailable":
                    self.held.reset()
                    raise ProcessUnavailable(rest[0])
            elif not self.process.is_alive():
                raise EOFError
            if ctx.cancelled:
                if asked is None:
                    asked = time.monotonic()
                    _send(self.conn, ("cancel",))
                elif time.monotonic() - asked > CANCEL_GRACE_S:
                    self.kill()
                    raise Cancelled()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        self.conn.close()  # the child's reader sees EOF and its loop ends
        self.process.join(0.5)
        if self.process.is_alive():
            self.kill()

    def kill(self) -> None:
        """End a child whose work does not stop (it checks no cancel in a long pandas call)."""
        self.process.kill()
        self.process.join(2)
        self.conn.close()


class WorkerPool:
    """Children shared by every job runner of this program, at most :data:`MAX_CHILDREN`."""

    def __init__(self, max_children: int = MAX_CHILDREN) -> None:
        self.max_children = max_children
        self._idle: list[_Child] = []
        self._children: list[_Child] = []  # idle and busy, for shutdown
        self._busy = 0
        self._cond = threading.Condition()
        self.broken = False  # a child failed to start once: threads from then on

    def run(self, fn: Callable[[JobContext], Any], ctx: JobContext) -> Any:
        """``fn(ctx)`` in a child; raises :class:`ProcessUnavailable` when it cannot."""
        child = self._acquire()
        try:
            return child.run(fn, ctx)
        finally:
            self._release(child)

    def warm_up(self, modules: Iterable[str] = ()) -> threading.Thread:
        """Start one child in the background and import ``modules`` there (the engines),
        so the first job waits for neither; the thread is returned for who must wait."""
        def start() -> None:
            try:
                self.run(functools.partial(_import_all, tuple(modules)), JobContext())
            except Exception as exc:  # noqa: BLE001  # the first job then starts or reports it
                log.info("no warm worker process: %s", type(exc).__name__)

        thread = threading.Thread(target=start, daemon=True, name="LocalReach worker start")
        thread.start()
        return thread

    def _acquire(self) -> _Child:
        with self._cond:
            while True:
                if self.broken:
                    raise ProcessUnavailable("the worker process cannot start here")
                while self._idle:
                    child = self._idle.pop()
                    if child.alive:
                        self._busy += 1
                        return child
                if self._busy < self.max_children:
                    self._busy += 1
                    break
                self._cond.wait()
        try:
            child = _Child()
        except Exception as exc:
            with self._cond:
                self._busy -= 1
                self.broken = True
                self._cond.notify_all()
            raise ProcessUnavailable(f"the worker process cannot start ({type(exc).__name__})") from None
        with self._cond:
            self._children = [c for c in self._children if c.alive] + [child]
        return child

    def _release(self, child: _Child) -> None:
        with self._cond:
            self._busy -= 1
            if child.alive and not child.conn.closed:
                self._idle.append(child)
            self._cond.notify_all()

    def shutdown(self) -> None:
        """Stop every child, busy ones too (their jobs end as cancelled or failed)."""
        with self._cond:
            children, self._children, self._idle = self._children, [], []
        for child in children:
            child.stop()


_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def worker_pool() -> WorkerPool:
    """The program's pool, made on first use; its children are stopped at exit."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = WorkerPool()
            # atexit runs last-registered first: multiprocessing's hook, which joins every
            # child (ours wait on their pipe: a hang at exit), must be registered before ours
            import multiprocessing.util  # noqa: F401
            atexit.register(_pool.shutdown)
        return _pool
