"""What each column of an events file is, and what each event means.

An events file (a web-analytics export, a shop's abandoned checkouts) has roles of its
own: who (a customer id or an e-mail), when, which event, in which session, about which
product. A known format (``formats.toml``) is recognised by its header set, as the vendor
exports are; any other file gets its roles from its headers, and its event column from
values that are event names.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources import files

import pandas as pd

from core.vendors import header_key
from core.vendors.profiles import parse_columns


class ActivityRole(StrEnum):
    CUSTOMER_ID = "customer_id"  # the shop's or CRM's customer key (GA4's user_id)
    EMAIL = "email"
    TIME = "time"
    EVENT = "event"
    SESSION = "session"
    PRODUCT = "product"
    CHECKOUT = "checkout"  # one checkout's id, repeated on each of its line items
    COMPLETED = "completed"  # when a checkout was completed; empty = abandoned
    OTHER = "other"


# What events mean: a session began, a product was viewed, put in the cart, a checkout
# begun, an order placed.
KINDS = ("session", "view", "cart", "checkout", "purchase")


@dataclass(frozen=True)
class ActivityFormat:
    name: str
    label: str  # "a Google Analytics 4 BigQuery events export (flattened)"
    headers: tuple[str, ...]
    signature: tuple[str, ...]
    roles: dict[str, ActivityRole]
    event: str | None = None  # the event every row is, when there is no event column
    # one visit a row, its actions in numbered columns "<actions>_<n>_<field>" (Matomo's
    # visits log); the headers name them "<actions>_N_<field>"
    actions: str | None = None
    # an action with this column filled and no event name of its own is a product view
    product_view: str | None = None

    def template(self, column) -> str:
        """The header a column is listed under: an action column's number read as N."""
        if self.actions is None:
            return str(column)
        return re.sub(rf"^({re.escape(self.actions)})_\d+_", r"\1_N_", str(column))


@dataclass(frozen=True)
class ActivityMatch:
    """An events file's format (None: no known one) and the role of each of its columns."""

    format: ActivityFormat | None
    roles: dict[str, ActivityRole]

    @property
    def sentence(self) -> str:
        what = self.format.label if self.format else "an events file"
        return f"This looks like {what}."


def _format(entry: dict) -> ActivityFormat:
    return ActivityFormat(entry["name"], entry["label"],
                          *parse_columns(entry["columns"], ActivityRole), entry.get("event"),
                          entry.get("actions"), entry.get("product_view"))


def _words(text: str) -> str:
    return header_key(text).replace("_", " ").replace("-", " ")


_DATA = tomllib.loads(files(__package__).joinpath("formats.toml").read_text(encoding="utf-8"))
FORMATS = tuple(_format(e) for e in _DATA["format"])
_EVENT_KIND = {_words(w): kind for kind, words in _DATA["events"].items() for w in words}
_HEADER_ROLE = {_words(h): (ActivityRole(role), rank)
                for role, headers in _DATA["headers"].items()
                for rank, h in enumerate(headers)}


def event_kind(name: object) -> str | None:
    """'view', 'cart'... for an event name in the tools' words, None for any other event."""
    return _EVENT_KIND.get(_words(str(name)))


def _known_format(columns) -> ActivityMatch | None:
    for fmt in FORMATS:
        keys = {header_key(fmt.template(c)) for c in columns}
        if all(header_key(h) in keys for h in fmt.signature):
            role_of = {header_key(h): r for h, r in fmt.roles.items()}
            return ActivityMatch(fmt, {
                c: role_of.get(header_key(fmt.template(c)), ActivityRole.OTHER)
                for c in columns})
    return None


def detect_activity_roles(df: pd.DataFrame) -> ActivityMatch | None:
    """The events file's format and roles, or None when it is no events file: it needs a
    time, a customer key (id or e-mail) and an event column (or a format whose rows are
    one event each)."""
    match = _known_format(df.columns)
    if match is None:
        best: dict[ActivityRole, tuple[int, str]] = {}
        for column in df.columns:
            found = _HEADER_ROLE.get(_words(str(column)))
            if found and (found[0] not in best or found[1] < best[found[0]][0]):
                best[found[0]] = (found[1], column)
        if ActivityRole.EVENT not in best:  # the column whose values are event names
            for column in df.columns:
                values = df[column].dropna().astype(str).head(500)
                if len(values) and values.map(event_kind).notna().mean() >= 0.5:
                    best[ActivityRole.EVENT] = (0, column)
                    break
        chosen = {column: role for role, (_rank, column) in best.items()}
        match = ActivityMatch(None, {c: chosen.get(c, ActivityRole.OTHER) for c in df.columns})
    have = set(match.roles.values())
    has_event = ActivityRole.EVENT in have or (match.format and match.format.event)
    if (ActivityRole.TIME in have and has_event
            and have & {ActivityRole.CUSTOMER_ID, ActivityRole.EMAIL}):
        return match
    return None
