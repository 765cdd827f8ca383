"""The recipe a project's settings make, so a project's pipeline can be re-run headless."""

from __future__ import annotations

from core.project.store import project_region
from core.recipe.schema import Recipe

_IMPORT_OPTIONS = ("encoding", "delimiter", "sheet", "header_row")


def recipe_from_project(tree: dict, name: str = "Recipe from a project") -> Recipe:
    """The recipe of a project's state tree (see :mod:`core.project.store`): import
    options, roles and step configs. Fixes that carry data values (merged spellings) are
    left out, so the recipe holds settings only. The project's stored region becomes the
    recipe's.
    """
    sources, roles, state = tree.get("sources", {}), tree.get("roles", {}), tree.get("state", {})
    files = {}
    for source in ("crm", "sales"):
        src = sources.get(source)
        if src:
            files[source] = {
                "file": src.get("path"),
                "options": {k: src[k] for k in _IMPORT_OPTIONS if src.get(k) is not None},
                "roles": dict(roles.get(source, {})),
            }
    steps: dict[str, dict] = {}
    applied = (state.get("quality") or {}).get("applied", {})
    # The recipe says, for each of the project's files, exactly which fixes the window made
    # (none is [], not "the defaults"), so the run cleans what the window cleaned.
    clean = {f"{s}_steps": [step for step in applied.get(s, []) if "mapping" not in step]
             for s in ("crm", "sales") if s in files}
    if clean:
        steps["clean"] = clean
    privacy = state.get("privacy") or {}
    if (privacy.get("applied") or {}).get("crm") and "crm" in privacy.get("configs", {}):
        steps["pseudonymize"] = dict(privacy["configs"]["crm"])
    if isinstance(state.get("duplicates"), dict):
        steps["dedupe"] = dict(state["duplicates"].get("config") or {})
        # the review answers by record identity (old projects' row positions cannot be
        # carried to another file's rows, and are left out)
        answered = [dict(d) for d in state["duplicates"].get("decisions") or []
                    if isinstance(d.get("left"), str) and isinstance(d.get("right"), str)]
        if answered:
            steps["dedupe"]["decisions"] = answered
    if "sales" in files:
        steps["link"] = {}
    if isinstance(state.get("segments"), dict) and state["segments"].get("config"):
        steps["segment"] = dict(state["segments"]["config"])
        steps["personas"] = {}
    return Recipe(name=name, crm=files.get("crm", {}), sales=files.get("sales", {}), steps=steps,
                  region=project_region(tree))
