"""`localreach selftest`: the whole demo pipeline through the engine, with sockets blocked.

Used to smoke-test an installed or frozen LocalReach: it generates a small demo shop in
a temporary folder, runs the shipped demo recipe on it, checks every step ran and
every output exists, and fails if anything tried to open a network connection.
"""

from __future__ import annotations

import socket
import sys
import tempfile
from pathlib import Path
from unittest import mock

from core.errors import LocalReachError

NAME = "selftest"
HELP = "Check this installation: run the demo pipeline end to end, offline."


def add_arguments(parser) -> None:
    parser.add_argument("--customers", type=int, default=200, help="demo people to generate (default 200)")


def _no_network(*_args, **_kwargs):
    raise LocalReachError("a step tried to open a network connection; LocalReach must work offline")


def run(args) -> int:
    from app.terminal import cli_context
    from core.demo import generate
    from core.recipe import load_recipe, run_recipe
    from core.resources import resource_path

    recipe, base = load_recipe(resource_path("demo", "recipe.toml"))
    with tempfile.TemporaryDirectory(prefix="localreach-selftest-") as tmp, \
            mock.patch.object(socket, "socket", _no_network), \
            mock.patch.object(socket, "create_connection", _no_network):
        data = Path(tmp) / "data"
        generate(data, customers=args.customers, seed=7)
        out = Path(tmp) / "out"
        report = run_recipe(recipe, out, data / "crm.xlsx", data / "sales.csv", cli_context(), base=base)
        failed = [s["step"] for s in report["steps"] if s["status"] not in ("done", "ok", "skipped")]
        missing = [name for name in report["outputs"] if not (out / name).exists()]
    for step in report["steps"]:
        print(f"  {step['step']:<13}{step['status']:<8} {step['note']}")
    if failed or missing:
        print(f"self-test FAILED: steps {failed}, missing outputs {missing}", file=sys.stderr)
        return 1
    print(f"self-test passed: {len(report['steps'])} steps, {len(report['outputs'])} outputs, no network")
    return 0
