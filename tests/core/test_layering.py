"""The engine must run without Qt: import every core module with PySide6 blocked."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = r"""
import importlib, pkgutil, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError("Qt is blocked in this test")
        return None

sys.meta_path.insert(0, Block())
import core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
for name in names:
    importlib.import_module(name)
assert not any(m.startswith(("PySide6", "app", "ui")) for m in sys.modules), "core pulled in Qt/app/ui"
print(len(names))
"""


def test_core_imports_without_qt():
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5  # jobs, atomic, errors, roles, audit, ... all imported


def test_no_module_opens_network_libraries():
    """No engine or app module imports a network client (the sandbox test patches sockets too)."""
    offenders = []
    for folder in ("core", "app", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for lib in ("import requests", "import urllib.request", "import http.client", "import httpx"):
                if lib in text:
                    offenders.append(f"{path.relative_to(ROOT)}: {lib}")
    assert offenders == []


def test_the_window_contract_forbids_every_engine_package():
    """ui may import core only for errors, roles, the step registry, the job context type and
    shipped files; every other core package must be on the contract's forbidden list."""
    import pkgutil
    import tomllib

    allowed = {"errors", "roles", "steps", "jobs", "resources"}
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    (window,) = [c for c in contracts if c.get("source_modules") == ["ui"]]
    engines = {f"core.{m.name}" for m in pkgutil.iter_modules([str(ROOT / "core")])} - {f"core.{a}" for a in allowed}
    assert set(window["forbidden_modules"]) == engines
