"""The open project: sources, frames, roles, step states, audit log, and their undo stack.

Every user action changes the document through :meth:`Document.set_frame`,
:meth:`Document.set_source`, :meth:`Document.set_roles` or :meth:`Document.set_state`,
each of which pushes one named :class:`QUndoCommand`, so undo/redo works the same on
every screen and the Edit menu names the action. Values are replaced, never mutated:
a command keeps the old and the new value and swaps them.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import pandas as pd
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.audit import make_entry

_serials = itertools.count(1)


class _SwapCommand(QUndoCommand):
    """Replace a value through a setter; undo puts the old one back."""

    def __init__(self, text: str, setter: Callable[[Any], None], old: Any, new: Any) -> None:
        super().__init__(text)
        self.serial = next(_serials)  # tells this change apart from one made in its place later
        self._setter, self._old, self._new = setter, old, new

    def redo(self) -> None:
        self._setter(self._new)

    def undo(self) -> None:
        self._setter(self._old)


def _serial(command: QUndoCommand | None) -> int | None:
    """The serial of a pushed change: its own, or its macro's first change's."""
    if command is None:
        return None
    serial = getattr(command, "serial", None)
    if serial is None and command.childCount():
        serial = getattr(command.child(0), "serial", None)
    return serial


class Document(QObject):
    """One open project. Views subscribe to the signals; they never poll."""

    frameChanged = Signal(str)  # "crm" / "sales": frame, roles or source changed
    stateChanged = Signal(str)  # a step id whose state changed
    auditChanged = Signal()
    pathChanged = Signal(str)
    restored = Signal()  # the whole project was replaced (new, open, recover)

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
        self.undo_stack.indexChanged.connect(self._mark_undone)

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
        self.undo_stack.push(_SwapCommand(text, lambda v: self._put_source(name, v), old, new))

    def set_state(self, step: str, value: Any, text: str) -> None:
        old = self._state.get(step)
        self.undo_stack.push(_SwapCommand(text, lambda v: self._put_state(step, v), old, value))

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
        """Append one audit row (never undone: the log records what happened)."""
        self._audit.append(
            make_entry(step, params, rows_in, rows_out, in_frame, out_frame, key_fingerprint)
        )
        index = self.undo_stack.index()
        self._audit_at.append((index, _serial(self.undo_stack.command(index - 1)) if index else None))
        self._undone.append(False)
        self.auditChanged.emit()

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
