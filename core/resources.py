"""Where shipped files live: the ``resources`` package, or inside a frozen build.

One function so name lists, nickname tables, demo data and templates are found the
same way from a source checkout, an editable or a plain install (package data, through
:mod:`importlib.resources`) and a PyInstaller bundle.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def _root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(str(files("resources")))  # installed wheels are unpacked: a real folder


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("demo", "crm.xlsx")``."""
    return _root().joinpath(*parts)
