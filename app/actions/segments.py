"""What the user does on the Segments screen: choose what groups are based on, find the
groups, check the forecast, mark sensitive columns and check the groups are fair.

Which features are offered is decided here from the columns that exist, by the segment
step's own table (a mix of channels only when the sales file has a channel, a discount
share only with a discount amount or flag), never from the demo's names; the screen only
shows the list.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import asdict, dataclass, replace

import pandas as pd

from app.actions import Action
from app.actions.imports import LISTS_STATE
from app.sales_customers import customer_key, customers_from_sales
from app.sales_match import linked_to_people
from core.errors import LocalReachError
from core.roles import Role
from core.segment import rfm
from core.segment.fairness import fairness_report
from core.segment.features import FeatureConfig, parse_numbers
from core.segment.holdout import holdout_figure
from core.segment.names import rename_groups
from core.segment.pipeline import NO_PURCHASES, OUTPUT_COLUMNS, SegmentConfig, check_forecast
from core.segment.propensity import PropensityCheck, lift_figure
from core.steps.activity import EVENTS, behaviour_columns, is_behaviour
from core.steps.base import Skipped
from core.steps.registry import step
from core.steps.segment import OPTIONAL_FEATURES, SegmentStepConfig

STEP = "segments"
FEATURE_LABELS = {
    "recency_days": "Days since last order", "frequency": "Number of orders",
    "monetary": "Total spend", "avg_order_value": "Spend per order",
    "tenure_days": "Time as a customer", "mean_days_between": "Days between orders",
    "discount_share": "Orders with a discount", "peak_season_share": "Orders in the busiest weeks",
    "channel_mix": "Where they buy (channels)", "category_mix": "What they buy (categories)",
    "age": "Age",
}
# Columns never offered as features: who someone is, not how they behave.
NOT_FEATURES = {"customer_id", "first_name", "last_name", "full_name", "email", "phone",
                "street", "postcode", "date_of_birth", "consent", "opt_out", "company"}
SENSITIVE_ROLES = ("gender", "date_of_birth", "postcode", "city", "country")
MAX_CHOICES = 50  # a text column with more distinct values is not a useful feature
RULES = rfm.TIE_RULES
ROLE_NAMES = {r.value for r in Role}
UNASSIGNED = rfm.UNASSIGNED
_offered: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # doc -> (crm, sales, roles, features)
_facts: dict[int, tuple[weakref.ref, dict]] = {}  # id(frame) -> (frame, {column: (few, numeric)})


@dataclass(frozen=True)
class Feature:
    key: str
    label: str
    from_crm: bool  # a customer-list column, not a behaviour figure


def waiting_for(doc) -> str | None:
    crm, sales = doc.frame("crm"), doc.frame("sales")
    if sales is None:
        if crm is None:
            return "Import a customer list and a sales file first (a sales file alone will do)."
        return "Import a sales file first: groups are based on what people bought."
    if crm is None and customer_key(doc.roles("sales")) is None:
        return ("The sales file has no column marked as customer ID or e-mail, so its lines "
                "cannot be told apart by customer: mark one on the Import screen.")
    return None


def column_facts(frame: pd.DataFrame) -> dict:
    """Per column (few distinct values, mostly numbers), read from its first 5,000 rows:
    what decides which columns are offered as features and as sensitive. Kept per frame,
    and computed in the engine child for the list "Find customer groups" gives back
    (reading every column of 100,000 rows took the GUI thread 0.1 s per refresh)."""
    known = _facts_of(frame)
    for col in frame.columns:
        if col not in known:
            values = frame[col].head(5000)
            few = bool(values.nunique() <= MAX_CHOICES)
            known[col] = (few, few or bool(parse_numbers(values).notna().mean() >= 0.9))
    return known


def _facts_of(frame: pd.DataFrame, facts: dict | None = None) -> dict:
    """The facts kept for ``frame`` while it lives (``facts``: store these); a DataFrame
    cannot be a dictionary key."""
    key = id(frame)
    kept = _facts.get(key)
    if facts is None and kept is not None and kept[0]() is frame:
        return kept[1]
    gone = lambda _ref: _facts.pop(key, None)  # noqa: E731
    _facts[key] = (weakref.ref(frame, gone), {} if facts is None else facts)
    return _facts[key][1]


def _crm_columns(crm: pd.DataFrame, roles: dict[str, str]) -> list[str]:
    """Customer-list columns worth offering: numbers, or text with few distinct values."""
    added = set(OUTPUT_COLUMNS) | {"cluster_id", "match_score", "rfm_segment"}
    facts = column_facts(crm)
    return [str(col) for col in crm.columns
            if not (col in added or col in NOT_FEATURES or roles.get(col) in NOT_FEATURES
                    or is_behaviour(str(col))
                    or str(col).startswith(("buy_probability_", "value_", "expected_orders_")))
            and facts[col][1]]


def offered_features(doc) -> list[Feature]:
    """Behaviour figures the files can give (an events file's too), then the customer-list
    columns that describe people. Kept per document until its frames or roles change: the
    screen asks on every refresh, and reading every column of a 10,000-row list costs a
    tenth of a second."""
    crm_frame, sales_frame, events = doc.frame("crm"), doc.frame("sales"), doc.frame(EVENTS)
    roles = (doc.roles("crm"), doc.roles("sales"), doc.roles(EVENTS))
    cached = _offered.get(doc)
    if cached and cached[0] is crm_frame and cached[1] is sales_frame and cached[2] is events \
            and cached[3] == roles:
        return cached[4]
    crm = crm_frame if crm_frame is not None else pd.DataFrame()
    columns = (set(sales_frame.columns) | set(doc.roles("sales").values())
               if sales_frame is not None else set())
    behaviour = [Feature(k, label, False) for k, label in FEATURE_LABELS.items()
                 if (k != "age" or "date_of_birth" in doc.roles("crm").values()
                     or "date_of_birth" in crm.columns)
                 and (k not in OPTIONAL_FEATURES or columns & set(OPTIONAL_FEATURES[k]))]
    offered = behaviour + event_features(events, doc.roles(EVENTS)) + [
        Feature(c, f"Customer list: {c}", True) for c in _crm_columns(crm, doc.roles("crm"))]
    _offered[doc] = (crm_frame, sales_frame, events, roles, offered)
    return offered


def event_features(events: pd.DataFrame | None, roles: dict[str, str]) -> list[Feature]:
    """An events file's counts over the segment step's windows and the days since the last
    event, as the step puts them on the customer list before finding groups."""
    if events is None:
        return []
    try:
        columns = behaviour_columns(events, roles, SegmentStepConfig().activity_days)
    except LocalReachError:  # roles that make no events file: nothing to offer
        return []
    words = {"sessions": "Visits", "product_views": "Product views", "carts_abandoned": "Carts left"}
    out = []
    for column in columns:
        name, _, days = column.rpartition("_")
        if name in words:
            out.append(Feature(column, f"Events: {words[name]} in the last {days[:-1]} days", True))
    return [*out, Feature("days_since_last_event", "Events: Days since the last visit or event", True)]


def config(doc) -> SegmentConfig:
    """The stored settings; before any, the defaults with only the features the files have."""
    state = doc.state(STEP) or {}
    if "config" in state:
        return SegmentConfig(**state["config"])
    offered = {f.key for f in offered_features(doc)}
    return SegmentConfig(features=[f for f in SegmentConfig().features if f in offered])


def result(doc) -> dict | None:
    return (doc.state(STEP) or {}).get("result")


def classic_rules() -> list[dict]:
    return rfm.rules_to_dicts(rfm.CLASSIC_RULES)


def rule_problems(rules: list[dict]) -> list[str]:
    return rfm.check_rules(rfm.rules_from_dicts(rules)).describe()


def change_settings(doc, text: str = "Change how customers are grouped", **changes) -> dict:
    """Store new settings (one undo step); returns what changed (nothing when equal)."""
    cfg = config(doc)
    if "rules" in changes and changes["rules"] == classic_rules():
        changes["rules"] = None
    new = replace(cfg, **changes)
    state = dict(doc.state(STEP) or {})
    if state.get("config") == asdict(new):
        return {}
    state["config"] = asdict(new)
    doc.set_state(STEP, state, text)
    return {k: v for k, v in asdict(new).items() if asdict(cfg).get(k) != v}


def link_columns(doc) -> tuple[str, str]:
    """(customer-list column, role-named sales column) that say who bought: the customer
    id when both files have one, else the e-mail (a Shopify orders export names the buyer
    by e-mail only, while its customers export has ids too)."""
    roles, sales_roles = doc.roles("crm"), set(doc.roles("sales").values())
    has_sales = doc.frame("sales") is not None
    for role in ("customer_id", "email"):
        column = next((c for c, r in roles.items() if r == role), None)
        if column is not None and (role in sales_roles or not has_sales):
            return column, role
    return config(doc).id_column, config(doc).sales_id_column


def step_inputs(doc) -> tuple[SegmentConfig, dict, dict]:
    """(the settings with the columns who bought is read by, the frames, their roles):
    what the segment step runs on, read now on the GUI thread."""
    id_column, sales_id = link_columns(doc)
    frames = {n: doc.frame(n) for n in ("crm", "sales") if doc.frame(n) is not None}
    frames, sales_id = linked_to_people(doc, frames, sales_id)  # several lists: by each list's ids
    roles = {n: _roles(frame, doc.roles(n)) for n, frame in frames.items()}
    if doc.frame(EVENTS) is not None:  # behaviour per person, by its own (activity) roles
        frames, roles = {**frames, EVENTS: doc.frame(EVENTS)}, {**roles, EVENTS: doc.roles(EVENTS)}
        records = (doc.state(LISTS_STATE) or {}).get("records")
        if records is not None:  # several lists: an event carries its list's own id
            frames["records"] = records
    return replace(config(doc), id_column=id_column, sales_id_column=sales_id), frames, roles


def _roles(frame: pd.DataFrame, marked: dict[str, str]) -> dict[str, str]:
    """The marked roles, and a column named after a role nobody marked as having it
    (``order_date`` in a table set without roles): the step reads columns by role only."""
    named = {str(c): str(c) for c in frame.columns
             if str(c) in ROLE_NAMES and c not in marked and str(c) not in marked.values()}
    return {**named, **marked}


def _inputs(doc) -> tuple[SegmentConfig, dict, dict]:
    """:func:`step_inputs`; a sales file alone first makes its people (one undo step)."""
    if doc.frame("crm") is None:
        frame, roles = customers_from_sales(doc.frame("sales"), doc.roles("sales"))
        source = {**(doc.source("sales") or {}), "from_sales": True}
        doc.set_source("crm", frame, source, roles, "Take the customers from the sales file")
    return step_inputs(doc)


def resolved_inputs(cfg: SegmentConfig, frames: dict, roles: dict):
    """(customers, sales lines linked to them, the engine's config) as the segment step
    resolves them from ``cfg`` (:meth:`core.steps.segment.SegmentStep.inputs`)."""
    segment = step("segment")
    return segment.inputs(frames, roles, segment.config(asdict(cfg)))


def feature_config(cfg: SegmentConfig, frames: dict, roles: dict) -> FeatureConfig:
    """The columns people are counted by, as the segment step read them (no sales file:
    the settings' own)."""
    try:
        return resolved_inputs(cfg, frames, roles)[2].feature_config()
    except Skipped:
        return cfg.feature_config()


def find_groups(doc) -> Action | None:
    """Group everyone; applying adds the group columns, names the groups from their figures
    and re-checks the marked sensitive columns, as one undo step. None: nothing to run on."""
    cfg = config(doc)
    if waiting_for(doc) or (not cfg.features and cfg.method != "rfm"):
        return None
    cfg, frames, roles = _inputs(doc)
    crm, marked, segment = frames["crm"], sensitive_columns(doc), step("segment")

    def work(ctx):
        after, done = segment.run(frames, roles, segment.config(asdict(cfg)), ctx)
        report = {k: v for k, v in done.details.items() if k != "config"}
        out = after["crm"]
        fairness = _fairness(out, marked, report.get("as_of"), done.details["config"])
        return out, report, fairness, column_facts(out)

    def apply(found) -> dict:
        out, report, fairness, facts = found
        _facts_of(out, facts)  # computed in the child: the screen's refresh reads them
        state = {**(doc.state(STEP) or {}), "config": asdict(cfg),
                 "result": {"config": asdict(cfg), "report": report}, "fairness": fairness}
        doc.undo_stack.beginMacro("Find customer groups")
        doc.set_frame("crm", out, "Add customer groups", roles=doc.roles("crm"))
        doc.set_state(STEP, state, "Store customer groups")
        doc.undo_stack.endMacro()
        doc.audit(STEP, asdict(cfg), len(crm), len(out), crm, out)
        return {"frames": ["crm"], "groups": groups_found(report),
                "added": [c for c in out.columns if c not in crm.columns]}

    return Action("Finding customer groups…", work, apply)


def summary_notes(report: dict) -> list[str]:
    """What the segment step did that the user would not guess, in their words: the
    list's own columns the groups' columns would have replaced, kept under new names
    (``kept_own``), and the charges never offered as a next product (``not_offered``).
    The Segments screen's summary and the command's end with them."""
    notes = [f"Your own '{old}' column is kept as '{new}'." for old, new in report.get("kept_own", {}).items()]
    charges = report.get("not_offered") or []
    if charges:
        shown = ", ".join(charges[:5]) + (f" and {len(charges) - 5:,} more" if len(charges) > 5 else "")
        notes.append(f"Never offered as a next product, being charges rather than products: {shown}.")
    return notes


def groups_found(report: dict) -> int:
    return int((report["sizes"]["segment"] != NO_PURCHASES).sum())


def rename_group(doc, old: str, new: str) -> dict:
    """Give a group the user's own name: in the list, the stored report and the personas."""
    new = new.strip()
    crm = doc.frame("crm")
    res = result(doc)
    if not new or new == old or crm is None or res is None or new in set(crm["segment"].astype(str)):
        return {}
    out = crm.copy()
    report = dict(res["report"])
    rename_groups(out, report, {old: new})
    state = {**doc.state(STEP), "result": {**res, "report": report}}
    personas = doc.state("personas")
    doc.undo_stack.beginMacro(f"Rename group “{old}” to “{new}”")
    doc.set_frame("crm", out, "Rename a group", roles=doc.roles("crm"))
    doc.set_state(STEP, state, "Rename a group")
    if personas and personas.get("personas"):
        renamed = [{**p, "segment": new, **({"name": new} if p.get("name") == old else {})}
                   if p["segment"] == old else p for p in personas["personas"]]
        doc.set_state("personas", {**personas, "personas": renamed}, "Rename a group")
    doc.undo_stack.endMacro()
    return {"renamed": (old, new), "people": int((out["segment"] == new).sum())}


def check_the_forecast(doc) -> Action | None:
    """The holdout check alone: nothing in the document changes."""
    if waiting_for(doc):
        return None
    cfg, frames, roles = _inputs(doc)
    return Action("Checking the forecast…",
                  lambda ctx: check_forecast(*resolved_inputs(cfg, frames, roles), ctx))


def draw_forecast(figure, check) -> None:
    holdout_figure(check, figure)


def propensity(report: dict | None) -> PropensityCheck | None:
    """The stored purchase-forecast check, as the chart draws it."""
    stored = (report or {}).get("propensity")
    if not stored:
        return None
    fields = PropensityCheck.__dataclass_fields__
    return PropensityCheck(**{k: v for k, v in stored.items() if k in fields})


def draw_lift(figure, check: PropensityCheck) -> None:
    lift_figure(check, figure)


# -- fair segments ------------------------------------------------------------------------
def sensitive_candidates(doc) -> list[tuple[str, bool]]:
    """Customer-list columns one may check the groups by, and whether their role suggests it
    (gender, date of birth, postcode, ...); the user decides which to mark."""
    crm = doc.frame("crm")
    if crm is None:
        return []
    roles = doc.roles("crm")
    added = set(OUTPUT_COLUMNS) | {"cluster_id", "match_score", "rfm_segment"}
    facts = column_facts(crm)
    return [(str(col), roles.get(col, "") in SENSITIVE_ROLES) for col in crm.columns
            if not (col in added or str(col).startswith(("buy_probability_", "value_", "expected_")))
            and (roles.get(col, "") in SENSITIVE_ROLES or facts[col][0])]


def sensitive_columns(doc) -> list[str]:
    return list((doc.state(STEP) or {}).get("sensitive", []))


def mark_sensitive(doc, columns: list[str]) -> dict:
    """Store the columns the groups are checked by (one undo step); the check runs after."""
    if columns == sensitive_columns(doc):
        return {}
    doc.set_state(STEP, {**(doc.state(STEP) or {}), "sensitive": list(columns)},
                  "Mark columns to check the groups by")
    return {"sensitive": list(columns)}


def _fairness(segmented: pd.DataFrame, columns: list[str], as_of: str | None,
              cfg: SegmentConfig) -> list[dict]:
    reference = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    out = []
    for column in columns:
        if column not in segmented.columns:
            continue
        r = fairness_report(segmented, column, reference, cfg.feature_config())
        shares = r.shares.assign(people=r.people)
        out.append({"column": column, "reading": r.reading, "largest": r.largest,
                    "flagged": r.flagged, "shares": shares.reset_index(names="segment")})
    return out


def check_fairness(doc) -> Action | None:
    """Each marked column's share per group against all customers, stored with the groups."""
    crm, columns = doc.frame("crm"), sensitive_columns(doc)
    res = result(doc)
    if crm is None or res is None or "segment" not in crm.columns:
        return None
    id_column, sales_id = link_columns(doc)
    cfg = replace(config(doc), id_column=id_column, sales_id_column=sales_id)

    def apply(fairness: list[dict]) -> dict:
        doc.set_state(STEP, {**doc.state(STEP), "fairness": fairness}, "Check the groups are fair")
        return {"flagged": [f["column"] for f in fairness if f["flagged"]]}

    return Action("Checking the groups…",
                  lambda ctx: _fairness(crm, columns, res["report"].get("as_of"), cfg), apply)


def fairness(doc) -> list[dict]:
    return list((doc.state(STEP) or {}).get("fairness") or [])


def fairness_warnings(doc) -> list[str]:
    """The flagged gaps, for the Export screen to show before anything is written."""
    return [f"Groups by '{f['column']}': {f['largest']}" for f in fairness(doc) if f["flagged"]]
