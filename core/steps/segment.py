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
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.normalise.dates import guess_format, parse_date
from core.normalise.email import mailbox
from core.roles import Role
from core.segment.features import BASE_FEATURES, DEFAULT_MODEL_FEATURES, MIXES
from core.segment.pipeline import SegmentConfig, segment_customers
from core.steps.base import (
    Frames,
    Roles,
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

# Sales roles the engine reads by name, and the feature each optional one makes possible.
SALES_ROLES = (Role.CUSTOMER_ID, Role.EMAIL, Role.ORDER_ID, Role.ORDER_DATE, Role.AMOUNT,
               Role.QUANTITY, Role.PRODUCT, Role.CATEGORY, Role.CHANNEL, Role.DISCOUNT, Role.CURRENCY)
OPTIONAL_FEATURES = {"channel_mix": Role.CHANNEL, "category_mix": Role.CATEGORY,
                     "discount_share": Role.DISCOUNT}
LINK_COLUMN = "matched_id"  # what the link step adds


@dataclass
class SegmentStepConfig(SegmentConfig, StepConfig):
    """:class:`core.segment.pipeline.SegmentConfig`; the id columns come from the roles
    and the features from the columns there are, unless set."""

    features: list[str] | None = None
    id_column: str | None = None
    sales_id_column: str | None = None


def sales_view(sales: pd.DataFrame, roles: dict[str, str], what: str = "Finding customer groups") -> pd.DataFrame:
    """The sales lines with a role-named copy of each marked column the file names
    otherwise (``Bestelldatum`` -> ``order_date``), order dates as ISO text; a missing
    order date or amount is named as the role to mark. A tool's orders export is left to
    :func:`core.vendors.orders.count_orders`, which reads it by the tool's own headers."""
    if orders_export(sales.columns) is not None:
        return sales
    require(roles, Role.ORDER_DATE, sales, what)
    require(roles, Role.AMOUNT, sales, what)
    view = role_named(sales, roles)
    view[Role.ORDER_DATE.value] = iso_dates(view[Role.ORDER_DATE.value])
    return view


def role_named(sales: pd.DataFrame, roles: dict[str, str]) -> pd.DataFrame:
    """A copy of ``sales`` with a role-named copy of each marked sales column it lacks."""
    view = sales.copy()
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


def default_features(view: pd.DataFrame) -> list[str]:
    """The model features this sales file can give."""
    return [f for f in DEFAULT_MODEL_FEATURES
            if f not in OPTIONAL_FEATURES or OPTIONAL_FEATURES[f].value in view.columns]


def crm_id(crm: pd.DataFrame, roles: dict[str, str], given: str | None, what: str) -> str:
    if given:
        return given
    return require(roles, Role.CUSTOMER_ID, crm, what)


def linked_view(view: pd.DataFrame, crm: pd.DataFrame, crm_roles: dict[str, str], id_column: str,
                sales_id: str | None = None) -> pd.DataFrame:
    """``view`` with ``matched_id`` from the e-mail addresses when the sales lines carry
    no customer id: both e-mail columns are found by role, whatever their headers, and
    compared as the inbox they reach (case, spaces and Gmail's dots do not count)."""
    if {sales_id or Role.CUSTOMER_ID.value, LINK_COLUMN} & set(view.columns):
        return view
    own = column_of(crm_roles, Role.EMAIL, crm)
    if own is None or Role.EMAIL.value not in view.columns:
        raise needs_role("Linking the sales lines to customers", Role.CUSTOMER_ID)
    keys = _inbox(crm[own])
    ids = pd.Series(crm[id_column].astype(str).to_numpy(), index=keys.to_numpy())
    ids = ids[(ids.index != "") & ~ids.index.duplicated()]
    return view.assign(**{LINK_COLUMN: _inbox(view[Role.EMAIL.value]).map(ids).fillna("").to_numpy()})


def _inbox(values: pd.Series) -> pd.Series:
    text = values.astype("string").fillna("")
    return text.map({v: mailbox(v) for v in pd.unique(text.to_numpy(dtype=object))})


def resolved(config: SegmentStepConfig, crm: pd.DataFrame, view: pd.DataFrame,
             crm_roles: dict[str, str]) -> SegmentConfig:
    """The engine's config with every column and feature decided; sales lines the link
    step (or the e-mail) matched are counted by that match."""
    id_column = crm_id(crm, crm_roles, config.id_column, "Finding customer groups")
    sales_id = config.sales_id_column or (
        LINK_COLUMN if LINK_COLUMN in view.columns else Role.CUSTOMER_ID.value)
    features = default_features(view) if config.features is None else list(config.features)
    known = set(BASE_FEATURES) | set(MIXES) | {"age"}
    crm_columns = config.crm_columns or [f for f in features if f not in known]
    values = {**config.to_dict(), "id_column": id_column, "sales_id_column": sales_id,
              "features": features, "crm_columns": crm_columns}
    return SegmentConfig(**values)


class SegmentStep(Step):
    id = "segment"
    title = "Segments"
    Config = SegmentStepConfig
    needs = ("crm", "sales")

    def run(self, frames: Frames, roles: Roles, config: SegmentStepConfig, ctx) -> tuple[Frames, StepReport]:
        ctx = step_context(ctx)
        if frames.get("sales") is None:
            raise Skipped("no sales file")
        crm, crm_roles = frames["crm"], roles.get("crm", {})
        view = sales_view(frames["sales"], roles.get("sales", {}))
        id_column = crm_id(crm, crm_roles, config.id_column, "Finding customer groups")
        view = linked_view(view, crm, crm_roles, id_column, config.sales_id_column)
        engine = resolved(config, crm, view, crm_roles)
        out, report = segment_customers(crm, view, engine, ctx)
        ctx.shared["feature_config"] = engine.feature_config()
        groups = report["sizes"]["segment"].nunique()
        note = f"{report['people']:,} people in {groups} groups"
        counts = {"people": report["people"], "buyers": report["buyers"], "groups": int(groups)}
        return {**frames, "crm": out}, StepReport(note, counts, {**report, "config": engine})
