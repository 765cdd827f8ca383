"""The recipe a project's settings make, so a project's pipeline can be re-run headless."""

from __future__ import annotations

from dataclasses import asdict

from core.compose.campaign import Campaign
from core.project.store import project_region
from core.recipe.schema import Recipe
from core.steps.merge import project_settings

_IMPORT_OPTIONS = ("encoding", "delimiter", "sheet", "header_row")


def _file(source: dict, roles: dict) -> dict:
    """A recipe's file table: the file, the options it was read with, its roles."""
    return {"file": source.get("path"),
            "options": {k: source[k] for k in _IMPORT_OPTIONS if source.get(k) is not None},
            "roles": dict(roles)}


def customer_lists(tree: dict) -> list[dict]:
    """The project's customer lists as ``[[sources]]`` (name, file, options, roles) when
    it linked several ("Add another customer list"); [] for one list."""
    lists = ((tree.get("state") or {}).get("lists") or {}).get("lists") or []
    if len(lists) < 2:
        return []
    return [{"name": e["name"], **_file(e.get("source") or {}, e.get("roles") or {})} for e in lists]


def merge_step(tree: dict) -> dict | None:
    """The Compose screen's campaign as ``[steps.merge]`` once Export wrote it (None before:
    a draft whose consent questions may be open would stop every re-run): every version's
    text written in the recipe, the settings as Export gives them (``project_settings``;
    the region is left to the run's, the recipe's region) and the format last exported."""
    state = tree.get("state") or {}
    exported = state.get("export") or {}
    if not state.get("compose") or not exported.get("format"):
        return None
    campaign = Campaign.from_state(state["compose"])
    fmt = exported["format"]
    config = project_settings(campaign.config, state.get("consent"), fmt)
    texts = {name: {k: v for k, v in asdict(t).items() if v} for name, t in campaign.templates.items()}
    return {**config.to_dict(), "inline_templates": texts, "format": fmt}


def recipe_from_project(tree: dict, name: str = "Recipe from a project") -> Recipe:
    """The recipe of a project's state tree (see :mod:`core.project.store`): import
    options, roles, step configs and the campaign Export wrote. Fixes that carry data
    values (merged spellings) are left out, so the recipe holds settings only. The
    project's stored region becomes the recipe's. Several linked customer lists become ``[[sources]]``,
    each as its file is: the window links the lists as imported (Quality fixes made on
    the person table they make are not carried: the run cleans before it links).
    """
    sources, roles, state = tree.get("sources", {}), tree.get("roles", {}), tree.get("state", {})
    lists = customer_lists(tree)
    files = {s: _file(sources[s], roles.get(s, {})) for s in ("crm", "sales", "events")  # events: activity roles
             if sources.get(s) and not (s == "crm" and lists)}
    steps: dict[str, dict] = {}
    applied = (state.get("quality") or {}).get("applied", {})
    # The recipe says, for each of the project's files, exactly which fixes the window made
    # (none is [], not "the defaults"), so the run cleans what the window cleaned.
    clean: dict = {f"{s}_steps": [step for step in applied.get(s, []) if "mapping" not in step]
                   for s in ("crm", "sales") if s in files}
    if lists:
        clean["lists_steps"] = {source["name"]: [] for source in lists}
    if clean:
        steps["clean"] = clean
    privacy = state.get("privacy") or {}
    if (privacy.get("applied") or {}).get("crm") and "crm" in privacy.get("configs", {}):
        steps["pseudonymize"] = dict(privacy["configs"]["crm"])
    if lists:
        steps["link"] = {}
    if isinstance(state.get("duplicates"), dict):
        steps["dedupe"] = dict(state["duplicates"].get("config") or {})
        # the review answers by record identity (old projects' row positions cannot be
        # carried to another file's rows, and are left out)
        answered = [dict(d) for d in state["duplicates"].get("decisions") or []
                    if isinstance(d.get("left"), str) and isinstance(d.get("right"), str)]
        if answered:  # with several lists they are about the lists' records: the link's
            steps["link" if lists else "dedupe"]["decisions"] = answered
    if "sales" in files or lists:
        steps.setdefault("link", {})
    if isinstance(state.get("segments"), dict) and state["segments"].get("config"):
        steps["segment"] = dict(state["segments"]["config"])
        steps["personas"] = {}
    merge = merge_step(tree)
    if merge is not None:
        steps["merge"] = merge
    return Recipe(name=name, crm=files.get("crm", {}), sales=files.get("sales", {}), sources=lists,
                  events=files.get("events", {}), steps=steps, region=project_region(tree))
