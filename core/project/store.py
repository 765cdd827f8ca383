"""The ``.lreach`` project file: one SQLite database with a schema version.

A project is saved from, and opened into, a *state tree*: nested dicts (str keys)
and lists of JSON values, with DataFrames and bytes anywhere inside. Well-known
top-level keys get their own tables so the file is inspectable with any SQLite
tool: ``sources`` (provenance, optional file bytes), ``state`` (one row per step),
``audit`` (one row per transformation) and ``vault`` (encrypted blobs); any other
top-level key lands in ``tree``. DataFrames go to ``frames``/``frame_parts`` through
the exact codec in :mod:`core.project.frames`; nothing is pickled, so opening a
file never runs code.

The project's region (see :mod:`core.region`) is the state row ``region``:
``{"code": "GB"}``. A project saved before it had one simply has no such row, and
:func:`project_region` reads any damaged value as "not known" rather than failing.

Saving builds the database in memory, then writes it with :func:`core.atomic.atomic_open`
(temp file beside the target, fsync, os.replace): a crash leaves the previous file
intact. A temp file orphaned by a hard kill is swept by the next save or open.
Opening never writes to the file: older schemas are migrated in memory and the file
is upgraded on the next save.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from core import __version__
from core.atomic import atomic_open
from core.errors import LocalReachError
from core.jobs import JobContext, ensure_context
from core.project.frames import decode_frame, encode_frame

SCHEMA_VERSION = 2
SUFFIX = ".lreach"
REGION_STATE = "region"  # state row holding {"code": <ISO 3166 alpha-2>}
_CHUNK = 256 * 1024 * 1024  # stay far below SQLite's 1 GB blob limit

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tree (key TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE sources (name TEXT PRIMARY KEY, path TEXT, sha256 TEXT, json TEXT NOT NULL, content BLOB);
CREATE TABLE state (step TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, time TEXT, step TEXT, params TEXT, rows_in INTEGER,
                    rows_out INTEGER, input_hash TEXT, output_hash TEXT, key_fingerprint TEXT,
                    extra TEXT);
CREATE TABLE vault (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE frames (id INTEGER PRIMARY KEY, label TEXT, meta TEXT NOT NULL);
CREATE TABLE frame_parts (frame_id INTEGER, part INTEGER, chunk INTEGER, data BLOB NOT NULL,
                          PRIMARY KEY (frame_id, part, chunk));
CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""

_AUDIT_COLUMNS = ("time", "step", "params", "rows_in", "rows_out", "input_hash", "output_hash", "key_fingerprint")
_FRAME, _BLOB = "$frame", "$blob"  # reserved: a dict with only this key is a reference
_DEDICATED = {"sources": dict, "state": dict, "audit": list, "vault": dict}


class ProjectFileError(LocalReachError):
    """A project file cannot be opened or saved (not a project, damaged, too new)."""


class StateTypeError(TypeError):
    """A step stored something the project-state rule does not allow (a bug, not user error)."""


def _migrate_v1_to_v2(db: sqlite3.Connection) -> None:
    """v2 records each source's SHA-256 and each audit row's key fingerprint and extras."""
    db.execute("ALTER TABLE sources ADD COLUMN sha256 TEXT")
    for name, content in db.execute("SELECT name, content FROM sources").fetchall():
        if content is not None:
            digest = hashlib.sha256(content).hexdigest()
            db.execute("UPDATE sources SET sha256 = ? WHERE name = ?", (digest, name))
    db.execute("ALTER TABLE audit ADD COLUMN key_fingerprint TEXT DEFAULT ''")
    db.execute("ALTER TABLE audit ADD COLUMN extra TEXT DEFAULT '{}'")
    db.execute("UPDATE audit SET key_fingerprint = '' WHERE key_fingerprint IS NULL")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_v1_to_v2}


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    """One writer at a time per project file within this process (save vs. background save)."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


# -- temp files -------------------------------------------------------------------------
def temp_files(path: str | os.PathLike) -> list[Path]:
    """Leftover atomic-write temp files of ``path`` (see :func:`core.atomic.atomic_path`)."""
    path = Path(path)
    return sorted(path.parent.glob(f".{path.name}.*.tmp")) if path.parent.is_dir() else []


def sweep_temp_files(path: str | os.PathLike, min_age: float = 0.0) -> int:
    """Delete temp files a killed save left beside ``path``; returns how many."""
    removed = 0
    now = time.time()
    for tmp in temp_files(path):
        try:
            if now - tmp.stat().st_mtime >= min_age:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


# -- encoding the tree ---------------------------------------------------------------------
class _Writer:
    """Walks a state tree, moving frames and bytes into their tables."""

    def __init__(self, db: sqlite3.Connection, ctx: JobContext, total_frames: int) -> None:
        self.db, self.ctx, self.total = db, ctx, total_frames
        self.frame_ids: dict[int, int] = {}  # id(df) -> row id: one copy per object
        self.blob_count = 0

    def encode(self, value: Any, where: str) -> Any:
        if isinstance(value, pd.DataFrame):
            return {_FRAME: self._frame(value, where)}
        if isinstance(value, bytes | bytearray):
            self.blob_count += 1
            self.db.execute("INSERT INTO blobs (id, data) VALUES (?, ?)", (self.blob_count, bytes(value)))
            return {_BLOB: self.blob_count}
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if not isinstance(k, str):
                    raise StateTypeError(f"{where}: key {k!r} is a {type(k).__name__}; use str keys")
                out[k] = self.encode(v, f"{where}/{k}")
            return out
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if value is None or type(value) in (str, int, float, bool):
            return value
        raise StateTypeError(
            f"{where} holds a {type(value).__module__}.{type(value).__name__}; the project state may "
            "only hold JSON values (dict, list, str, int, float, bool, None) and DataFrames"
        )

    def _frame(self, df: pd.DataFrame, where: str) -> int:
        key = id(df)
        if key in self.frame_ids:
            return self.frame_ids[key]
        self.ctx.progress(len(self.frame_ids), self.total, "Saving tables")
        meta, payloads = encode_frame(df)
        frame_id = len(self.frame_ids) + 1
        self.db.execute("INSERT INTO frames VALUES (?, ?, ?)", (frame_id, where, json.dumps(meta)))
        for part, data in enumerate(payloads):
            for chunk, start in enumerate(range(0, max(len(data), 1), _CHUNK)):
                self.db.execute(
                    "INSERT INTO frame_parts VALUES (?, ?, ?, ?)", (frame_id, part, chunk, data[start : start + _CHUNK])
                )
        self.frame_ids[key] = frame_id
        return frame_id

    def dumps(self, value: Any, where: str) -> str:
        return json.dumps(self.encode(value, where), ensure_ascii=False, separators=(",", ":"))


def _count_frames(value: Any, seen: set[int]) -> int:
    if isinstance(value, pd.DataFrame):
        seen.add(id(value))
    elif isinstance(value, dict):
        for v in value.values():
            _count_frames(v, seen)
    elif isinstance(value, list):
        for v in value:
            _count_frames(v, seen)
    return len(seen)


def _write_tree(db: sqlite3.Connection, tree: dict, ctx: JobContext) -> None:
    db.executescript(_SCHEMA)
    w = _Writer(db, ctx, _count_frames(tree, set()))
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "app_version": __version__,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    dedicated = [k for k, v in tree.items() if isinstance(v, _DEDICATED.get(k, ()))]
    meta["dedicated"] = json.dumps(dedicated)
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    for key, value in tree.items():
        if key not in dedicated:
            db.execute("INSERT INTO tree VALUES (?, ?)", (key, w.dumps(value, key)))
        elif key == "sources":
            for name, src in value.items():
                src = dict(src or {})
                content = src.pop("content") if isinstance(src.get("content"), bytes) else None
                db.execute(
                    "INSERT INTO sources VALUES (?, ?, ?, ?, ?)",
                    (name, src.get("path"), src.get("sha256"), w.dumps(src, f"sources/{name}"), content),
                )
        elif key == "state":
            for step, v in value.items():
                db.execute("INSERT INTO state VALUES (?, ?)", (step, w.dumps(v, f"state/{step}")))
        elif key == "audit":
            for seq, entry in enumerate(value):
                entry = dict(entry)
                row = [entry.pop(c, None) for c in _AUDIT_COLUMNS]
                row[2] = json.dumps(row[2], sort_keys=True)
                db.execute(
                    "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (seq, *row, w.dumps(entry, f"audit[{seq}]")),
                )
        else:  # vault
            for name, data in value.items():
                if not isinstance(data, bytes):
                    raise StateTypeError(f"vault/{name} must be bytes")
                db.execute("INSERT INTO vault VALUES (?, ?)", (name, data))
    ctx.progress(w.total, w.total, "Saving tables")
    db.commit()


def save_project(path: str | os.PathLike, tree: dict, ctx: JobContext | None = None) -> None:
    """Write ``tree`` as the project file ``path``, atomically (old file kept on failure)."""
    ctx = ensure_context(ctx)
    path = Path(path)
    db = sqlite3.connect(":memory:")
    try:
        _write_tree(db, tree, ctx)
        image = db.serialize()
    finally:
        db.close()
    try:
        with _write_lock(path):
            ctx.check()  # a superseded save (e.g. the user saved again) never overwrites a newer one
            sweep_temp_files(path)  # left by a save that was killed
            with atomic_open(path, "wb") as fh:
                fh.write(image)
    except OSError as exc:
        raise ProjectFileError(
            f"Could not save the project to {path.name} ({exc.strerror}); choose another folder."
        ) from exc


# -- reading -------------------------------------------------------------------------------
class _Reader:
    def __init__(self, db: sqlite3.Connection, ctx: JobContext) -> None:
        self.db, self.ctx = db, ctx
        self.frames: dict[int, pd.DataFrame] = {}
        self.total = db.execute("SELECT COUNT(*) FROM frames").fetchone()[0]

    def decode(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1 and _FRAME in value:
                return self._frame(value[_FRAME])
            if len(value) == 1 and _BLOB in value:
                return self.db.execute("SELECT data FROM blobs WHERE id = ?", (value[_BLOB],)).fetchone()[0]
            return {k: self.decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        return value

    def loads(self, text: str) -> Any:
        return self.decode(json.loads(text))

    def _frame(self, frame_id: int) -> pd.DataFrame:
        if frame_id not in self.frames:
            self.ctx.progress(len(self.frames), self.total, "Opening tables")
            meta = json.loads(self.db.execute("SELECT meta FROM frames WHERE id = ?", (frame_id,)).fetchone()[0])
            parts: dict[int, list[bytes]] = {}
            rows = self.db.execute(
                "SELECT part, data FROM frame_parts WHERE frame_id = ? ORDER BY part, chunk", (frame_id,)
            )
            for part, data in rows:
                parts.setdefault(part, []).append(data)
            self.frames[frame_id] = decode_frame(meta, [b"".join(parts[p]) for p in sorted(parts)])
        return self.frames[frame_id]


def _open_db(path: Path) -> sqlite3.Connection:
    """Copy the file into an in-memory database: opening never writes to the file."""
    try:
        image = path.read_bytes()
    except FileNotFoundError:
        raise ProjectFileError(f"The project file {path.name} does not exist; check the path.") from None
    except OSError as exc:
        raise ProjectFileError(f"Could not read the project file {path.name} ({exc.strerror}).") from exc
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(image)
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise ProjectFileError(
            f"{path.name} is not a LocalReach project or is damaged; open another file or an autosave."
        ) from None
    if version is None:
        db.close()
        raise ProjectFileError(f"{path.name} is not a LocalReach project (no schema version).")
    return db


def schema_version(path: str | os.PathLike) -> int:
    """The schema version a project file was written with."""
    db = _open_db(Path(path))
    try:
        return int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
    finally:
        db.close()


def _migrate(db: sqlite3.Connection, version: int, name: str) -> None:
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"{name} was saved by a newer LocalReach (project format {version}); update LocalReach to open it."
        )
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](db)
        version += 1
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))


def load_project(path: str | os.PathLike, ctx: JobContext | None = None) -> dict:
    """Open a project file as a state tree (see the module docstring for its layout)."""
    ctx = ensure_context(ctx)
    path = Path(path)
    sweep_temp_files(path)
    db = _open_db(path)
    try:
        version = int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
        _migrate(db, version, path.name)
        r = _Reader(db, ctx)
        tree: dict = {key: r.loads(text) for key, text in db.execute("SELECT key, json FROM tree")}
        sources = {}
        for name, sha, text, content in db.execute("SELECT name, sha256, json, content FROM sources"):
            src = r.loads(text)
            if sha is not None:
                src.setdefault("sha256", sha)
            if content is not None:
                src["content"] = content
            sources[name] = src
        states = {step: r.loads(text) for step, text in db.execute("SELECT step, json FROM state")}
        audit = []
        cols = ", ".join(_AUDIT_COLUMNS)
        for row in db.execute(f"SELECT {cols}, extra FROM audit ORDER BY seq"):
            entry = dict(zip(_AUDIT_COLUMNS, row[:-1], strict=True))
            entry["params"] = json.loads(entry["params"]) if entry["params"] else {}
            entry.update(r.loads(row[-1] or "{}"))
            audit.append(entry)
        vault = dict(db.execute("SELECT name, data FROM vault").fetchall())
        row = db.execute("SELECT value FROM meta WHERE key = 'dedicated'").fetchone()
        dedicated = json.loads(row[0]) if row else ["sources", "state", "audit", "vault"]
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"{path.name} is damaged ({exc}); open an autosave instead.") from None
    finally:
        db.close()
    for key, value in (("sources", sources), ("state", states), ("audit", audit), ("vault", vault)):
        if key in dedicated or value:
            tree[key] = value
    ctx.progress(1, 1, "Project opened")
    return tree


def project_region(tree: dict) -> str | None:
    """The region a project's state tree stores; None when it stores none (older files)
    or the value is not a two-letter country code."""
    from core.region import check_region  # phone and country tables: not at every start

    entry = (tree.get("state") or {}).get(REGION_STATE)
    code = entry.get("code") if isinstance(entry, dict) else None
    if not isinstance(code, str):
        return None
    try:
        return check_region(code)
    except LocalReachError:
        return None
