"""User settings: a small versioned JSON file in the platform's config folder.

Settings carry a schema version and are migrated forward on load (the way Orange's
``migrate_settings`` works), so an older LocalReach's file never breaks a newer one.
``LOCALREACH_HOME`` relocates every file LocalReach writes (tests, portable installs).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from core.atomic import atomic_open

SCHEMA_VERSION = 3
DEFAULTS: dict[str, Any] = {
    "version": SCHEMA_VERSION,
    "recent_projects": [],
    "autosave_minutes": 3,
    "geometry": "",
    "seen_tour": False,
    "last_folder": "",
}


def data_dir() -> Path:
    """Where settings, autosaves and the demo copy live (created on first use)."""
    home = os.environ.get("LOCALREACH_HOME")
    path = Path(home) if home else Path(platformdirs.user_data_dir("LocalReach", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def migrate(raw: dict) -> dict:
    """Bring a settings dict of any earlier version up to :data:`SCHEMA_VERSION`."""
    data = dict(raw)
    version = int(data.get("version", 1))
    if version < 2:
        # v1 stored a single "last_project"; v2 keeps a list of recent projects.
        last = data.pop("last_project", None)
        data["recent_projects"] = [last] if last else []
    if version < 3:
        # v2 kept a "default_region" nothing read; the region is the project's (detected,
        # shown on the Import screen, stored with the project), never a setting.
        data.pop("default_region", None)
    data["version"] = SCHEMA_VERSION
    return {**DEFAULTS, **data}


class Settings:
    """Load once, change with :meth:`set`, written atomically on every change."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "settings.json"
        self._data = self._load()

    def _load(self) -> dict:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return dict(DEFAULTS)
        return migrate(raw) if isinstance(raw, dict) else dict(DEFAULTS)

    def get(self, key: str) -> Any:
        return self._data.get(key, DEFAULTS.get(key))

    def set(self, key: str, value: Any) -> None:
        # Read the file again first: several Settings objects (window, dialogs) share it,
        # and one writing its old copy would undo what another just saved.
        self._data = {**self._load(), key: value}
        with atomic_open(self.path) as fh:
            json.dump(self._data, fh, indent=2)

    def add_recent(self, project: str, limit: int = 8) -> None:
        recent = [p for p in self.get("recent_projects") if p != project]
        self.set("recent_projects", [project, *recent][:limit])
