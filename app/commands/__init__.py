"""One module per CLI sub-command; see :mod:`app.cli` for the protocol.

The command list and each command's one-line help are read from the modules' source
(their literal ``NAME`` and ``HELP``) without importing them, so ``localreach --help``
loads no engine and ``localreach merge --help`` imports the merge command alone.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Command:
    """A sub-command known by name and help; its module is imported on first real use."""

    NAME: str
    HELP: str
    module: str

    def load(self):
        return importlib.import_module(f"{__name__}.{self.module}")

    def add_arguments(self, parser) -> None:
        self.load().add_arguments(parser)

    def run(self, args) -> int:
        return self.load().run(args)


def _literal(source: str, name: str) -> str | None:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def commands() -> list[Command]:
    """Every sub-command, sorted by module name, without importing any of them."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            source = (Path(__path__[0]) / f"{info.name}.py").read_text(encoding="utf-8")
        except OSError:  # an installed build may ship compiled modules only
            source = ""
        name, help_text = _literal(source, "NAME"), _literal(source, "HELP")
        if name is None or help_text is None:  # no literal to read: ask the module itself
            module = importlib.import_module(f"{__name__}.{info.name}")
            name, help_text = module.NAME, module.HELP
        found.append(Command(name, help_text, info.name))
    return found
