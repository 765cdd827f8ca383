"""One module per CLI sub-command; see :mod:`app.cli` for the protocol.

The command list and each command's one-line help are read from the modules' source
(their literal ``NAME`` and ``HELP``) without importing them, so ``localreach --help``
loads no engine. A command imports its engine inside ``run`` and reads the engine's
choices and defaults for its arguments with :func:`constant`, so ``localreach merge
--help`` loads neither pandas nor the merge engine.
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


def _assigned(body: list, name: str):
    """The value node assigned to ``name`` (``X = ...`` or ``x: T = ...``) in ``body``."""
    for node in body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            return node.value
    return None


def _literal(source: str, name: str):
    """``name`` (or ``Class.field``) of ``source`` as a literal; a dict whose values are not
    literals (a table of functions) gives its keys. None when there is no such literal."""
    body = ast.parse(source).body
    *owners, last = name.split(".")
    for owner in owners:
        body = next((n.body for n in body if isinstance(n, ast.ClassDef) and n.name == owner), [])
    value = _assigned(body, last)
    if value is None:
        return None
    try:
        return ast.literal_eval(value)
    except ValueError:
        if isinstance(value, ast.Dict):
            return tuple(ast.literal_eval(k) for k in value.keys)
        return None


def constant(module: str, name: str):
    """A literal constant of ``module`` (``NAME`` or ``Class.field``) read from its source
    without importing it, for a command's choices, defaults and help; imported only when
    the source is not there (a compiled build) or holds no literal."""
    relative = Path(*module.split("."))
    root = Path(__path__[0]).parents[1]
    for path in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
        try:
            value = _literal(path.read_text(encoding="utf-8"), name)
        except OSError:
            continue
        if value is not None:
            return value
    value = importlib.import_module(module)
    for part in name.split("."):
        value = getattr(value, part)
    return value


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
