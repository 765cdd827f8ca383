"""Segment: every customer in a group, with their value figures.

The engine reads the sales lines by role names (``order_date``, ``amount``, ...); this
step hands it a view of the sales file with a role-named copy of each column the user
marked, order dates read into ISO (the column's majority format) when the clean step has
not done so.
The features default to what the data has: a mix of channels only with a channel column,
a discount share only with a discount (an amount, a rate or a yes/no flag).
Sales lines are linked to customers by the link step's ``matched_id`` when there is one,
else by customer id, else by the e-mail columns the roles name (a ``Mail`` column of
the sales file meets the customer list's ``E-Mail-Adresse``).
An events file (frame ``"events"``) adds each person's behaviour (:mod:`core.steps.activity`)
as of the analysis date; its columns are features only when ``features`` names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import LocalReachError
from core.lookup import MATCHED_COLUMN, buyer_column, first_positions
from core.normalise.dates import guess_format, parse_date
from core.normalise.email import mailbox
from core.roles import Role, person_key
from core.segment.features import (
    BASE_FEATURES,
    DEFAULT_MODEL_FEATURES,
    DISCOUNT_COLUMNS,
    MIXES,
    FeatureConfig,
    Features,
    build_features,
    parse_numbers,
    per_distinct,
    person_keys,
)
from core.segment.names import group_names, rename_groups
from core.segment.pipeline import SegmentConfig, segment_customers
from core.steps.activity import EVENTS, behaviour, is_behaviour, per_row
from core.steps.base import (
    Skipped,
    Step,
    StepConfig,
    StepReport,
    column_of,
    needs_role,
    require,
    step_context,
)
from core.vendors.orders import orders_export

# Sales roles the engine reads by name.
SALES_ROLES = (Role.CUSTOMER_ID, Role.EMAIL, Role.ORDER_ID, Role.ORDER_DATE, Role.AMOUNT,
               Role.UNIT_PRICE, Role.QUANTITY, Role.PRODUCT, Role.CATEGORY, Role.CHANNEL, Role.DISCOUNT, Role.CURRENCY)
# The role-named sales columns each optional feature is made from, any one will do (a
# discount under any name the engine reads one by: an amount, a rate or a yes/no flag).
OPTIONAL_FEATURES = {"channel_mix": (Role.CHANNEL.value,), "category_mix": (Role.CATEGORY.value,),
                     "discount_share": (Role.DISCOUNT.value, *DISCOUNT_COLUMNS)}
FEATURES = "features"  # ctx.shared: the segment step's BuiltFeatures, for the personas step


@dataclass
class SegmentStepConfig(SegmentConfig, StepConfig):
    """:class:`core.segment.pipeline.SegmentConfig`; the id columns come from the roles
    and the features from the columns there are, unless set."""

    features: list[str] | None = None
    id_column: str | None = None
    sales_id_column: str | None = None
    activity_days: list[int] = field(default_factory=lambda: [7, 30])  # an events file's windows


@dataclass(frozen=True, eq=False)
class BuiltFeatures:
    """The segment step's features with the frames and settings they were built from:
    the personas step reuses them while the run's frames are still these ones."""

    crm: pd.DataFrame  # the segment step's output
    sales: pd.DataFrame  # the sales frame the step read
    config: FeatureConfig
    features: Features

    def reusable(self, crm: pd.DataFrame, sales: pd.DataFrame | None, config: FeatureConfig) -> bool:
        return crm is self.crm and sales is self.sales and config == self.config


def sales_view(sales: pd.DataFrame, roles: dict[str, str], what: str = "Finding customer groups") -> pd.DataFrame:
    """The sales lines with a role-named copy of each marked column the file names
    otherwise (``Bestelldatum`` -> ``order_date``), order dates as ISO text; a missing
    order date or amount is named as the role to mark. A tool's orders export is left to
    :func:`core.vendors.orders.count_orders`, which reads it by the tool's own headers."""
    if orders_export(sales.columns) is not None:
        return sales
    require(roles, Role.ORDER_DATE, sales, what)
    view = role_named(sales, roles)
    if column_of(roles, Role.AMOUNT, sales) is None:
        view[Role.AMOUNT.value] = line_amounts(sales, roles, what)
    view[Role.ORDER_DATE.value] = iso_dates(view[Role.ORDER_DATE.value])
    return view


def line_amounts(sales: pd.DataFrame, roles: dict[str, str], what: str) -> pd.Series:
    """Each line's amount from its unit price times its quantity (one item where the file
    has no quantity), for sales lines without a line total: the UCI Online Retail
    history, a till's item list. Without a unit price either, the missing amount is
    named as the role to mark."""
    price = column_of(roles, Role.UNIT_PRICE, sales)
    if price is None:
        raise needs_role(what, Role.AMOUNT)
    amounts = per_distinct(sales[price], parse_numbers)
    quantity = column_of(roles, Role.QUANTITY, sales)
    if quantity is not None:
        amounts = amounts * per_distinct(sales[quantity], parse_numbers)
    return amounts.round(6)


def role_named(sales: pd.DataFrame, roles: dict[str, str]) -> pd.DataFrame:
    """A copy of ``sales`` with a role-named copy of each marked sales column it lacks."""
    view = sales.copy(deep=False)  # copy-on-write: the new columns leave the sales frame as it is
    for role in SALES_ROLES:
        column = column_of(roles, role, sales)
        if column is not None and role.value not in view.columns:
            view[role.value] = sales[column]
    return view


def iso_dates(values: pd.Series) -> pd.Series:
    """Dates as ISO text, each distinct value read once in the column's majority format."""
    text = values.astype("string").fillna("")
    distinct = [str(v) for v in pd.unique(text.to_numpy(dtype=object))]
    fmt = guess_format(distinct)
    read = {v: parse_date(v, fmt) or v for v in distinct}
    return text.map(read)


def default_features(columns) -> list[str]:
    """The model features sales lines with these (role-named) columns can give; the
    window offers the same ones."""
    have = set(columns)
    return [f for f in DEFAULT_MODEL_FEATURES
            if f not in OPTIONAL_FEATURES or have & set(OPTIONAL_FEATURES[f])]


def crm_id(crm: pd.DataFrame, roles: dict[str, str], given: str | None, what: str) -> str:
    """The customer list's column that keys a person: the one given, the customer id,
    else the e-mail (a newsletter list or a contacts export has no ids, and its sales
    lines are linked by e-mail; the window keys them so too)."""
    if given:
        return given
    key = person_key(roles, crm.columns)
    if key is None:
        raise needs_role(what, Role.CUSTOMER_ID)
    return key[0]


def linked_view(view: pd.DataFrame, crm: pd.DataFrame, crm_roles: dict[str, str], id_column: str,
                sales_id: str | None = None, sales_roles: dict[str, str] | None = None) -> pd.DataFrame:
    """``view`` with ``matched_id`` from the e-mail addresses when the sales lines carry
    no customer id: both e-mail columns are found by role, whatever their headers (a
    tool's orders export keeps its own, ``Email``), and compared as the inbox they reach
    (case, spaces and Gmail's dots do not count)."""
    if {sales_id or Role.CUSTOMER_ID.value, MATCHED_COLUMN} & set(view.columns):
        return view
    marked = None if sales_id else column_of(sales_roles or {}, Role.CUSTOMER_ID, view)
    if marked is not None:  # a tool's export, read by its own headers (Salesforce's Contact ID)
        return view.assign(**{Role.CUSTOMER_ID.value: view[marked]})
    own = column_of(crm_roles, Role.EMAIL, crm)
    theirs = (Role.EMAIL.value if Role.EMAIL.value in view.columns
              else column_of(sales_roles or {}, Role.EMAIL, view))
    if own is None or theirs is None:
        raise needs_role("Linking the sales lines to customers", Role.CUSTOMER_ID)
    keys = _inbox(crm[own])
    found = first_positions(keys.where(keys != ""), _inbox(view[theirs]).to_numpy(dtype=object))
    ids = np.append(crm[id_column].astype(str).to_numpy(dtype=object), "")  # -1: no one
    return view.assign(**{MATCHED_COLUMN: ids[found]})


def _inbox(values: pd.Series) -> pd.Series:
    text = values.astype("string").fillna("")
    return text.map({v: mailbox(v) for v in pd.unique(text.to_numpy(dtype=object))})


def resolved(config: SegmentStepConfig, crm: pd.DataFrame, view: pd.DataFrame,
             crm_roles: dict[str, str]) -> SegmentConfig:
    """The engine's config with every column and feature decided; sales lines the link
    step (or the e-mail) matched are counted by that match."""
    id_column = crm_id(crm, crm_roles, config.id_column, "Finding customer groups")
    sales_id = config.sales_id_column or buyer_column(view.columns) or Role.CUSTOMER_ID.value
    features = default_features(view.columns) if config.features is None else list(config.features)
    known = set(BASE_FEATURES) | set(MIXES) | {"age"}
    crm_columns = config.crm_columns or [f for f in features if f not in known]
    return SegmentConfig(**{**config.values_for(SegmentConfig), "id_column": id_column,
                            "sales_id_column": sales_id, "features": features,
                            "crm_columns": crm_columns})


class SegmentStep(Step, id="segment", config=SegmentStepConfig, needs=("crm", "sales")):

    def inputs(self, frames, roles, config: SegmentStepConfig
               ) -> tuple[pd.DataFrame, pd.DataFrame, SegmentConfig]:
        """(customers, sales lines linked to them, the engine's config): what the groups
        are found on, and what the window's forecast and fairness checks read too."""
        if frames.get("sales") is None:
            raise Skipped("no sales file")
        crm, crm_roles = frames["crm"], roles.get("crm", {})
        view = sales_view(frames["sales"], roles.get("sales", {}))
        id_column = crm_id(crm, crm_roles, config.id_column, "Finding customer groups")
        view = linked_view(view, crm, crm_roles, id_column, config.sales_id_column,
                           roles.get("sales", {}))
        return crm, view, resolved(config, crm, view, crm_roles)

    def run(self, frames, roles, config: SegmentStepConfig, ctx):  # typed on Step.run
        ctx = step_context(ctx)
        crm, view, engine = self.inputs(frames, roles, config)
        events = frames.get(EVENTS)
        # the features of the customer list as it is (a behaviour feature joins columns first)
        feats = (None if events is not None and any(is_behaviour(f) for f in engine.features)
                 else build_features(crm, view, engine.feature_config(), ctx))
        if events is None:
            out, report = segment_customers(crm, view, engine, ctx, feats)
            acted = None
        else:
            out, report, acted = _with_behaviour(crm, view, events, roles, config, engine, ctx, feats,
                                                 frames.get("records"))
        rename_groups(out, report, group_names(out))  # "Recent frequent big spenders", as the window names them
        ctx.shared["feature_config"] = engine.feature_config()
        if feats is not None:
            ctx.shared[FEATURES] = BuiltFeatures(out, frames["sales"], engine.feature_config(), feats)
        groups = report["sizes"]["segment"].nunique()
        note = f"{report['people']:,} people in {groups} groups"
        counts = {"people": report["people"], "buyers": report["buyers"], "groups": int(groups)}
        if acted is not None:
            note += "; " + acted.lines[-1][:1].lower() + acted.lines[-1][1:-1]
            counts.update(acted.counts)
            report["activity"] = acted.lines
        return {**frames, "crm": out}, StepReport(note, counts, {**report, "config": engine})


def _with_behaviour(crm, view, events, roles, config: SegmentStepConfig, engine: SegmentConfig, ctx,
                    feats: Features | None = None, records: pd.DataFrame | None = None):
    """Segment with the events' behaviour on every person (once per person, on each of
    their rows). The behaviour is as of the analysis date (the day after the last order
    unless set); when ``features`` names a behaviour column it is on the customer list
    before the groups are found, else it is added after, so the default groups never change.
    ``records`` (several lists): events find their person by each list's own ids."""
    person = person_keys(crm, engine.feature_config())
    wanted = [f for f in engine.features if is_behaviour(f)]

    def behaviour_at(as_of):
        return behaviour(events, roles.get(EVENTS), crm, roles.get("crm", {}), person, as_of,
                         list(config.activity_days), records)

    def joined(frame, acted):
        rows = per_row(acted.table, person)
        return frame.reset_index(drop=True).drop(columns=list(rows.columns), errors="ignore").join(rows)

    if not wanted:
        out, report = segment_customers(crm, view, engine, ctx, feats)
        acted = behaviour_at(engine.as_of or report["as_of"])
        return joined(out, acted), report, acted
    acted = behaviour_at(engine.as_of or _sales_as_of(crm, view, engine, ctx))
    missing = [f for f in wanted if f not in acted.table.columns]
    if missing:
        raise LocalReachError(f"The events file gives no '{missing[0]}' feature; it gives "
                              f"{', '.join(acted.table.columns)}.")
    out, report = segment_customers(joined(crm, acted), view, engine, ctx)
    return out, report, acted


def _sales_as_of(crm, view, engine: SegmentConfig, ctx) -> str | None:
    """The day the segments count from when no as-of date is set (the day after the last
    linked order), for behaviour needed before the groups are found."""
    feats = build_features(crm, view, FeatureConfig(id_column=engine.id_column,
                                                    sales_id_column=engine.sales_id_column), ctx)
    return feats.as_of.date().isoformat() if feats.as_of is not None else None
