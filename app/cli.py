"""The command-line contract (see DESIGN.md): one module per sub-command in app/commands.

Each module in :mod:`app.commands` defines ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; this file discovers them, so adding a command touches no
shared list. User errors (:class:`core.errors.LocalReachError`) become one line on
standard error and exit code 2; nothing else is printed.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import app.commands
from core import __version__
from core.errors import LocalReachError


def _command_modules() -> list:
    names = sorted(m.name for m in pkgutil.iter_modules(app.commands.__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"app.commands.{n}") for n in names]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="localreach",
        description="Customer segments, personas and mail merge from your own spreadsheets. "
        "Nothing leaves this computer.",
    )
    parser.add_argument("--version", action="version", version=f"LocalReach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None, gui_launcher=None) -> int:
    """Run one command. ``gui_launcher(project) -> int`` is handed in by the ui layer
    (``ui.launch``), because app must never import ui."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        argv = ["gui"]
    if argv in (["--version"], ["-V"]):  # fast path: no engine imports
        print(f"LocalReach {__version__}")
        return 0
    if argv[0] == "gui" and len(argv) <= 2 and not any(a.startswith("-") for a in argv[1:]):
        from app.commands import gui  # the window starts without loading every command

        return gui.run(argparse.Namespace(project=argv[1] if len(argv) == 2 else None,
                                          gui_launcher=gui_launcher, command="gui"))
    parser = build_parser()
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
