"""`localreach gui [PROJECT]`: open the window (also what a bare `localreach` does)."""

from __future__ import annotations

import sys

from app.system_check import gui_problem

NAME = "gui"
HELP = "Open the LocalReach window (optionally with a project file)."


def add_arguments(parser) -> None:
    parser.add_argument("project", nargs="?", help="a .lreach project to open")


def run(args) -> int:
    problem = gui_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 3
    if args.gui_launcher is None:
        print("The window is not available from this entry point; run `localreach`.", file=sys.stderr)
        return 3
    return args.gui_launcher(args.project)
