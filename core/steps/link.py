"""Link: several customer lists into one person table, and sales lines to customers.

Several lists (frames ``source:<name>``) are put together and deduplicated with one model
(:func:`core.dedupe.people.people_table`): the golden records become the ``crm`` frame,
keyed by ``person_id``, and which row of which list is which person the ``records`` frame.
Then every sales line gets its customer (``matched_id``), the surest evidence first: with
several lists a sales line's customer id is one list's own id (the webshop's orders carry
the webshop's customer numbers), so it is looked up among that list's records -- the list
``sales_list`` names, else every list, where an id that is two people in two lists
settles nothing -- before e-mail and matching details.

Next month's lists: with last run's ``records`` in ``ctx.shared["previous_records"]``
every record still there keeps its person and only new and changed records are matched
against the people already known (new people get new ids).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.dedupe.link import LinkConfig, link_records
from core.dedupe.people import LIST_COLUMN, PERSON_COLUMN, PeopleConfig, people_table
from core.dedupe.pipeline import DedupeConfig
from core.errors import LocalReachError
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
from core.steps.dedupe import check_threshold
from core.steps.importing import SOURCE_PREFIX, source_frames


@dataclass
class LinkStepConfig(LinkConfig, StepConfig):
    """:class:`core.dedupe.link.LinkConfig`; ``threshold`` also decides who is one person
    across several customer lists; ``sales_list`` names the list whose customer ids the
    sales file uses (empty: an id is looked up in every list); ``decisions``: the review
    answers about the lists' records, ``{left, right, same}`` by record key (list name,
    then the list's own id, else a hash of the fields: the Duplicates screen's), so a run
    links as the window did; answers about records no longer there are left out."""

    sales_list: str = ""
    decisions: list[dict] | None = None


RECORD_ID = "customer_id"  # in ``records``: the row's own id in its list
_PERSON_OF_ID = "__person_of_id__"


def people_config(config: LinkStepConfig) -> DedupeConfig:
    """How the lists' records are found to be one person (the Duplicates screen scores
    the lists' records with it too)."""
    return DedupeConfig(threshold=config.threshold, rules=config.rules,
                        max_block=config.max_block, region=config.region)


def join_lists(frames: Frames, roles: Roles, config: LinkStepConfig, ctx) -> tuple[Frames, Roles, dict]:
    """The person table of the ``source:`` frames as ``crm`` (and ``records``)."""
    names = source_frames(frames)
    lists = [(n.removeprefix(SOURCE_PREFIX), frames[n]) for n in names]
    previous = step_context(ctx).shared.get("previous_records")
    people, records, report = people_table(lists, [roles.get(n, {}) for n in names],
                                           PeopleConfig(dedupe=people_config(config)), ctx,
                                           previous, config.decisions)
    merged: dict[str, str] = {}
    for n in names:
        for column, role in roles.get(n, {}).items():
            if column in people.columns and role != Role.CUSTOMER_ID:
                merged.setdefault(column, role)
    merged[PERSON_COLUMN] = Role.CUSTOMER_ID.value  # the person is the customer now
    records.insert(2, RECORD_ID, np.concatenate([own_ids(frames[n], roles.get(n, {})) for n in names]))
    out = {k: v for k, v in frames.items() if k not in names}
    out["crm"], out["records"] = people, records
    new_roles = {k: v for k, v in roles.items() if k not in names}
    new_roles["crm"] = merged
    return out, new_roles, report


def own_ids(df: pd.DataFrame, roles: dict[str, str]) -> np.ndarray:
    """Each row's customer id in its own list ('' when the list has no id column)."""
    column = column_of(roles, Role.CUSTOMER_ID, df)
    if column is None:
        return np.full(len(df), "", dtype=object)
    return df[column].astype("string").fillna("").str.strip().to_numpy(dtype=object)


def person_of_id(records: pd.DataFrame, sales_list: str = "") -> pd.Series:
    """A list's own customer id -> its person: in ``sales_list`` only when given, else in
    every list, leaving out ids that are different people in different lists."""
    if sales_list:
        if sales_list not in set(records[LIST_COLUMN]):
            known = ", ".join(dict.fromkeys(records[LIST_COLUMN]))
            raise LocalReachError(f"The sales file is said to use the ids of list '{sales_list}', "
                                  f"but there is no such list; the lists are {known}.")
        records = records[records[LIST_COLUMN] == sales_list]
    records = records[records[RECORD_ID] != ""]
    persons = records.groupby(RECORD_ID)[PERSON_COLUMN].agg(["nunique", "first"])
    return persons.loc[persons["nunique"] == 1, "first"]


def link_sales_to_people(frames: Frames, roles: Roles, config: LinkStepConfig, ctx) -> tuple[pd.DataFrame, dict]:
    """Sales lines linked to the person table: by the list's own customer id, then as
    :func:`link_records` does (e-mail, matching details)."""
    sales, sales_roles = frames["sales"], roles.get("sales", {})
    column = column_of(sales_roles, Role.CUSTOMER_ID, sales)
    if column is None:
        return link_records(frames["crm"], sales, roles.get("crm", {}), sales_roles, config, ctx)
    ids = sales[column].astype("string").fillna("").str.strip()
    person = ids.map(person_of_id(frames["records"], config.sales_list)).fillna("")
    keyed = LinkStepConfig(**{**config.to_dict(), "right_id_column": _PERSON_OF_ID})
    out, report = link_records(frames["crm"], sales.assign(**{_PERSON_OF_ID: person.to_numpy()}),
                               roles.get("crm", {}), sales_roles, keyed, ctx)
    report.update(right_id_column=column, ids_of=config.sales_list or "every list",
                  unknown_ids=int(((ids != "") & (person == "")).sum()))
    return out.drop(columns=_PERSON_OF_ID), report


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
            if "records" in frames and config.right_id_column is None:
                sales, report = link_sales_to_people(frames, roles, config, ctx)
            else:
                sales, report = link_records(frames["crm"], frames["sales"], roles.get("crm", {}),
                                             roles.get("sales", {}), config, ctx)
            frames = {**frames, "sales": sales}
            notes.append(f"{report['linked']:,} of {report['rows']:,} sales lines linked")
            counts.update(linked=report["linked"], unlinked=report["unlinked"])
            details["link"] = report
        elif not notes:
            raise Skipped("no sales file")
        return frames, StepReport("; ".join(notes), counts, details, roles)
