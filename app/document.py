"""The open project: sources, frames, roles, step states, audit log, and their undo stack.

Every user action changes the document through :meth:`Document.set_frame`,
:meth:`Document.set_source`, :meth:`Document.set_roles` or :meth:`Document.set_state`,
each of which pushes one named :class:`QUndoCommand`, so undo/redo works the same on
every screen and the Edit menu names the action. Values are replaced, never mutated:
a command keeps the old and the new value and swaps them.

Undo keeps, of a replaced frame, only the columns that changed (found on a background
thread, then the old frame is dropped) and counts what it keeps; past
:attr:`Document.undo_cap` the oldest steps let go of their data and can no longer be
undone (:meth:`Document.undo_floor`), and ``undoMemoryChanged`` tells the window.

Because frames are never mutated, an audit row's content hashes (about a second for a
million rows) are computed on a background thread after the row is added; whoever
writes the project calls :meth:`Document.wait_for_audit` first, on its own thread.
"""

from __future__ import annotations

import copy
import itertools
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

import pandas as pd
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.give_way import give_way, wake
from app.relay import Relay, relay
from core.audit import ColumnDigests, frame_hash, make_entry

_hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-hash")  # one: in order, one core
# A step's input is the previous step's output and it replaces a few columns: each
# column is hashed once, as the recipe runner does (used on the hashing thread only).
_digests = ColumnDigests()

_serials = itertools.count(1)


class _ColumnsBefore:
    """An old frame as the columns a change replaced or removed, plus its column order;
    the unchanged columns are read back from the new frame."""

    def __init__(self, old: pd.DataFrame, new: pd.DataFrame) -> None:
        self.order = list(old.columns)
        self.columns = {c: old[c] for c in self.order if c not in new.columns or not old[c].equals(new[c])}
        self.nbytes = int(sum(col.memory_usage(index=False, deep=True) for col in self.columns.values()))

    def frame(self, new: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({c: self.columns.get(c, new[c] if c in new.columns else None) for c in self.order},
                            index=new.index)


def _same_rows(old: Any, new: Any) -> bool:
    return (isinstance(old, pd.DataFrame) and isinstance(new, pd.DataFrame) and old.columns.is_unique
            and new.columns.is_unique and old.index.equals(new.index))


class _SwapCommand(QUndoCommand):
    """Replace a value through a setter; undo puts the old one back. A source's old frame
    may be compacted to the columns that changed (:class:`_ColumnsBefore`)."""

    def __init__(self, text: str, setter: Callable[[Any], None], old: Any, new: Any) -> None:
        super().__init__(text)
        self.serial = next(_serials)  # tells this change apart from one made in its place later
        self._setter, self._old, self._new = setter, old, new
        self.kept_bytes = 0  # undo data held beyond the current frame, once measured
        self.released = False  # let go of its data to stay under the cap: cannot be undone

    def redo(self) -> None:
        self._setter(self._new)

    def undo(self) -> None:
        if self.released:
            return
        old = self._old
        if isinstance(old, tuple) and isinstance(old[0], _ColumnsBefore):
            old = (old[0].frame(self._new[0]), *old[1:])
        self._setter(old)

    def compact(self) -> None:
        """Worker thread: keep only the replaced columns of the old frame, and count them."""
        old, new = self._old, self._new
        if isinstance(old, tuple) and _same_rows(old[0], new[0]):
            before = _ColumnsBefore(old[0], new[0])
            self._old, self.kept_bytes = (before, *old[1:]), before.nbytes
        elif isinstance(old, tuple) and isinstance(old[0], pd.DataFrame):
            self.kept_bytes = int(old[0].memory_usage(index=True, deep=True).sum())

    def release(self) -> None:
        self.released, self._old, self.kept_bytes = True, None, 0


def _serial(command: QUndoCommand | None) -> int | None:
    """The serial of a pushed change: its own, or its macro's first change's."""
    if command is None:
        return None
    serial = getattr(command, "serial", None)
    if serial is None and command.childCount():
        serial = getattr(command.child(0), "serial", None)
    return serial


HASHED, COMPACTED = "audit hashed", "undo compacted"  # the hashing thread's news (app.relay)


def _hash_entry(news: Relay, document: int, entry: dict, in_frame, out_frame) -> None:
    """Hashing thread: fill one audit row's frame hashes, then tell its document (by id)."""
    entry["input_hash"], entry["output_hash"] = (frame_hash(in_frame, give_way, _digests),
                                                 frame_hash(out_frame, give_way, _digests))
    news.fired.emit(HASHED, document)


def _compact(news: Relay, document: int, command: _SwapCommand) -> None:
    """Hashing thread: measure what an undo step keeps, then tell its document (by id)."""
    command.compact()
    news.fired.emit(COMPACTED, document)


class Document(QObject):
    """One open project. Views subscribe to the signals; they never poll."""

    frameChanged = Signal(str)  # "crm" / "sales": frame, roles or source changed
    stateChanged = Signal(str)  # a step id whose state changed
    auditChanged = Signal()
    pathChanged = Signal(str)
    restored = Signal()  # the whole project was replaced (new, open, recover)
    undoMemoryChanged = Signal(int, int)  # bytes undo keeps, the cap

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.path: str | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._roles: dict[str, dict[str, str]] = {}
        self._sources: dict[str, dict] = {}
        self._state: dict[str, Any] = {}
        self._audit: list[dict] = []
        # Per audit row: the undo step its change made (index, serial), and whether it is
        # undone now -- this session only: reopening a project clears the undo history.
        self._audit_at: list[tuple[int, int | None]] = []
        self._undone: list[bool] = []
        self._hashing: list[Future] = []
        self.undo_stack.indexChanged.connect(self._mark_undone)
        relay().fired.connect(self._news)  # the hashing thread's: it holds only this id
        self.undo_cap = 1 << 30  # bytes of replaced columns that undo may keep
        self.undo_stack.indexChanged.connect(self._keep_above_floor)

    # -- reading -------------------------------------------------------------------
    def frame(self, name: str) -> pd.DataFrame | None:
        return self._frames.get(name)

    def roles(self, name: str) -> dict[str, str]:
        return dict(self._roles.get(name, {}))

    def source(self, name: str) -> dict | None:
        """Provenance of an imported file: the import report as a dict."""
        return self._sources.get(name)

    def state(self, step: str, default: Any = None) -> Any:
        return self._state.get(step, default)

    def audit_entries(self) -> list[dict]:
        return list(self._audit)

    def audit_undone(self) -> list[bool]:
        """For each audit row: True when its change has been undone since."""
        return list(self._undone)

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def name(self) -> str:
        if not self.path:
            return "Untitled"
        from pathlib import Path

        return Path(self.path).stem

    # -- undoable changes ------------------------------------------------------------
    def set_source(self, name: str, df: pd.DataFrame, report: dict, roles: dict[str, str], text: str) -> None:
        """Import (or re-import) a file as ``name``: frame, provenance and roles at once."""
        self._swap_source(name, text, frame=df, source=report, roles=dict(roles))

    def set_frame(self, name: str, df: pd.DataFrame, text: str, roles: dict[str, str] | None = None) -> None:
        self._swap_source(name, text, frame=df, roles=dict(roles) if roles is not None else None)

    def set_roles(self, name: str, roles: dict[str, str], text: str) -> None:
        self._swap_source(name, text, roles=dict(roles))

    def _swap_source(self, name: str, text: str, frame=None, source=None, roles=None) -> None:
        """Push one command replacing the given parts of ``name``; the others stay."""
        old = (self._frames.get(name), self._sources.get(name), self._roles.get(name))
        new = tuple(part if part is not None else kept for part, kept in zip((frame, source, roles), old, strict=True))
        command = _SwapCommand(text, self._setter("_put_source", name), old, new)
        self.undo_stack.push(command)
        if old[0] is not None and old[0] is not new[0]:
            self._on_hasher(_compact, command)

    def _on_hasher(self, fn: Callable, *args) -> Future:
        """``fn(relay, id, *args)`` on the hashing thread, which gives way to the GUI thread
        from now on; it holds only this document's id (see app.relay)."""
        wake()
        return _hasher.submit(fn, relay(), id(self), *args)

    @Slot(str, object)
    def _news(self, topic: str, ident: int) -> None:
        if ident != id(self):
            return
        if topic == HASHED:
            self.auditChanged.emit()
        elif topic == COMPACTED:
            self._enforce_undo_cap()

    def _commands(self) -> list[_SwapCommand]:
        stack = self.undo_stack
        return [c for c in (stack.command(i) for i in range(stack.count())) if isinstance(c, _SwapCommand)]

    def undo_bytes(self) -> int:
        """What undo keeps beyond the current data (replaced columns of earlier frames)."""
        return sum(c.kept_bytes for c in self._commands())

    def undo_floor(self) -> int:
        """Undo can go back to this stack index, not further (older steps were let go)."""
        stack = self.undo_stack
        floor = 0
        while floor < stack.count() and getattr(stack.command(floor), "released", False):
            floor += 1
        return floor

    def _enforce_undo_cap(self) -> None:
        """Let go of the oldest undoable steps' data while undo keeps more than the cap."""
        for command in self._commands():  # oldest first
            if self.undo_bytes() <= self.undo_cap:
                break
            command.release()
        self.undoMemoryChanged.emit(self.undo_bytes(), self.undo_cap)

    def _keep_above_floor(self, index: int) -> None:
        """An undo below the floor is redone at once: that step's old data is gone."""
        floor = self.undo_floor()
        if index < floor:
            self.undo_stack.setIndex(floor)

    def set_state(self, step: str, value: Any, text: str) -> None:
        old = self._state.get(step)
        self.undo_stack.push(_SwapCommand(text, self._setter("_put_state", step), old, value))

    def __del__(self) -> None:
        """The undo stack, deleted with this document, clears itself and says so
        (cleanChanged, indexChanged): to listeners that may be half freed by then (a
        window, an autosaver), which crashed. Said to nobody."""
        try:
            self.undo_stack.blockSignals(True)
        except RuntimeError:  # already deleted with its parent
            pass

    def _setter(self, method: str, key: str) -> Callable[[Any], None]:
        """An undo command's setter, holding this document weakly. The undo stack (this
        document's child) holds its commands; a setter holding the document made a cycle
        only the garbage collector could break, and it freed the document while it was
        freeing one of the commands: QUndoStack::clear then deleted that half-freed command
        (the test suite's segfault in gc.collect, caught under gdb)."""
        document = weakref.ref(self)

        def put(value: Any) -> None:
            alive = document()
            if alive is not None:
                getattr(alive, method)(key, value)

        return put

    def _put_source(self, name: str, value: tuple) -> None:
        df, source, roles = value
        for store, item in ((self._frames, df), (self._sources, source), (self._roles, roles)):
            if item is None:
                store.pop(name, None)
            else:
                store[name] = item
        self.frameChanged.emit(name)

    def _put_state(self, step: str, value: Any) -> None:
        if value is None:
            self._state.pop(step, None)
        else:
            self._state[step] = value
        self.stateChanged.emit(step)

    # -- audit -------------------------------------------------------------------------
    def audit(
        self,
        step: str,
        params: dict,
        rows_in: int,
        rows_out: int,
        in_frame: pd.DataFrame | None = None,
        out_frame: pd.DataFrame | None = None,
        key_fingerprint: str | None = None,
    ) -> None:
        """Append one audit row (never undone: the log records what happened); its frame
        hashes are filled in by the hashing thread."""
        entry = make_entry(step, params, rows_in, rows_out, None, None, key_fingerprint)
        self._audit.append(entry)
        if in_frame is not None or out_frame is not None:
            self._hashing = [f for f in self._hashing if not f.done()]
            self._hashing.append(self._on_hasher(_hash_entry, entry, in_frame, out_frame))
        index = self.undo_stack.index()
        self._audit_at.append((index, _serial(self.undo_stack.command(index - 1)) if index else None))
        self._undone.append(False)
        self.auditChanged.emit()

    def wait_for_audit(self) -> None:
        """Block until every audit row has its hashes (call it off the GUI thread)."""
        wait(list(self._hashing))

    def _mark_undone(self, index: int) -> None:
        """An audit row is undone when its step is above the stack's index, or was replaced
        by another change after an undo (the serial at its place differs)."""
        stack = self.undo_stack
        undone = [at > index or (serial is not None and _serial(stack.command(at - 1)) != serial)
                  for at, serial in self._audit_at]
        if undone != self._undone:
            self._undone = undone
            self.auditChanged.emit()

    # -- persistence -------------------------------------------------------------------
    def snapshot(self) -> dict:
        """The whole project as a tree of JSON values and DataFrames (for the store)."""
        return {
            "sources": copy.deepcopy(self._sources),
            "frames": dict(self._frames),
            "roles": copy.deepcopy(self._roles),
            "state": dict(self._state),
            "audit": list(self._audit),
        }

    def restore(self, snapshot: dict, path: str | None = None) -> None:
        """Replace the whole document (open / recover); clears undo history."""
        self.undo_stack.clear()
        old_steps = set(self._state)
        self._sources = dict(snapshot.get("sources", {}))
        self._frames = dict(snapshot.get("frames", {}))
        self._roles = dict(snapshot.get("roles", {}))
        self._state = dict(snapshot.get("state", {}))
        self._audit = list(snapshot.get("audit", []))
        self._audit_at, self._undone = [(0, None)] * len(self._audit), [False] * len(self._audit)
        self.path = path
        self.restored.emit()
        for name in set(self._frames) | {"crm", "sales"}:
            self.frameChanged.emit(name)
        for step in sorted(old_steps | set(self._state)):  # steps that lost their state too
            self.stateChanged.emit(step)
        self.auditChanged.emit()
        self.pathChanged.emit(path or "")

    def mark_saved(self, path: str) -> None:
        self.path = path
        self.undo_stack.setClean()
        self.pathChanged.emit(path)
