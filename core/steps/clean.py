"""Clean: the sensible cleaning steps for each frame's roles (or a saved step list).

An events file is left as it is: its times and keys are read by the activity engine."""

from __future__ import annotations

from dataclasses import dataclass

from core.quality.steps import default_steps, run_steps
from core.steps.activity import EVENTS
from core.steps.base import Step, StepConfig, StepReport
from core.steps.importing import SOURCE_PREFIX


@dataclass
class CleanConfig(StepConfig):
    """A saved step list per frame (None: the sensible steps for its roles), and for each
    of several customer lists (``[[sources]]``, by list name) before they are linked;
    ``region`` is the project's, for phones and postcodes that do not say their country."""

    crm_steps: list[dict] | None = None
    sales_steps: list[dict] | None = None
    lists_steps: dict[str, list[dict]] | None = None
    region: str | None = None

    def steps_for(self, name: str) -> list[dict] | None:
        if name.startswith(SOURCE_PREFIX):
            return (self.lists_steps or {}).get(name.removeprefix(SOURCE_PREFIX))
        return getattr(self, f"{name}_steps", None)


class CleanStep(Step, id="clean", config=CleanConfig):

    def run(self, frames, roles, config: CleanConfig, ctx):  # typed on Step.run
        out, notes, changed, details = dict(frames), [], 0, {}
        for name, df in frames.items():
            if name == EVENTS:
                continue
            frame_roles = roles.get(name, {})
            steps = config.steps_for(name)  # [] = the user chose no fixes for this file
            if steps is None:
                steps = default_steps(df, frame_roles, config.region)
            out[name], reports = run_steps(df, steps, ctx, frame_roles)
            changed += sum(r.changed_cells for r in reports)
            details[name] = {"steps": steps, "reports": reports}
            notes.append(f"{name}: {len(steps)} cleaning steps")
        return out, StepReport("; ".join(notes), {"changed_cells": changed}, details)
