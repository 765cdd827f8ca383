"""Where shipped files live: `resources/` beside the code, or inside a frozen build.

One function so name lists, nickname tables, demo data and templates are found the
same way from a source checkout, an editable install and a PyInstaller bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("demo", "crm.xlsx")``."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)
