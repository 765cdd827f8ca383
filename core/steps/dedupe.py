"""Duplicates: records that are one person get one ``cluster_id``.

Runs on the cleaned plain data, before pseudonymize. With several customer lists the
link step finds duplicates within and across them at once, so this step leaves them.

Next month's records: with last run's table in ``ctx.shared["previous"]`` (each record
with its ``cluster_id``) only new and changed records are matched against the people
already known (:func:`core.dedupe.incremental.match_new_records`); every record that is
still there keeps its person. A record's identity is its customer id (the column the
roles name, or ``id_column``), else a hash of its matching fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dedupe.golden import record_source_column
from core.dedupe.incremental import IncrementalConfig, match_new_records
from core.dedupe.pipeline import CLUSTER_COLUMN, Decision, DedupeConfig, find_duplicates
from core.dedupe.review import positional_decisions, record_keys
from core.roles import Role
from core.steps.base import (
    Frames,
    Roles,
    Skipped,
    Step,
    StepConfig,
    StepReport,
    column_of,
    step_context,
)
from core.steps.importing import source_frames


@dataclass
class DedupeStepConfig(DedupeConfig, StepConfig):
    """:class:`core.dedupe.pipeline.DedupeConfig`, read from settings with a clear error.

    ``decisions``: the user's review answers, ``{left, right, same}`` by record identity
    (:func:`core.dedupe.review.record_keys`, as the Duplicates screen stores them), so a
    run groups as the window did; answers about records no longer there are left out.
    """

    decisions: list[dict] | None = None


def check_threshold(value: float, where: str = "threshold") -> None:
    from core.errors import LocalReachError

    if not 0 < value < 1:
        raise LocalReachError(f"{where} must be between 0 and 1 (got {value}); try 0.9.")


def answers(df, roles: dict[str, str], config: DedupeStepConfig) -> list[Decision]:
    """The config's review answers as decisions on ``df``'s rows: each record's identity
    is its id, else its fields' hash, after its list's name when it has a list column."""
    if not config.decisions:
        return []
    source = record_source_column(df, roles)
    lists = None if source is None else df[source].astype(str).to_numpy(dtype=object)
    return positional_decisions(config.decisions, record_keys(df, roles, config.id_column, lists))


class DedupeStep(Step):
    id = "dedupe"
    title = "Duplicates"
    Config = DedupeStepConfig
    needs = ("crm",)

    def run(self, frames: Frames, roles: Roles, config: DedupeStepConfig, ctx) -> tuple[Frames, StepReport]:
        if "crm" not in frames and source_frames(frames):
            raise Skipped("several customer lists: the link step finds their duplicates together")
        check_threshold(config.threshold)
        previous = step_context(ctx).shared.get("previous")
        if previous is not None:
            return self.next_month(frames, roles, config, previous, ctx)
        crm, crm_roles = frames["crm"], roles.get("crm", {})
        decisions = answers(crm, crm_roles, config)
        out, pairs, report = find_duplicates(crm, crm_roles, config, decisions, ctx=ctx)
        note = (f"{report['records']:,} records are {report['people']:,} people; "
                f"{report['to_review']:,} to review")
        counts = {k: report[k] for k in ("records", "people", "to_review")}
        return {**frames, "crm": out}, StepReport(note, counts, {**report, "pairs": pairs,
                                                               "column": CLUSTER_COLUMN})

    def next_month(self, frames: Frames, roles: Roles, config: DedupeStepConfig, previous,
                   ctx) -> tuple[Frames, StepReport]:
        """Known records keep their person; new and changed ones are matched to them."""
        crm_roles = roles.get("crm", {})
        id_column = config.id_column or column_of(crm_roles, Role.CUSTOMER_ID, frames["crm"])
        if id_column is not None and id_column not in previous.columns:
            id_column = None  # last run's table has no such column: identity by content
        incremental = IncrementalConfig(id_column=id_column, threshold=config.threshold,
                                        person_column=CLUSTER_COLUMN, region=config.region)
        out, report = match_new_records(previous, frames["crm"], crm_roles, incremental, ctx)
        people = int(out[CLUSTER_COLUMN].nunique())
        note = (f"{report['records']:,} records are {people:,} people: {report['known']:,} known, "
                f"{report['matched_to_known_people']:,} new or changed matched to known people, "
                f"{report['new_people']:,} new")
        counts = {"records": report["records"], "people": people, "known": report["known"],
                  "matched_to_known_people": report["matched_to_known_people"],
                  "new_people": report["new_people"]}
        return {**frames, "crm": out}, StepReport(note, counts, {**report, "column": CLUSTER_COLUMN})
