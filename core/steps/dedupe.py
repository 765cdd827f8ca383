"""Duplicates: records that are one person get one ``cluster_id``.

Runs on the cleaned plain data, before pseudonymize. With several customer lists the
link step finds duplicates within and across them at once, so this step leaves them.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dedupe.pipeline import CLUSTER_COLUMN, DedupeConfig, find_duplicates
from core.steps.base import Frames, Roles, Skipped, Step, StepConfig, StepReport
from core.steps.importing import source_frames


@dataclass
class DedupeStepConfig(DedupeConfig, StepConfig):
    """:class:`core.dedupe.pipeline.DedupeConfig`, read from settings with a clear error."""


def check_threshold(value: float, where: str = "threshold") -> None:
    from core.errors import LocalReachError

    if not 0 < value < 1:
        raise LocalReachError(f"{where} must be between 0 and 1 (got {value}); try 0.9.")


class DedupeStep(Step):
    id = "dedupe"
    title = "Duplicates"
    Config = DedupeStepConfig
    needs = ("crm",)

    def run(self, frames: Frames, roles: Roles, config: DedupeStepConfig, ctx) -> tuple[Frames, StepReport]:
        if "crm" not in frames and source_frames(frames):
            raise Skipped("several customer lists: the link step finds their duplicates together")
        check_threshold(config.threshold)
        out, pairs, report = find_duplicates(frames["crm"], roles.get("crm", {}), config, ctx=ctx)
        note = (f"{report['records']:,} records are {report['people']:,} people; "
                f"{report['to_review']:,} to review")
        counts = {k: report[k] for k in ("records", "people", "to_review")}
        return {**frames, "crm": out}, StepReport(note, counts, {**report, "pairs": pairs,
                                                               "column": CLUSTER_COLUMN})
