"""The command-line contract (see DESIGN.md): one module per sub-command in app/commands.

Each module in :mod:`app.commands` defines ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; this file discovers them, so adding a command touches no
shared list. Only the chosen command's module is imported (its engine with it), so
``--help`` and a command's own help answer at once. User errors (:class:`core.errors.LocalReachError`) become one line on
standard error and exit code 2; nothing else is printed.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from app.commands import commands
from core import __version__
from core.errors import LocalReachError


def _command_modules() -> list:
    """Objects with ``NAME``, ``HELP``, ``add_arguments`` and ``run`` (modules, or lazy stand-ins)."""
    return commands()


def _chosen(argv: list[str]) -> str | None:
    """The sub-command named on the line: the first word that is not an option (the
    top-level options take no value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command chosen in ``argv`` gets its arguments (and its imports).
    Without ``argv`` every command is complete."""
    parser = argparse.ArgumentParser(
        prog="localreach",
        description="Customer segments, personas and mail merge from your own spreadsheets. "
        "Nothing leaves this computer.",
    )
    parser.add_argument("--version", action="version", version=f"LocalReach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = _command_modules()
    chosen = None if argv is None else _chosen(argv)
    for module in modules:
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        if argv is None or module.NAME == chosen:
            module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


# The cyclic collector's thresholds. Python's (700, 10, 10) made a 100k-customer,
# 1M-line run spend ~1.9 of its ~24 CPU-s in 3,172 young and 13 full collections, which
# walk every list and dict still alive; with these, 37 and none, 1.2-1.9 CPU-s less and
# the same peak memory (three runs each). The window's collector (app.main_thread_gc)
# sets smaller ones: each collection holds its GUI thread.
GC_THRESHOLDS = (50_000, 20, 20)


def main(argv: list[str] | None = None, gui_launcher=None) -> int:
    """Run one command. ``gui_launcher(project) -> int`` is handed in by the ui layer
    (``ui.launch``), because app must never import ui."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        argv = ["gui"]
    if argv in (["--version"], ["-V"]):  # fast path: no engine imports
        print(f"LocalReach {__version__}")
        return 0
    gc.set_threshold(*GC_THRESHOLDS)
    if argv[0] == "gui" and len(argv) <= 2 and not any(a.startswith("-") for a in argv[1:]):
        from app.commands import gui  # the window starts without loading every command

        return gui.run(argparse.Namespace(project=argv[1] if len(argv) == 2 else None,
                                          gui_launcher=gui_launcher, command="gui"))
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    args.gui_launcher = gui_launcher
    try:
        return int(args._run(args) or 0)
    except LocalReachError as exc:
        print(f"localreach {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"localreach {args.command}: interrupted, nothing written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `localreach profile f.csv | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit's flush
        return 1
