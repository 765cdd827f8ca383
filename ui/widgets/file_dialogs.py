"""Where file dialogs start: the user's Documents folder, then the last folder used.

Every open, save and folder dialog of the window passes :func:`start_folder` (or
:func:`start_in`) as its directory and hands the chosen path to :func:`remember`, so
choosing a file in one place makes the next dialog, anywhere, start next to it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from app.settings import Settings


def start_folder(current: str = "") -> str:
    """``current`` when it is a folder, else the last folder used, else Documents."""
    if current and Path(current).is_dir():
        return current
    last = Settings().get("last_folder")
    if last and Path(last).is_dir():
        return last
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def remember(path: str, is_folder: bool = False) -> str:
    """Note the folder of a chosen ``path`` (or the chosen folder) for the next dialog."""
    if path:
        Settings().set("last_folder", str(Path(path) if is_folder else Path(path).parent))
    return path


def start_in(name: str) -> str:
    """A save dialog's start: ``name`` inside :func:`start_folder`."""
    return str(Path(start_folder()) / name)
