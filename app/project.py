"""Glue between the open :class:`~app.document.Document` and the ``.lreach`` store.

The document gives a snapshot (a state tree of JSON values and DataFrames); the store
writes it atomically and reads it back. Saving can run in a worker: the snapshot is
taken on the GUI thread (cheap: frames are shared, never mutated) and only the
writing happens in the background, in an engine child process when one can take it
(serialising on a thread holds the GUI thread's GIL: 93-430 ms stalls at 100k rows).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject

from app.document import Document
from app.jobs import JobRunner
from app.settings import Settings
from app.worker_process import ProcessUnavailable, WorkerPool
from core.jobs import JobContext
from core.project.store import SUFFIX, load_project, save_project

log = logging.getLogger(__name__)
SAVE_SLOT = "project-save"


def project_path(path: str | os.PathLike) -> Path:
    """``path`` with the project suffix added when the user typed a bare name."""
    path = Path(path)
    return path if path.suffix.lower() == SUFFIX else path.with_name(path.name + SUFFIX)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def with_source_bytes(tree: dict) -> dict:
    """The snapshot with each source file's bytes inside, so the project travels alone.

    A file is embedded only while it still has the SHA-256 it was imported with; a
    changed or missing file keeps just its path and hash. Files are only read.
    """
    sources = {}
    for name, src in tree.get("sources", {}).items():
        src = dict(src or {})
        file = Path(src.get("path") or "")
        if "content" not in src and src.get("sha256") and file.is_file() and _file_sha256(file) == src["sha256"]:
            src["content"] = file.read_bytes()
        sources[name] = src
    return {**tree, "sources": sources}


def save_document(
    doc: Document, path: str | os.PathLike, ctx: JobContext | None = None, settings: Settings | None = None,
    embed_sources: bool = False,
) -> Path:
    """Save ``doc`` to ``path`` now (on the calling thread) and mark it clean.

    ``embed_sources`` puts the imported files' bytes into the project (bigger file,
    but it opens on another computer with its provenance intact).
    """
    path = project_path(path)
    tree = doc.snapshot()
    doc.wait_for_audit()
    save_project(path, with_source_bytes(tree) if embed_sources else tree, ctx)
    _saved(doc, path, settings)
    return path


def start_save(
    doc: Document, jobs: JobRunner, path: str | os.PathLike, on_saved=None, on_error=None,
    settings: Settings | None = None,
) -> None:
    """Save in the background; the document is marked clean at the state it was saved.

    Edits made while the file is being written keep the document dirty: the undo
    stack's clean point is set to the index the snapshot was taken at.
    """
    path = project_path(path)
    tree = doc.snapshot()
    index = doc.undo_stack.index()

    def done(_result) -> None:
        if doc.undo_stack.index() == index:
            _saved(doc, path, settings)
        else:
            doc.path = str(path)
            doc.pathChanged.emit(str(path))
            if settings is not None:
                settings.add_recent(str(path))
        if on_saved is not None:
            on_saved(path)

    jobs.start(SAVE_SLOT, save_work(doc, jobs.processes, path, tree), done, on_error)


def save_work(doc: Document, processes: WorkerPool, path: Path, tree: dict):
    """A job's work that writes ``tree`` to ``path``: it waits for the audit rows' hashes
    (computed on their own thread), then the store serialises in an engine child (the
    tree crosses the pipe in pieces), or on the job's thread when no child can take it."""
    def work(ctx: JobContext) -> None:
        doc.wait_for_audit()
        write = functools.partial(save_project, path, tree)
        try:
            processes.run(write, ctx)
        except ProcessUnavailable as exc:
            log.info("the save runs on a thread: %s", exc)
            write(ctx)

    return work


def _saved(doc: Document, path: Path, settings: Settings | None) -> None:
    doc.mark_saved(str(path))
    if settings is not None:
        settings.add_recent(str(path))


def open_document(
    path: str | os.PathLike,
    doc: Document | None = None,
    parent: QObject | None = None,
    settings: Settings | None = None,
    ctx: JobContext | None = None,
) -> Document:
    """Open a project into ``doc`` (or a new Document); its undo history starts empty."""
    path = Path(path)
    tree = load_project(path, ctx)
    doc = doc if doc is not None else Document(parent)
    doc.restore(tree, path=str(path))
    if settings is not None:
        settings.add_recent(str(path))
    return doc


def recent_projects(settings: Settings) -> list[Path]:
    """Recent projects that still exist, newest first (for the welcome screen)."""
    return [Path(p) for p in settings.get("recent_projects") if Path(p).is_file()]
