"""The Quality screen's actions: check the data, preview a fix, apply it, find and merge
spellings of one value; and what the screen needs to name fixes and their settings.

A fix is a step dict (``{"step": "phones", "columns": [...], ...}``, as in a recipe's
cleaning steps); it is previewed on a few rows before it changes the table, and applying
it is one undo step (the table and the list of applied fixes together) with an audit row
of counts, never values.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from app.actions import Action
from app.document import Document
from app.region import document_region
from core.normalise.dates import FORMAT_LABELS, FORMATS  # noqa: F401 (the screen's date choices)
from core.quality.base import Preview, StepReport, count, preview
from core.quality.clustering import (  # noqa: F401 (the spellings dialog's choices)
    METHOD_LABELS,
    METHODS,
    ClusterConfig,
    ValueCluster,
    ValueMergeConfig,
    find_clusters,
    merge_mapping,
)
from core.quality.impute import METHODS as IMPUTE_METHODS  # noqa: F401
from core.quality.report import QualityReport, ReportConfig, quality_report
from core.quality.steps import STEPS, step_dict, suggested_steps
from core.roles import Role
from core.steps import registry

STEP = "quality"
FILES = {"crm": "Customer list", "sales": "Sales"}
CATEGORY_ROLES = (Role.COMPANY, Role.PRODUCT, Role.CATEGORY, Role.CHANNEL, Role.CITY, Role.GENDER, Role.OTHER)


@dataclass
class Checked:
    report: QualityReport
    fixes: dict[str, list[dict]]  # file -> the fixes that fit its columns
    region: str | None


@dataclass
class Applied:
    file: str
    title: str
    report: StepReport


def frames(doc: Document) -> dict[str, pd.DataFrame]:
    return {n: doc.frame(n) for n in FILES if doc.frame(n) is not None}


def check_key(doc: Document) -> tuple:
    """What a report depends on: the tables (frames are never mutated), their roles, the region."""
    key = tuple((n, id(f), tuple(sorted(doc.roles(n).items()))) for n, f in frames(doc).items())
    return (*key, document_region(doc))


def check(doc: Document) -> Action:
    """The quality report and the fixes that fit, in the project's home country."""
    tables, region = frames(doc), document_region(doc)
    roles = {n: doc.roles(n) for n in tables}

    def work(ctx) -> Checked:
        report = quality_report(tables, roles, ReportConfig(region=region), ctx)
        return Checked(report, {n: suggested_steps(f, roles[n], region) for n, f in tables.items()}, region)

    return Action("Checking your data…", work)


def fix_title(step: dict) -> str:
    """A fix as the list shows it: "Phone numbers: phone, mobile"."""
    columns = step.get("columns") or list(step.get("formats", {}))
    if step["step"] == "merge_values":
        return f"Merge spellings: {step['column']}"
    title = STEPS[step["step"]].title
    return f"{title}: {', '.join(columns)}" if columns else f"{title}: all columns"


def run_fix(frame: pd.DataFrame, name: str, step: dict, ctx, roles: dict[str, str]
            ) -> tuple[pd.DataFrame, StepReport]:
    """``step`` on table ``name`` through the clean step, as ``localreach run`` applies the
    project's fixes (the recipe lists them as that step's settings)."""
    clean = registry.step("clean")
    out, done = clean.run({name: frame}, {name: roles}, clean.config({f"{name}_steps": [step]}), ctx)
    return out[name], done.details[name]["reports"][0]


def preview_fix(doc: Document, name: str, step: dict) -> Action:
    """Before -> after of ``step`` on the rows it changes; nothing in the project changes."""
    frame, roles = doc.frame(name), doc.roles(name)
    return Action("Working out what will change…", lambda ctx: preview(
        lambda df, _cfg, c: run_fix(df, name, step, c, roles), frame, None, ctx))


def preview_text(report: StepReport) -> str:
    text = f"{count(report.changed_cells, 'cell')} will change"
    if report.failed:
        text += f"; {report.failed:,} cannot be read and stay as they are"
    if report.added_columns:
        text += f"; adds {', '.join(report.added_columns)}"
    return text


def preview_cells(pv: Preview) -> list[tuple[str, str, str]]:
    """(column, before, after) of every cell the preview changes or cannot read."""
    cells = []
    for pos in range(len(pv.before)):
        for col in pv.after.columns:
            before = str(pv.before.iloc[pos][col]) if col in pv.before.columns else ""
            after = str(pv.after.iloc[pos][col])
            if before != after or col in pv.report.failed_by_column:
                cells.append((col, before, after))
    return cells


def apply_fix(doc: Document, name: str, step: dict, done: Preview | None = None) -> Action:
    """Apply ``step`` to table ``name`` (reusing a whole-table preview's result when given);
    nothing changes when the table was replaced meanwhile (undo, re-import)."""
    frame, roles = doc.frame(name), doc.roles(name)

    def work(ctx):
        return (done.result, done.report) if done is not None else run_fix(frame, name, step, ctx, roles)

    def apply(result) -> Applied | None:
        new_frame, report = result
        if doc.frame(name) is not frame:
            return None
        title = STEPS[step["step"]].title
        state = doc.state(STEP) or {}
        applied = dict(state.get("applied", {}))
        applied[name] = [*applied.get(name, []), step]
        doc.undo_stack.beginMacro(title)
        doc.set_frame(name, new_frame, title)
        doc.set_state(STEP, {**state, "applied": applied}, title)
        doc.undo_stack.endMacro()
        settings = {k: v for k, v in step.items() if k != "mapping"}
        if step["step"] == "merge_values":
            settings["spellings_merged"] = len(step["mapping"])  # the values themselves stay out
        doc.audit("clean", {"file": name, "step": step["step"], "settings": settings,
                            "cells_changed": report.changed_cells, "failed": report.failed,
                            "added_columns": report.added_columns},
                  len(frame), len(new_frame), frame, new_frame)
        return Applied(name, title, report)

    return Action("Applying…", work, apply, process=done is None)  # a preview already did the work


def applied_count(doc: Document) -> int:
    return sum(len(v) for v in (doc.state(STEP) or {}).get("applied", {}).values())


def category_columns(doc: Document, name: str) -> list[str]:
    """Columns whose values are names of things (companies, products, cities): where
    different spellings of one value are worth merging."""
    roles, frame = doc.roles(name), doc.frame(name)
    return [c for c in frame.columns if roles.get(c, Role.OTHER) in CATEGORY_ROLES]


def find_spellings(frame: pd.DataFrame, column: str, method: str, radius: int) -> Action:
    config = ClusterConfig(column, method, radius=radius)
    return Action("Looking for different spellings…", lambda ctx: find_clusters(frame, config, ctx))


def spellings_text(clusters: list[ValueCluster]) -> str:
    rows = sum(c.rows for c in clusters)
    return (f"{count(len(clusters), 'group')} of spellings covering {count(rows, 'row')}"
            if clusters else "No different spellings of one value found")


def merge_config(column: str, chosen: list[tuple[ValueCluster, str]]) -> ValueMergeConfig:
    """Each chosen group written as its kept spelling (left empty: the suggested one)."""
    groups = [ValueCluster(c.values, keep.strip() or c.suggestion, c.rows) for c, keep in chosen]
    return ValueMergeConfig(column, merge_mapping(groups))


def merge_fix(config: ValueMergeConfig) -> dict:
    """The merge as a fix like any other: previewed, then applied."""
    return step_dict("merge_values", config)
