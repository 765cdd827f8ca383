"""Settings from a file (a recipe, a project) into a step's config dataclass, checked.

A misspelt key (``treshold``) must be one clear line naming the key and the nearest
valid one, never a TypeError traceback from the dataclass.
"""

from __future__ import annotations

import dataclasses
import difflib

from core.errors import LocalReachError


def checked(cls, settings: dict, where: str) -> dict:
    """``settings`` unchanged when every key is a field of ``cls``; else one clear error."""
    names = [f.name for f in dataclasses.fields(cls)]
    for key in settings:
        if key not in names:
            near = difflib.get_close_matches(str(key), names, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"use one of {', '.join(names)}."
            raise LocalReachError(f"{where}: unknown setting '{key}'; {hint}")
    return settings


def build(cls, settings: dict, where: str):
    """``cls(**settings)`` after :func:`checked`."""
    return cls(**checked(cls, settings, where))
