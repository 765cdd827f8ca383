"""A recipe file: the whole pipeline's settings as TOML, never personal data.

``[crm]`` and ``[sales]`` name one customer list and one sales file, each with its
import options and column roles; or ``[[sources]]`` names several customer lists (each
with ``name``, ``file``, ``options``, ``roles``) that the link step joins into one person
table, and ``[sales] list`` may name the list whose customer ids the sales file uses.
``[events]`` names an events file (web analytics, abandoned checkouts) with its import
options and activity roles (``time``, ``event``, ``customer_id``... of
:class:`core.activity.ActivityRole`); the segment step puts its behaviour on each person.
``[steps.<id>]`` holds each step's settings, checked against the step's config
when the recipe is loaded, so a typo is one clear line before any work;
``[steps.merge.inline_templates.<version>]`` holds a message's subject and text in the
recipe itself (a recipe made from a project is one file).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tomli_w

from core.atomic import atomic_open
from core.errors import LocalReachError
from core.region import check_region
from core.roles import Role
from core.steps.activity import ACTIVITY_ROLES
from core.steps.registry import STEP_IDS, step

RECIPE_VERSION = 1
STEPS = STEP_IDS
_TOP_LEVEL = ("name", "crm", "sales", "events", "sources", "steps", "region", "version")
_FILE_KEYS = ("file", "options", "roles")


@dataclass
class Recipe:
    """Settings of a pipeline run; ``steps`` maps a step id to its config dict."""

    name: str = "LocalReach recipe"
    crm: dict = field(default_factory=dict)  # file, options (ImportOptions), roles
    sales: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)  # an events file: file, options, activity roles
    sources: list[dict] = field(default_factory=list)  # several customer lists: name, file, options, roles
    steps: dict[str, dict] = field(default_factory=dict)
    region: str | None = None  # the project's region; None: detected at each run
    version: int = RECIPE_VERSION

    def enabled(self, step_id: str) -> bool:
        cfg = self.steps.get(step_id)
        return cfg is not None and cfg.get("enabled", True)

    def config(self, step_id: str) -> dict:
        return {k: v for k, v in self.steps.get(step_id, {}).items() if k != "enabled"}


def _drop_none(value):
    """TOML has no null: leave unset values out (the dataclass defaults fill them in)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value if v is not None]
    return value


def recipe_text(recipe: Recipe) -> str:
    data = _drop_none(asdict(recipe))
    for optional in ("sources", "events"):
        if not data.get(optional):
            data.pop(optional, None)
    return tomli_w.dumps(data, multiline_strings=True)  # a message's text reads as written


def save_recipe(recipe: Recipe, path: str | os.PathLike) -> None:
    with atomic_open(path, "w", encoding="utf-8") as fh:
        fh.write(recipe_text(recipe))


def _unknown(key: str, valid, where: str) -> LocalReachError:
    near = difflib.get_close_matches(str(key), list(valid), n=1)
    hint = f"did you mean '{near[0]}'?" if near else f"use one of {', '.join(valid)}."
    return LocalReachError(f"{where}: unknown setting '{key}'; {hint}")


def _check_file(spec, where: str, keys: tuple[str, ...] = _FILE_KEYS,
                roles: tuple[str, ...] = tuple(r.value for r in Role)) -> None:
    """A file table: known keys, and every role one LocalReach knows (``roles``)."""
    if not isinstance(spec, dict):
        raise LocalReachError(f"{where}: expected a table with file, options and roles.")
    for key in spec:
        if key not in keys:
            raise _unknown(key, keys, where)
    for column, role in (spec.get("roles") or {}).items():
        if role not in roles:
            near = difflib.get_close_matches(str(role), roles, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"use one of {', '.join(roles)}."
            raise LocalReachError(f"{where}.roles: '{column}' has no role '{role}'; {hint}")


def source_names(sources: list[dict]) -> list[str]:
    """Each ``[[sources]]`` list's name: its ``name``, else its file's name without suffix."""
    return [s.get("name") or Path(s.get("file") or f"list {i}").stem for i, s in enumerate(sources, 1)]


def validate(data: dict, where: str) -> Recipe:
    """The recipe of a parsed TOML table, or one clear line saying what is wrong."""
    version = data.get("version", RECIPE_VERSION)
    if not isinstance(version, int) or version > RECIPE_VERSION:
        raise LocalReachError(f"{where} needs a newer LocalReach (recipe version {version}).")
    unknown = sorted(set(data.get("steps", {})) - set(STEPS))
    if unknown:
        raise LocalReachError(f"{where}: unknown step '{unknown[0]}'; steps are {', '.join(STEPS)}.")
    extra = sorted(set(data) - set(_TOP_LEVEL))
    if extra:
        raise LocalReachError(f"{where}: unknown setting '{extra[0]}' at the top level.")
    if "crm" in data:
        _check_file(data["crm"], f"{where} [crm]")
    if "sales" in data:
        _check_file(data["sales"], f"{where} [sales]", (*_FILE_KEYS, "list"))
    if "events" in data:
        _check_file(data["events"], f"{where} [events]", roles=ACTIVITY_ROLES)
    for i, source in enumerate(data.get("sources", []), 1):
        _check_file(source, f"{where} [[sources]] {i}", ("name", *_FILE_KEYS))
    ids_of = (data.get("sales") or {}).get("list")
    if ids_of is not None and ids_of not in source_names(data.get("sources", [])):
        raise LocalReachError(f"{where} [sales]: list '{ids_of}' is not one of the [[sources]] "
                              f"({', '.join(source_names(data.get('sources', []))) or 'none'}).")
    if data.get("sources") and data.get("crm"):
        raise LocalReachError(f"{where}: give either one customer list ([crm]) or several "
                              "([[sources]]), not both.")
    if data.get("region") is not None:
        try:
            data["region"] = check_region(data["region"])
        except LocalReachError as exc:
            raise LocalReachError(f"{where}: {exc}") from None
    recipe = Recipe(**data)
    for step_id in recipe.steps:
        if step_id != "import":
            step(step_id).config(recipe.config(step_id), f"[steps.{step_id}]")
    return recipe


def load_recipe(path: str | os.PathLike) -> tuple[Recipe, Path]:
    """Read a recipe; returns it and its folder (relative file names start there)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LocalReachError(f"Recipe {path.name} not found; check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LocalReachError(f"Recipe {path.name} cannot be read ({type(exc).__name__}); save it as UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise LocalReachError(f"Recipe {path.name} is not valid TOML ({exc}); fix that line.") from None
    return validate(data, f"Recipe {path.name}"), path.parent
