"""Link: several customer lists into one person table, and sales lines to customers.

Several lists (frames ``source:<name>``) are put together and deduplicated with one model
(:func:`core.dedupe.people.people_table`): the golden records become the ``crm`` frame,
keyed by ``person_id``, and which row of which list is which person the ``records`` frame.
Then every sales line gets its customer (``matched_id``), the surest evidence first.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dedupe.link import LinkConfig, link_records
from core.dedupe.people import PERSON_COLUMN, PeopleConfig, people_table
from core.dedupe.pipeline import DedupeConfig
from core.roles import Role
from core.steps.base import Frames, Roles, Skipped, Step, StepConfig, StepReport
from core.steps.dedupe import check_threshold
from core.steps.importing import SOURCE_PREFIX, source_frames


@dataclass
class LinkStepConfig(LinkConfig, StepConfig):
    """:class:`core.dedupe.link.LinkConfig`; ``threshold`` also decides who is one person
    across several customer lists."""


def join_lists(frames: Frames, roles: Roles, config: LinkStepConfig, ctx) -> tuple[Frames, Roles, dict]:
    """The person table of the ``source:`` frames as ``crm`` (and ``records``)."""
    names = source_frames(frames)
    lists = [(n.removeprefix(SOURCE_PREFIX), frames[n]) for n in names]
    dedupe = DedupeConfig(threshold=config.threshold, rules=config.rules,
                          max_block=config.max_block, region=config.region)
    people, records, report = people_table(lists, [roles.get(n, {}) for n in names],
                                           PeopleConfig(dedupe=dedupe), ctx)
    merged: dict[str, str] = {}
    for n in names:
        for column, role in roles.get(n, {}).items():
            if column in people.columns and role != Role.CUSTOMER_ID:
                merged.setdefault(column, role)
    merged[PERSON_COLUMN] = Role.CUSTOMER_ID.value  # the person is the customer now
    out = {k: v for k, v in frames.items() if k not in names}
    out["crm"], out["records"] = people, records
    new_roles = {k: v for k, v in roles.items() if k not in names}
    new_roles["crm"] = merged
    return out, new_roles, report


class LinkStep(Step):
    id = "link"
    title = "Link"
    Config = LinkStepConfig
    needs = ("crm", "sales")

    def run(self, frames: Frames, roles: Roles, config: LinkStepConfig, ctx) -> tuple[Frames, StepReport]:
        check_threshold(config.threshold)
        notes, counts, details = [], {}, {}
        if source_frames(frames):
            if "crm" in frames:
                from core.errors import LocalReachError

                raise LocalReachError("Give either one customer list ([crm]) or several "
                                      "([[sources]]), not both.")
            frames, roles, people = join_lists(frames, roles, config, ctx)
            notes.append(f"{people['records']:,} records of {people['lists']} lists are "
                         f"{people['people']:,} people ({people['people_in_several_lists']:,} "
                         "in more than one list)")
            counts.update(people=people["people"], records=people["records"])
            details["people"] = people
            if config.id_column is None:
                config = LinkStepConfig(**{**config.to_dict(), "id_column": PERSON_COLUMN})
        if "sales" in frames:
            sales, report = link_records(frames["crm"], frames["sales"], roles.get("crm", {}),
                                         roles.get("sales", {}), config, ctx)
            frames = {**frames, "sales": sales}
            notes.append(f"{report['linked']:,} of {report['rows']:,} sales lines linked")
            counts.update(linked=report["linked"], unlinked=report["unlinked"])
            details["link"] = report
        elif not notes:
            raise Skipped("no sales file")
        return frames, StepReport("; ".join(notes), counts, details, roles)
