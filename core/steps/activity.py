"""Activity on the segment step's people: an events file's behaviour, once per person.

The events frame (``"events"``) has roles of its own (:class:`core.activity.ActivityRole`:
who, when, which event...), found by :func:`core.activity.detect_activity_roles` and
overridden by the ones a recipe or the caller declares. Its behaviour over each of the
windows asked for (``sessions_7d``, ``carts_abandoned_30d``...) and the last event
(``last_abandoned_product``, ``last_event_date``, ``days_since_last_event``) join the
people table through the customer list's column whose role is the events' key (customer
id or e-mail), so a merge rule can read them and a segment may use them as features when
asked to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.activity import (
    ActivityMatch,
    ActivityRole,
    activity_features,
    by_person,
    counted_columns,
    detect_activity_roles,
    event_keys,
    key_text,
    persons_by_key,
)
from core.errors import ColumnError, LocalReachError
from core.steps.base import column_of, needs_role

EVENTS = "events"  # the frame name of an events file
# Behaviour columns every window gives (``<name>_<N>d``) and those of the last event.
WINDOW_COLUMNS = ("sessions", "product_views", "carts_abandoned")
LAST_COLUMNS = ("last_abandoned_product", "last_event_date", "days_since_last_event")
ACTIVITY_ROLES = tuple(r.value for r in ActivityRole)


def is_behaviour(column: str) -> bool:
    """Whether a feature name is one of the events file's columns (``carts_abandoned_7d``)."""
    name, _, days = column.rpartition("_")
    return (name in WINDOW_COLUMNS and days.endswith("d") and days[:-1].isdigit()) or column in LAST_COLUMNS


def events_roles(events: pd.DataFrame, declared: dict[str, str] | None = None) -> dict[str, str]:
    """Column -> activity role value: the recognised ones, then the declared ones (for
    columns the file has); an unknown declared role is one line naming the roles."""
    for column, role in (declared or {}).items():
        if role not in ACTIVITY_ROLES:
            raise LocalReachError(f"Events file: '{column}' has no role '{role}'; use one of "
                                  f"{', '.join(ACTIVITY_ROLES)}.")
    match = detect_activity_roles(events)
    found = {str(c): r.value for c, r in match.roles.items()} if match else {}
    return {**found, **{c: r for c, r in (declared or {}).items() if c in events.columns}}


def events_match(events: pd.DataFrame, roles: dict[str, str] | None) -> ActivityMatch:
    """The events file's format and roles (``roles`` win over the detected ones), or one
    line saying what an events file needs."""
    detected = detect_activity_roles(events)
    given = {c: ActivityRole(r) for c, r in (roles or {}).items()
             if c in events.columns and r in ACTIVITY_ROLES}
    base = detected.roles if detected else {c: ActivityRole.OTHER for c in events.columns}
    match = ActivityMatch(detected.format if detected else None, {**base, **given})
    have = set(match.roles.values())
    if (ActivityRole.TIME not in have
            or not have & {ActivityRole.CUSTOMER_ID, ActivityRole.EMAIL}
            or not (ActivityRole.EVENT in have or (match.format and match.format.event))):
        raise ColumnError("The events file needs a time, a customer id or e-mail and an event "
                          "column: mark them as time, customer_id or email and event.")
    return match


@dataclass
class Behaviour:
    """Behaviour per person (index: the person keys) and what the events file gave."""

    table: pd.DataFrame
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def person_of_key(key_role: str, crm: pd.DataFrame, person_of_row: pd.Series, key_column: str,
                  records: pd.DataFrame | None = None) -> pd.Series:
    """Events' key -> person. With several customer lists (``records``: the link step's,
    which list row is which ``person_id``) the keys are each list's own ids and e-mails:
    an event carries the id the shop gave, not the person table's. An id that is
    different people in different lists finds nobody, as a sales line's does."""
    if records is None:
        return persons_by_key(key_role, crm, person_of_row, key_column)
    # the link step loads the matching engine (scipy): import it only with several lists
    from core.steps.link import PERSON_COLUMN, RECORD_ID
    column = RECORD_ID if key_role == ActivityRole.CUSTOMER_ID else key_column
    if PERSON_COLUMN not in crm.columns or column not in records.columns:
        return persons_by_key(key_role, crm, person_of_row, key_column)
    row = pd.Series(np.arange(len(crm)), index=crm[PERSON_COLUMN].astype(str).to_numpy())
    at = row.reindex(records[PERSON_COLUMN].astype(str).to_numpy()).to_numpy()
    known = ~np.isnan(at)
    person = pd.Series(person_of_row.to_numpy()[at[known].astype(np.intp)])
    own = pd.DataFrame({column: records.loc[known, column].to_numpy()})
    found = persons_by_key(key_role, own, person, column)
    people = person.groupby(key_text(own[column], key_role).to_numpy()).nunique()
    return found[people.reindex(found.index).to_numpy() == 1]


def behaviour(events: pd.DataFrame, roles: dict[str, str] | None, crm: pd.DataFrame,
              crm_roles: dict[str, str], person_of_row: pd.Series, as_of, days: list[int],
              records: pd.DataFrame | None = None) -> Behaviour:
    """The events' behaviour as of ``as_of`` over each of ``days``, once per person of
    ``person_of_row`` (CRM row -> person; ``records``: with several lists, see
    :func:`person_of_key`). The last event's columns come from the longest window (the
    last abandoned product of the last 30 days, not only of the last 7)."""
    if not days or any(not isinstance(d, int) or d < 1 for d in days):
        raise LocalReachError(f"activity_days must be whole numbers of days, 1 or more, not {days}.")
    if as_of is None:
        raise LocalReachError("Behaviour from the events file needs an as-of date (--as-of).")
    match = events_match(events, roles)
    windows = sorted(set(days))
    parts, key_column, act, persons = [], None, None, None
    for n in windows:
        act = activity_features(events, match.roles, as_of, n, match.format)
        if key_column is None:
            key_column = column_of(crm_roles, act.key_role, crm)
            if key_column is None:
                raise needs_role("Joining the events file to the customers", act.key_role)
            persons = person_of_key(act.key_role, crm, person_of_row, key_column, records)
        table = by_person(act, crm, person_of_row, key_column, persons)
        parts.append(table[[c for c in table.columns if c not in LAST_COLUMNS]])
    parts.append(table[list(LAST_COLUMNS)])
    out = pd.concat(parts, axis=1)
    people = int((out["last_event_date"] != "").sum())
    lines = [*act.report(), f"{people:,} people of the customer list have events."]
    counts = {"event_customers": int(len(act.table)), "people_with_events": people,
              "event_rows_set_aside": int(sum(act.set_aside.values()))}
    return Behaviour(out, lines, counts)


def behaviour_columns(events: pd.DataFrame, roles: dict[str, str] | None, days: list[int]
                      ) -> list[str]:
    """The columns :func:`behaviour` gives for this events file over ``days`` (what the
    window offers as features before any is computed)."""
    match = events_match(events, roles)
    counted = counted_columns(events, match.roles, match.format)
    return [f"{name}_{n}d" for n in sorted(set(days)) for name in counted] + list(LAST_COLUMNS)


@dataclass
class EventsFound:
    """An events file's format and how many of its events belong to a customer of the
    list (None: there is no customer list yet)."""

    match: ActivityMatch
    events: int  # rows (a visits file: actions)
    matched: int | None

    @property
    def sentence(self) -> str:
        """'This looks like a Shopify abandoned checkouts export: 5 of 7 events belong to
        a customer.'"""
        what, noun = self.match.sentence[:-1], "event" if self.events == 1 else "events"
        if self.matched is None:
            return f"{what}: {self.events:,} {noun}; import a customer list to find whose they are."
        return f"{what}: {self.matched:,} of {self.events:,} {noun} belong to a customer."


def events_found(events: pd.DataFrame, roles: dict[str, str] | None, crm: pd.DataFrame | None,
                 crm_roles: dict[str, str], records: pd.DataFrame | None = None) -> EventsFound:
    """How many events find a customer through the customer list's column of the events'
    key (customer id or e-mail; ``records``: several lists' own ids, see
    :func:`person_of_key`): the join :func:`behaviour` makes, over every event (no as-of
    day; only whether a key finds a customer counts here, so every row is one 'person')."""
    match = events_match(events, roles)
    keys, key_role = event_keys(events, match.roles, match.format)
    if crm is None:
        return EventsFound(match, len(keys), None)
    key_column = column_of(crm_roles, key_role.value, crm)
    if key_column is None:
        raise needs_role("Finding whose the events are", key_role.value)
    people = person_of_key(key_role, crm, pd.Series(0, index=crm.index), key_column, records)
    return EventsFound(match, len(keys), int(keys.isin(people.index).sum()))


def per_row(table: pd.DataFrame, person_of_row: pd.Series) -> pd.DataFrame:
    """The per-person table as one row per CRM row (the people table's order)."""
    return table.reindex(person_of_row.to_numpy()).reset_index(drop=True)
