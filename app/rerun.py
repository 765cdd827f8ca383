"""Run this project on new files: next month's export through this project's settings.

The project's settings become a recipe (:func:`core.recipe.recipe_from_project`). To
say what changed, the recipe first runs on the files the project was built from (a
baseline in a temporary folder), then on the new files with that baseline as the
previous run, so new people and people who changed group are counted by the same rules.
A project that linked several customer lists runs as their ``[[sources]]``; each list,
and the events file, is read again from its stored file unless a new one is given.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from core.errors import LocalReachError
from core.jobs import JobContext, ensure_context
from core.recipe import Recipe, recipe_from_project, run_recipe


class _Part(JobContext):
    """Maps one run's progress onto a share of the whole job (same cancel flag)."""

    def __init__(self, outer: JobContext, start: int, span: int) -> None:
        super().__init__()
        self.outer, self.start, self.span = outer, start, span

    @property
    def cancelled(self) -> bool:
        return self.outer.cancelled

    def check(self) -> None:
        self.outer.check()

    def progress(self, done: int, total: int, message: str = "") -> None:
        fraction = done / total if total else 0.0
        self.outer.progress(self.start + int(fraction * self.span), 200, message)


def stored_files(tree: dict) -> tuple[dict[str, str], str | None]:
    """The files a re-run may replace: each customer list's stored file by its name (one
    list: ``{"": its file}``) and the events file (None: the project has none)."""
    recipe = recipe_from_project(tree)
    lists = {s["name"]: s["file"] for s in recipe.sources} or {"": recipe.crm.get("file") or ""}
    return lists, recipe.events.get("file")


def rerun_project(
    tree: dict, crm: str | Path | dict | None, sales: str | Path | None, outdir: str | Path,
    ctx: JobContext | None = None, events: str | Path | None = None,
) -> dict:
    """Run the project's recipe on new files into ``outdir``; the report has ``changes``.
    ``crm`` is the new customer list (with several lists: the first's), or {list name:
    its new file}; a list or events file not given is read again from its stored file."""
    ctx = ensure_context(ctx)
    recipe = recipe_from_project(tree, name="This project on new files")
    if not (recipe.crm.get("file") or recipe.sources):
        raise LocalReachError("Import a customer list first: the project has no settings to re-run yet.")
    if recipe.sales and sales is None:
        raise LocalReachError("This project uses a sales file: choose next month's sales file too.")
    later, crm = (_with_new_lists(recipe, crm), None) if recipe.sources else (recipe, crm)
    originals = [Path(s["file"]) for s in recipe.sources] or [Path(recipe.crm["file"])]
    originals += [Path(f["file"]) for f in (recipe.sales, recipe.events) if f.get("file")]
    missing = [p for p in originals if not p.is_file()]
    with tempfile.TemporaryDirectory(prefix="localreach-baseline-") as baseline:
        previous = None
        if not missing:
            run_recipe(recipe, Path(baseline) / "run", ctx=_Part(ctx, 0, 100))
            previous = Path(baseline) / "run"
        report = run_recipe(later, outdir, crm, sales, _Part(ctx, 100, 100), events_path=events,
                            previous=previous)
    if missing:
        report["changes"] = {"skipped": f"the original file {missing[0].name} is no longer there to compare with"}
    return report


def _with_new_lists(recipe: Recipe, crm: str | Path | dict | None) -> Recipe:
    """The recipe on the new lists: ``crm`` is the first list's file, or one per list name."""
    new = crm if isinstance(crm, dict) else {recipe.sources[0]["name"]: crm} if crm else {}
    unknown = sorted(set(new) - {s["name"] for s in recipe.sources})
    if unknown:
        raise LocalReachError(f"This project has no customer list called '{unknown[0]}'.")
    return replace(recipe, sources=[{**s, "file": str(new.get(s["name"], s["file"]))} for s in recipe.sources])


def read_changes(outdir: str | Path):
    """The run's changes.csv (one row per person who is new, moved or gone) as a frame."""
    from core.io import read_table

    return read_table(Path(outdir) / "changes.csv")[0]
