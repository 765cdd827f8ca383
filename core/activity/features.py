"""Per-customer behaviour as of a day, from an events file: sessions, product views,
carts abandoned in the last N days, the last event.

A cart is one session's cart (or one checkout of an abandoned-checkouts export); it is
abandoned when the session put something in the cart or began a checkout and placed no
order (the checkout has no completion time). Events after ``as_of`` are not seen, as if
the features were computed that day; days are UTC days. Rows without a customer key
(GA4's anonymous visitors, who have only a device cookie) cannot be anyone's behaviour
and are set aside, counted. Events of no shopping meaning (GA4's page_view) still show
that a customer was there: they count towards sessions and the last event.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.activity.roles import ActivityFormat, ActivityRole, event_kind

R = ActivityRole


@dataclass
class ActivityFeatures:
    """One row per customer key (``key_role``: "customer_id" or "email"), and what was
    set aside, by reason, in rows."""

    table: pd.DataFrame
    key_role: str
    days: int
    set_aside: Counter = field(default_factory=Counter)

    def report(self) -> list[str]:
        out = [f"Behaviour of {len(self.table):,} customer(s) over the last {self.days} days."]
        if self.set_aside:
            parts = ", ".join(f"{n:,} {why}" for why, n in sorted(self.set_aside.items()))
            out.append(f"Event rows set aside: {parts}.")
        return out


def _column(df: pd.DataFrame, roles: dict, role: ActivityRole) -> pd.Series | None:
    """The role's column; with several (Matomo's product viewed and product left in the
    cart), on each row the first that is filled."""
    out = None
    for column in (c for c, r in roles.items() if r == role and c in df.columns):
        values = df[column].astype("string").fillna("").str.strip()
        out = values if out is None else out.where(out != "", values)
    return out


def one_row_per_action(events: pd.DataFrame, roles: dict, fmt: ActivityFormat
                       ) -> tuple[pd.DataFrame, dict]:
    """A visits file (one visit a row, its actions in numbered columns) as one row per
    action: the visit's columns repeated, each action's fields under their listed name
    (``actionDetails_N_type``), with the roles the file's columns were given. Unused
    action slots are dropped; an action that only names a viewed product
    (``fmt.product_view``) becomes a "product view"."""
    slots: dict[int, dict[str, str]] = {}
    visit = []
    for column in events.columns:
        name = fmt.template(column)
        if name == str(column):
            visit.append(column)
        else:  # "<actions>_<n>_<field>"
            number = int(str(column)[len(fmt.actions) + 1:].split("_", 1)[0])
            slots.setdefault(number, {})[name] = column
    names = sorted({n for fields in slots.values() for n in fields})
    parts = [events[visit].assign(**{n: events[fields[n]] if n in fields else "" for n in names})
             for _, fields in sorted(slots.items())]
    rows = pd.concat(parts, ignore_index=True) if parts else events[visit].iloc[:0]
    long_roles = {c: roles.get(c, ActivityRole.OTHER) for c in visit}
    for fields in slots.values():
        for name, column in fields.items():
            long_roles.setdefault(name, roles.get(column, ActivityRole.OTHER))
    event = next((c for c in names if long_roles[c] == R.EVENT), None)
    if event is not None:
        rows = rows[rows[event].astype("string").fillna("").str.strip() != ""]
        if fmt.product_view in rows.columns:
            viewed = rows[fmt.product_view].astype("string").fillna("").str.strip() != ""
            rows.loc[viewed & rows[event].map(event_kind).isna(), event] = "product view"
    return rows.reset_index(drop=True), long_roles


def read_times(values: pd.Series) -> pd.Series:
    """UTC times from epoch numbers (seconds, milliseconds or GA4's microseconds, told by
    their size) or date-time text with or without an offset."""
    number = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    text = values.where(np.isnan(number))
    parsed = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    size = np.abs(np.nan_to_num(number))
    unit = np.select([size >= 1e14, size >= 1e11], [1e-6, 1e-3], 1.0)
    epoch = pd.to_datetime(pd.Series(number * unit, index=values.index), unit="s",
                           errors="coerce", utc=True)
    # One unit for both (text may parse to seconds, epochs to nanoseconds): pandas refuses
    # to fill one datetime unit with another in a future version.
    return parsed.dt.as_unit("ns").fillna(epoch.dt.as_unit("ns"))


def _day(value) -> pd.Timestamp:
    return pd.Timestamp(value.isoformat() if isinstance(value, dt.date) else str(value)).normalize()


def activity_features(events: pd.DataFrame, roles: dict, as_of, days: int = 7,
                      fmt: ActivityFormat | None = None) -> ActivityFeatures:
    """Behaviour per customer as of ``as_of`` (a day; its events count), over the last
    ``days`` days: ``sessions_<N>d``, ``product_views_<N>d`` (when the file has events that
    say so), ``carts_abandoned_<N>d``, ``last_abandoned_product``, ``last_event_date`` and
    ``days_since_last_event``. ``roles``: column -> :class:`ActivityRole`; ``fmt`` gives
    the event of a file whose rows are all one event (abandoned checkouts)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if fmt is not None and fmt.actions:
        events, roles = one_row_per_action(events, roles, fmt)
    as_of = _day(as_of)
    key, key_role = _keys(events, roles)
    kinds = _kinds(events, roles, fmt)
    frame = pd.DataFrame({
        "key": key, "kind": kinds, "time": read_times(_column(events, roles, R.TIME)),
        "unit": _units(events, roles, key),
        "product": _column(events, roles, R.PRODUCT) if R.PRODUCT in roles.values() else "",
        "completed": (_column(events, roles, R.COMPLETED) != "")
        if R.COMPLETED in roles.values() else False,
    })
    aside = Counter()
    anonymous = frame["key"] == ""
    aside["without a customer key"] = int(anonymous.sum())
    frame = frame[~anonymous]
    unreadable = frame["time"].isna()
    aside["with an unreadable time"] = int(unreadable.sum())
    frame = frame[~unreadable]
    day = frame["time"].dt.tz_convert(None).dt.normalize()
    later = day > as_of
    aside["after the as-of day"] += int(later.sum())
    frame, day = frame[~later], day[~later]
    aside = Counter({k: v for k, v in aside.items() if v})
    recent = day > as_of - pd.Timedelta(days=days)
    keys = pd.Index(sorted(frame["key"].unique()), name=key_role.value)
    table = pd.DataFrame(index=keys)
    counted = _counted(kinds, roles)
    suffix = f"_{days}d"
    if "sessions" in counted and R.SESSION in roles.values():  # its sessions with any event
        table["sessions" + suffix] = frame[recent].groupby("key")["unit"].nunique()
    elif "sessions" in counted:  # no session id: its session-start events
        table["sessions" + suffix] = (frame["kind"] == "session")[recent].groupby(
            frame["key"]).sum()
    if "product_views" in counted:
        table["product_views" + suffix] = (frame["kind"] == "view")[recent].groupby(
            frame["key"]).sum()
    carts = _abandoned(frame[recent])
    table["carts_abandoned" + suffix] = carts.groupby("key").size()
    table = table.fillna(0).astype(int)
    table["last_abandoned_product"] = carts.groupby("key")["product"].last()
    table["last_abandoned_product"] = table["last_abandoned_product"].fillna("")
    last = day.groupby(frame["key"]).max()
    table["last_event_date"] = last.dt.strftime("%Y-%m-%d")
    table["days_since_last_event"] = (as_of - last).dt.days
    return ActivityFeatures(table, key_role.value, days, aside)


def _keys(events: pd.DataFrame, roles: dict) -> tuple[pd.Series, ActivityRole]:
    """Each row's customer key ("" for none) and its role: the customer id or the e-mail
    (lower case), whichever is filled on more rows (Shopify gives guests an e-mail, no
    customer id)."""
    keys = {role: column for role in (R.CUSTOMER_ID, R.EMAIL)
            if (column := _column(events, roles, role)) is not None}
    if not keys:
        raise ValueError("an events file needs a customer id or e-mail column")
    key_role = max(keys, key=lambda role: ((keys[role] != "").sum(), role is R.CUSTOMER_ID))
    return (keys[key_role].str.lower() if key_role is R.EMAIL else keys[key_role]), key_role


def event_keys(events: pd.DataFrame, roles: dict, fmt: ActivityFormat | None = None
               ) -> tuple[pd.Series, ActivityRole]:
    """The customer key of each event (a visits file: of each action) and the key's role,
    as :func:`activity_features` reads them."""
    if fmt is not None and fmt.actions:
        events, roles = one_row_per_action(events, roles, fmt)
    return _keys(events, roles)


def _kinds(events: pd.DataFrame, roles: dict, fmt: ActivityFormat | None) -> pd.Series:
    """What each row's event means ('view', 'cart'...; None for no shopping meaning),
    each distinct event name looked up once."""
    event = _column(events, roles, R.EVENT)
    if event is None:
        return pd.Series(fmt.event if fmt else None, index=events.index, dtype=object)
    return event.map({name: event_kind(name) for name in pd.unique(event.to_numpy(dtype=object))})


def _counted(kinds: pd.Series, roles: dict) -> list[str]:
    """The counts a file gives in every window, by what the whole file holds (not only
    the rows of one as-of day, so the columns are the same on any day): sessions with a
    session id or session-start events, product views with view events, always carts."""
    seen = set(kinds.dropna())
    return [name for name, given in (("sessions", R.SESSION in roles.values() or "session" in seen),
                                     ("product_views", "view" in seen),
                                     ("carts_abandoned", True)) if given]


def counted_columns(events: pd.DataFrame, roles: dict, fmt: ActivityFormat | None = None
                    ) -> list[str]:
    """The window counts (``sessions``, ``product_views``, ``carts_abandoned``) that
    :func:`activity_features` gives for this file, without computing them."""
    if fmt is not None and fmt.actions:
        events, roles = one_row_per_action(events, roles, fmt)
    return _counted(_kinds(events, roles, fmt), roles)


def _units(events: pd.DataFrame, roles: dict, key: pd.Series) -> pd.Series:
    """What one cart belongs to: the checkout id, else the customer's session, else the
    customer's day (a file with neither)."""
    for role in (R.CHECKOUT, R.SESSION):
        column = _column(events, roles, role)
        if column is not None:
            return key + "\x1f" + column
    times = read_times(_column(events, roles, R.TIME))
    return key + "\x1f" + times.dt.strftime("%Y-%m-%d").fillna("")


def _abandoned(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per abandoned cart (key, product of its last cart event), in time order.
    A cart filled again after the unit's last order is a new cart (Matomo's "ordered
    then abandoned cart"); a completed checkout is no abandoned one."""
    ordered = frame.sort_values("time", kind="stable")
    last_order = ordered[ordered["kind"] == "purchase"].groupby("unit")["time"].max()
    completed = ordered.groupby("unit")["completed"].any()
    cart_rows = ordered[ordered["kind"].isin(("cart", "checkout"))]
    ordered_at = pd.Series(last_order.reindex(cart_rows["unit"]).to_numpy(),
                           index=cart_rows.index, dtype=cart_rows["time"].dtype)
    open_ = ((ordered_at.isna() | (cart_rows["time"] > ordered_at))
             & ~cart_rows["unit"].map(completed).astype(bool))
    cart_rows = cart_rows[open_]
    last = cart_rows.groupby("unit", sort=False).agg(
        key=("key", "first"), product=("product", _last_named), time=("time", "max"))
    return last.sort_values("time", kind="stable")


def _last_named(products: pd.Series) -> str:
    named = products[products != ""]
    return named.iloc[-1] if len(named) else ""


def key_text(values: pd.Series, key_role: str) -> pd.Series:
    """A customer list's key column as events' keys are written (e-mails in lower case)."""
    values = values.astype("string").fillna("").str.strip()
    return values.str.lower() if key_role == R.EMAIL else values


def persons_by_key(key_role: str, crm: pd.DataFrame, person_of_row: pd.Series,
                   key_column: str) -> pd.Series:
    """Activity key -> person: the CRM's ``key_column`` (its customer id or e-mail column,
    as ``key_role`` says; e-mails in lower case), ``person_of_row`` giving each CRM row's
    person; a key on several rows finds the first row's person. The one join of events to
    customers: behaviour and the Import screen's count."""
    values = key_text(crm[key_column], key_role)
    person_of_key = (pd.Series(person_of_row.to_numpy(), index=values.to_numpy())
                     .loc[lambda s: s.index != ""])
    return person_of_key[~person_of_key.index.duplicated()]


def by_person(activity: ActivityFeatures, crm: pd.DataFrame, person_of_row: pd.Series,
              key_column: str, person_of_key: pd.Series | None = None) -> pd.DataFrame:
    """The activity table per person of the CRM (the segment step's people): each
    activity key finds its person through ``crm[key_column]`` (the CRM's customer id or
    e-mail column, as ``activity.key_role`` says), ``person_of_row`` giving each CRM row's
    person. A person with two records is counted once per event, not once per record;
    people without events get 0 and no last event. Keys no CRM row has are left out.
    ``person_of_key``: the key -> person lookup when it is not the CRM's column (several
    lists: each list's own ids)."""
    if person_of_key is None:
        person_of_key = persons_by_key(activity.key_role, crm, person_of_row, key_column)
    table = activity.table[activity.table.index.isin(person_of_key.index)]
    person = person_of_key.reindex(table.index).to_numpy()
    counts = [c for c in table.columns if c.endswith(f"_{activity.days}d")]
    latest = table.assign(person=person).sort_values("last_event_date", kind="stable")
    out = table[counts].groupby(person).sum()
    out["last_abandoned_product"] = (latest[latest["last_abandoned_product"] != ""]
                                     .groupby("person")["last_abandoned_product"].last())
    out["last_event_date"] = latest.groupby("person")["last_event_date"].last()
    out["days_since_last_event"] = latest.groupby("person")["days_since_last_event"].min()
    people = pd.Index(pd.unique(person_of_row), name=person_of_row.name or "person")
    out = out.reindex(people)
    out[counts] = out[counts].fillna(0).astype(int)
    # a number however few people have events: NaN, not text, for those without
    out["days_since_last_event"] = out["days_since_last_event"].astype(float)
    out[["last_abandoned_product", "last_event_date"]] = out[
        ["last_abandoned_product", "last_event_date"]].fillna("")
    return out
