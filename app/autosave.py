"""Autosave and crash recovery.

Every few minutes, unsaved work is written to the autosave folder in LocalReach's
data folder (``platformdirs``), one ``.lreach`` file per running session plus a small
JSON note (which project, when). The session holds a :class:`QLockFile` beside it; a
clean quit deletes all three. After a crash the lock is stale (its process is gone),
so the next start finds the autosave and offers to restore it.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal

from app.document import Document
from app.jobs import JobRunner
from app.project import save_work
from app.settings import data_dir
from core.atomic import atomic_open
from core.jobs import JobContext
from core.project.store import load_project, save_project

SLOT = "autosave"


def autosave_dir() -> Path:
    path = data_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    return lock


@dataclass
class Recovery:
    """Unsaved work left by a session that did not quit cleanly."""

    file: Path
    project_path: str | None
    project_name: str
    saved_at: str
    _lock: QLockFile | None = None

    def restore(self, doc: Document) -> None:
        """Load the work into ``doc``: unsaved (dirty), saving goes to the original project."""
        doc.restore(load_project(self.file), path=self.project_path)
        doc.undo_stack.resetClean()
        self.discard()

    def discard(self) -> None:
        for f in (self.file, self.file.with_suffix(".json")):
            with contextlib.suppress(FileNotFoundError):
                f.unlink()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def find_recoveries(directory: Path | None = None) -> list[Recovery]:
    """Autosaves whose session is gone, newest first; each holds its lock until used."""
    directory = directory or autosave_dir()
    found = []
    for file in directory.glob("session-*.lreach"):
        lock = _lock(file.with_suffix(".lock"))
        if not lock.tryLock(0):
            continue  # another LocalReach is running with it
        try:
            note = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            note = {}
        found.append(
            Recovery(
                file=file,
                project_path=note.get("project_path"),
                project_name=note.get("project_name", "Untitled"),
                saved_at=note.get("saved_at", ""),
                _lock=lock,
            )
        )
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class Autosaver(QObject):
    """Writes the document's unsaved work every ``minutes`` in the background."""

    autosaved = Signal(str)  # the autosave file

    def __init__(
        self, doc: Document, jobs: JobRunner, minutes: float = 3, directory: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.doc, self.jobs = doc, jobs
        self.directory = directory or autosave_dir()
        self.file = self.directory / f"session-{uuid.uuid4().hex}.lreach"
        self._lock = _lock(self.file.with_suffix(".lock"))
        self._saved_index: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(self.autosave_now)
        doc.undo_stack.cleanChanged.connect(self._clean_changed)

    def start(self) -> None:
        self._lock.lock()
        self.timer.start()

    def stop(self) -> None:
        """A clean quit: nothing to recover, so the autosave goes."""
        self.timer.stop()
        self.jobs.cancel(SLOT)
        self._remove()
        self._lock.unlock()

    def autosave_now(self, background: bool = True) -> None:
        """Write unsaved work now, unless nothing changed since the last autosave."""
        stack = self.doc.undo_stack
        if stack.isClean() or stack.index() == self._saved_index:
            return
        tree, index = self.doc.snapshot(), stack.index()
        note = {
            "project_path": self.doc.path,
            "project_name": self.doc.name,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }

        def write(ctx: JobContext | None = None) -> str:
            if ctx is None:
                self.doc.wait_for_audit()
                save_project(self.file, tree)
            else:  # in an engine child when one can take it
                save_work(self.doc, self.jobs.processes, self.file, tree)(ctx)
            with atomic_open(self.file.with_suffix(".json")) as fh:
                json.dump(note, fh)
            return str(self.file)

        def done(file: str) -> None:
            self._saved_index = index
            self.autosaved.emit(file)

        if background:
            self.jobs.start(SLOT, write, done)
        else:
            done(write())

    def _clean_changed(self, clean: bool) -> None:
        if clean:  # saved to the project file: the autosave is obsolete
            self.jobs.cancel(SLOT)
            self._remove()
            self._saved_index = None

    def _remove(self) -> None:
        for f in (self.file, self.file.with_suffix(".json")):
            with contextlib.suppress(FileNotFoundError):
                f.unlink()

