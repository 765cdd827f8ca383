"""Process entry: the command line, with the window plugged in as the `gui` command.

Qt widgets are imported only when the window is opened, so CLI commands start fast
and run on machines without a display.
"""

from __future__ import annotations

import os
import sys

from app.cli import main as cli_main
from app.settings import data_dir


def open_window(project: str | None = None) -> int:
    from ui.application import run_app

    code = run_app(project)
    # Everything is saved by now (settings, project, autosave removed). Skip interpreter
    # shutdown: PySide6 and Python free charts and models there in an order that aborts
    # the process ("none_dealloc"), which a user would see as a crash on every quit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    # matplotlib would otherwise write its font cache to ~/.config: keep every write
    # inside LocalReach's own data folder.
    os.environ.setdefault("MPLCONFIGDIR", str(data_dir() / "matplotlib"))
    return cli_main(sys.argv[1:] if argv is None else argv, gui_launcher=open_window)
