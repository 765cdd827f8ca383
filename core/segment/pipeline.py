"""The Segments step as one pure function: (CRM, sales, config) -> (segmented CRM, report).

The output keeps every CRM row in order with all its columns and adds the documented
columns in :data:`OUTPUT_COLUMNS`. People without any linked order get the segment
"No purchases" and are left out of scoring and clustering. The report holds only JSON
values and DataFrames, so the GUI can store it in the project file as it is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from core.errors import LocalReachError
from core.jobs import JobContext, ensure_context
from core.segment import clustering, rfm
from core.segment.features import (
    DEFAULT_MODEL_FEATURES,
    NO_LINKED_ORDERS,
    FeatureConfig,
    Features,
    build_features,
    model_matrix,
    orders_table,
    parse_dates,
    parse_day,
)
from core.segment.holdout import HoldoutCheck, holdout_check
from core.segment.propensity import check_propensity, predict_propensity
from core.segment.recommend import recommend_products
from core.segment.services import charge_names
from core.segment.value import BgNbd, calibration_inputs, predict_value

METHODS = ("rfm", "kmeans", "gmm", "hierarchical")
NO_PURCHASES = "No purchases"
MAP_POINTS = 2000
HOLDOUT_DAYS = 365  # "Check the forecast" holds out at most the last year

# Added to every CRM row: what each means is in the CLI --help too.
OUTPUT_COLUMNS = {
    "segment": "the person's group (an RFM segment name or 'Group N'); 'No purchases' "
               "when no order is linked",
    "rfm_score": "R, F and M scores 1-5 (5 best), e.g. '545'",
    "recency_days": "days since the last order",
    "frequency": "number of orders",
    "monetary": "total spend",
    "avg_order_value": "spend per order",
    "expected_orders_90d": "expected orders in the next 90 days (model estimate)",
    "p_active": "chance the person is still an active customer, 0-1 (model estimate)",
    "lifetime_value": "expected spend over the next 12 months (model estimate)",
    "churn_risk": "1 - p_active (model estimate)",
    "next_products": "up to 3 products people with their purchases also bought and they have "
                     "not (the most popular ones for people with no history), '; '-separated",
    "next_best_product": "the first of next_products",
}
DECIMALS = {"monetary": 2, "avg_order_value": 2, "expected_orders_90d": 2, "p_active": 3,
            "lifetime_value": 2, "churn_risk": 3}


@dataclass
class SegmentConfig:
    """Everything that decides the groups; serialises with dataclasses.asdict."""

    method: str = "rfm"
    k: int | None = None                        # None: propose a number of groups
    features: list[str] = field(default_factory=lambda: list(DEFAULT_MODEL_FEATURES))
    ties: str = "together"
    rules: list[dict] | None = None             # None: the classic 11 RFM segments
    seed: int = 0
    stability_rounds: int = 5
    id_column: str = "customer_id"
    sales_id_column: str = "customer_id"
    as_of: str | None = None                    # orders after this date are left out
    horizon_days: int | None = None             # adds expected_orders_<N>d and value_<N>d
    check_until: str | None = None              # holdout check: as_of < date <= check_until
    propensity_days: int | None = None          # adds buy_probability_<N>d, checked
    crm_columns: list[str] = field(default_factory=list)

    def feature_config(self) -> FeatureConfig:
        return FeatureConfig(id_column=self.id_column, sales_id_column=self.sales_id_column,
                             as_of=self.as_of, crm_columns=list(self.crm_columns))

    def rule_table(self) -> list[rfm.RfmRule]:
        return (list(rfm.CLASSIC_RULES) if self.rules is None
                else rfm.rules_from_dicts(self.rules))


def _validate(config: SegmentConfig) -> None:
    if config.method not in METHODS:
        raise LocalReachError(f"Unknown method '{config.method}'; use one of: "
                              + ", ".join(METHODS) + ".")
    if config.k is not None and not 2 <= config.k <= 30:
        raise LocalReachError(f"The number of groups must be between 2 and 30, not {config.k}.")
    if config.ties not in rfm.TIE_RULES:
        raise LocalReachError(f"Unknown tie rule '{config.ties}'; use 'together' or 'first'.")
    if config.horizon_days is not None and not 1 <= config.horizon_days <= 3650:
        raise LocalReachError("The horizon must be between 1 and 3650 days, not "
                              f"{config.horizon_days}.")
    if config.propensity_days is not None and not 1 <= config.propensity_days <= 3650:
        raise LocalReachError("The propensity period must be between 1 and 3650 days, not "
                              f"{config.propensity_days}.")
    if config.check_until and not config.as_of:
        raise LocalReachError("A holdout check needs an as-of date: the model is fitted on "
                              "the orders up to it and checked on the orders after it.")


def segment_customers(crm: pd.DataFrame, sales: pd.DataFrame | None, config: SegmentConfig,
                      ctx: JobContext | None = None, features: Features | None = None
                      ) -> tuple[pd.DataFrame, dict]:
    """Score, group and value every person; return the CRM rows with the added columns.

    ``features``: :func:`build_features` of these inputs, when the caller built them
    already (the segment step does, so the personas step can reuse them)."""
    ctx = ensure_context(ctx)
    _validate(config)
    feats = features or build_features(crm, sales, config.feature_config(), ctx)
    table = feats.table.copy(deep=False)
    buyers = table.index[table["orders"] > 0]
    if len(buyers) == 0:
        raise LocalReachError(NO_LINKED_ORDERS)
    report: dict = {
        "people": int(len(table)), "buyers": int(len(buyers)),
        "no_purchases": int(len(table) - len(buyers)),
        "unmatched_sales_lines": int(feats.unmatched_sales),
        "orders_counted": feats.set_aside,
        "as_of": feats.as_of.date().isoformat() if feats.as_of is not None else None,
        "method": config.method,
    }
    b = table.loc[buyers]
    scores = rfm.rfm_scores(b["recency_days"], b["frequency"], b["monetary"], config.ties)
    rules = config.rule_table()
    rfm_names, rule_counts = rfm.assign_segments(scores, rules)
    report["rfm"] = {"tie_rule": rfm.TIE_RULES[config.ties], "rules": rule_counts,
                     "problems": rfm.check_rules(rules).describe(),
                     "grid": rfm.rfm_grid(scores).rename(index=str, columns=str)}
    table["rfm_score"] = scores["rfm_score"]
    table["rfm_segment"] = rfm_names
    ctx.check()

    x = model_matrix(table.loc[buyers], config.features) if config.features else None
    if config.method == "rfm":
        groups = rfm_names
    else:
        if x is None:
            raise LocalReachError("Pick at least one feature to find groups with.")
        groups = _cluster(x, buyers, config, report, ctx)
        report["crosstab"] = pd.crosstab(groups, rfm_names).rename_axis(
            index="group", columns="rfm_segment")
    if x is not None:
        report.update(_map(x, groups.to_numpy(dtype=object), config.seed))
    table["segment"] = groups
    table.loc[table["orders"] == 0, "segment"] = NO_PURCHASES
    predicted, params = predict_value(table, config.horizon_days, ctx)
    table = table.join(predicted)
    extra = [c for c in predicted.columns if c not in OUTPUT_COLUMNS]  # the horizon's
    report["value_model"] = params
    if config.check_until:
        report["holdout"] = _holdout_report(
            _holdout(table.loc[buyers], feats, config.check_until, params), config.check_until)
    if config.propensity_days:
        chance, report["propensity"] = _propensity(feats, config.propensity_days, config.seed,
                                                   ctx)
        table[chance.name] = chance.reindex(table.index)
        extra.append(chance.name)
    purchases = feats.purchases()
    table = table.join(recommend_products(purchases, table.index,
                                          groups=table["segment"].to_numpy()))
    report["not_offered"] = charge_names(purchases["product"]) if "product" in purchases else []
    sizes = table["segment"].value_counts()
    report["sizes"] = pd.DataFrame({"segment": sizes.index.astype(str),
                                    "people": sizes.to_numpy().astype(int),
                                    "share": (sizes / len(table)).to_numpy()})
    out, report["kept_own"] = _keep_own(crm.reset_index(drop=True), [*OUTPUT_COLUMNS, *extra])
    per_row = table.reindex(feats.person_of_row.to_numpy())
    for col in [*OUTPUT_COLUMNS, *extra]:
        values = per_row[col]
        out[col] = (values.astype(float).round(_decimals(col)) if col in DECIMALS
                    or col in extra else values).to_numpy()
    return out, report


def segmented_before(columns) -> bool:
    """Whether a table is an earlier segmentation's output (it has our ``rfm_score``):
    its group columns are ours, to be written again, not the user's own."""
    return "rfm_score" in set(columns)


def _keep_own(out: pd.DataFrame, written: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """``out`` with the list's own columns an output would overwrite (a CRM's own
    ``segment``) renamed to ``own_<column>``, so nothing of the user's is lost, and
    ``{column: new name}``; a table :func:`segmented_before` is segmented again in place."""
    if segmented_before(out.columns):
        return out, {}
    kept = own_names(out.columns, written)
    return out.rename(columns=kept), kept


def own_names(columns, written) -> dict[str, str]:
    """``{column: own_<column>}`` for each of a table's columns named like one the step
    writes, whatever the case (Superstore's ``Segment`` beside our ``segment`` was two
    columns a template or a spreadsheet filter could mix up)."""
    ours = {str(w).casefold() for w in written}
    taken, kept = set(columns), {}
    for column in (c for c in columns if str(c).casefold() in ours):
        new = f"own_{column}"
        while new in taken:
            new = f"own_{new}"
        kept[column] = new
        taken.add(new)
    return kept


def _decimals(column: str) -> int:
    return 3 if column.startswith("buy_probability_") else DECIMALS.get(column, 2)


def _propensity(feats, days: int, seed: int, ctx: JobContext) -> tuple[pd.Series, dict]:
    """Chance of an order in the next ``days`` per person, and how it did on held-out days."""
    ctx.progress(0, 2, "Checking the purchase forecast")
    orders = orders_table(feats.sales)
    check = check_propensity(orders, feats.as_of, days, seed)
    ctx.progress(1, 2, "Forecasting who buys next")
    chance = predict_propensity(orders, feats.as_of, days, seed)
    chance.index = feats.table.index[chance.index.to_numpy()]
    ctx.progress(2, 2, "Purchase forecast ready")
    return chance, {**asdict(check), "column": chance.name, "top_lift": check.top_lift,
                    "baseline_top_lift": check.baseline_top_lift}


def _holdout(buyers: pd.DataFrame, feats, until: str, params: dict) -> HoldoutCheck:
    """Orders each buyer really placed after the as-of date, against the model's forecast."""
    end = parse_day(until, "check date")
    days = (end - feats.as_of).days
    if days < 1:
        raise LocalReachError(f"The check date {until} must come after the as-of date "
                              f"{feats.as_of.date().isoformat()}.")
    if not params:
        raise LocalReachError("Too few customers with orders before the as-of date to fit "
                              "the purchase model (at least 20 are needed).")
    later = feats.later[feats.later["date"] <= end]
    actual = later["person"].value_counts().reindex(buyers.index, fill_value=0)
    return holdout_check(BgNbd(**params["bgnbd"]), *calibration_inputs(buyers),
                         actual.to_numpy(), days)


def _holdout_report(check: HoldoutCheck, until: str) -> dict:
    return {"table": check.table, "days": check.days, "predicted": check.predicted,
            "actual": check.actual, "verdict": check.verdict,
            "until": parse_day(until, "check date").date().isoformat()}


def check_forecast(crm: pd.DataFrame, sales: pd.DataFrame, config: SegmentConfig,
                   ctx: JobContext | None = None) -> HoldoutCheck:
    """The holdout check alone (the window's "Check the forecast").

    Without dates in ``config`` the last third of the sales history is held out (at most
    :data:`HOLDOUT_DAYS` days): the model is fitted on the orders before it.
    """
    ctx = ensure_context(ctx)
    if not (config.as_of and config.check_until):
        dates = parse_dates(sales[FeatureConfig().date_column]).dropna()
        if dates.empty:
            raise LocalReachError("The sales file holds no order dates to check a forecast on.")
        held = min(HOLDOUT_DAYS, (dates.max() - dates.min()).days // 3)
        config = replace(config, check_until=dates.max().date().isoformat(),
                         as_of=(dates.max() - pd.Timedelta(days=held)).date().isoformat())
    feats = build_features(crm, sales, config.feature_config(), ctx)
    buyers = feats.table[feats.table["orders"] > 0]
    _, params = predict_value(buyers, None, ctx)
    return _holdout(buyers, feats, config.check_until, params)


def _cluster(x: np.ndarray, buyers: pd.Index, config: SegmentConfig, report: dict,
             ctx: JobContext) -> pd.Series:
    """Cluster the buyers; record k choice, stability and (Ward) the dendrogram."""
    if len(x) < 10:
        raise LocalReachError(f"Only {len(x)} people have orders; at least 10 are needed to "
                              "find groups. Use --method rfm instead.")
    choice = clustering.choose_k(x, config.method, config.seed, ctx=ctx)
    report["k_choice"] = {"table": choice.table, "proposed": choice.proposed,
                          "reason": choice.reason}
    k = config.k or choice.proposed
    report["k"] = int(k)
    labels = clustering.fit_labels(x, config.method, k, config.seed)
    report["stability"] = clustering.stability(x, labels, config.method, k,
                                               config.stability_rounds, config.seed, ctx=ctx)
    if config.method == "hierarchical":
        report["dendrogram"] = pd.DataFrame(
            clustering.dendrogram_linkage(x, seed=config.seed),
            columns=["left", "right", "distance", "size"])
    return pd.Series([f"Group {g + 1}" for g in labels], index=buyers, dtype=object)


def _map(x: np.ndarray, groups: np.ndarray, seed: int) -> dict:
    """Up to :data:`MAP_POINTS` people on the 2-D map, and the spread each axis shows."""
    xy, explained = clustering.map_2d(x)
    rng = np.random.default_rng(seed)
    pick = (np.sort(rng.choice(len(x), MAP_POINTS, replace=False)) if len(x) > MAP_POINTS
            else np.arange(len(x)))
    return {"map": pd.DataFrame({"x": xy[pick, 0], "y": xy[pick, 1], "segment": groups[pick]}),
            "map_explained": explained}
