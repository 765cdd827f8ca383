"""Purchase propensity: the chance that each customer orders in the next N days.

A gradient-boosting model learns from the past how a customer's history (recency, orders,
spend, rhythm, orders in the last N days and in the same N days a year earlier) predicts
an order in the following N days. Everything is split by time, never at random:

- the check: features up to ``as_of - 2N``, labels from the next N days -> a model;
  that model scores everyone at ``as_of - N`` and is judged on the last N days before
  ``as_of`` (the held-out period), beside ranking people by recency alone;
- the forecast: features up to ``as_of - N``, labels from the last N days -> a model,
  applied to everyone's history up to ``as_of``.

The probabilities are model estimates; AUC and lift say how far to trust their order.
A period needs twice its length of history; on the two-year demo the 180-day model, learnt
from one year, is no better than recency alone (bench/propensity_bench.py), and the
verdict says so whenever recency ranks better.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.errors import LocalReachError
from core.segment.threads import limited_threads

if TYPE_CHECKING:  # loaded only when a propensity is asked for or its chart drawn
    from matplotlib.figure import Figure
    from sklearn.ensemble import HistGradientBoostingClassifier

YEAR = 365
DECILES = 10
FIT_SAMPLE = 200_000  # people a model is trained on; scores cover everyone
MIN_PEOPLE = 20
# Small trees, a slow learning rate and large leaves: a shop's base is often a thousand
# people, and scikit-learn's defaults (31 leaves of 20) then learn noise. On demo seeds 0-8
# (90 days) the defaults came out -0.003 to +0.040 AUC against recency alone, these
# +0.023 to +0.059 (bench/propensity_bench.py).
MODEL = {"max_leaf_nodes": 8, "learning_rate": 0.05, "min_samples_leaf": 40,
         "l2_regularization": 1.0}


def column_name(days: int) -> str:
    return f"buy_probability_{days}d"


@dataclass
class PropensityCheck:
    """How the model did on the held-out period, beside ranking by recency alone."""

    days: int
    train_cut: str
    check_cut: str
    people: int                # scored at the check cut-off (they had ordered by then)
    buyers: int                # of them, ordered in the held-out period
    auc: float
    baseline_auc: float
    lift: pd.DataFrame         # per decile: people, buyers, rate, lift (ours and recency)
    verdict: str

    @property
    def top_lift(self) -> float:
        return float(self.lift["lift"].iloc[0])

    @property
    def baseline_top_lift(self) -> float:
        return float(self.lift["baseline_lift"].iloc[0])


def history(orders: pd.DataFrame, cut: pd.Timestamp, days: int) -> pd.DataFrame:
    """Features per person from the orders up to ``cut`` (people with an order by then)."""
    past = orders[orders["date"] <= cut]
    by = past.groupby("person")
    first, last, count = by["date"].min(), by["date"].max(), by.size().astype(float)
    age = (cut - past["date"]).dt.days
    out = pd.DataFrame({
        "recency_days": (cut - last).dt.days.astype(float),
        "frequency": count,
        "monetary": by["amount"].sum(),
        "tenure_days": (cut - first).dt.days.astype(float),
    })
    out["avg_order_value"] = out["monetary"] / count
    out["mean_days_between"] = ((last - first).dt.days / (count - 1).clip(lower=1)).where(
        count > 1, out["tenure_days"])
    for name, lo, hi in (("orders_last_period", 0, days), ("orders_last_year", 0, YEAR),
                         ("orders_same_period_last_year", YEAR - days, YEAR)):
        inside = (age >= lo) & (age < hi)
        out[name] = inside.groupby(past["person"]).sum().astype(float)
    if "discount" in past:
        out["discount_share"] = by["discount"].mean().astype(float)
    return out


def bought(orders: pd.DataFrame, people: pd.Index, cut: pd.Timestamp, days: int) -> np.ndarray:
    """1 for each person with an order in the ``days`` after ``cut``, else 0."""
    window = orders[(orders["date"] > cut) & (orders["date"] <= cut + pd.Timedelta(days=days))]
    return people.isin(window["person"].unique()).astype(int)


def _fit(x: pd.DataFrame, y: np.ndarray, seed: int) -> HistGradientBoostingClassifier:
    if len(x) < MIN_PEOPLE or y.min() == y.max():
        raise LocalReachError(
            "Too little history to learn who buys again: at least "
            f"{MIN_PEOPLE} customers are needed, some who ordered in the period and some "
            "who did not. Try a shorter or longer period (--propensity-days).")
    if len(x) > FIT_SAMPLE:
        pick = np.sort(np.random.default_rng(seed).choice(len(x), FIT_SAMPLE, replace=False))
        x, y = x.iloc[pick], y[pick]
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(**MODEL, random_state=seed)
    with limited_threads():
        return model.fit(x, y)


def _score(model: HistGradientBoostingClassifier, x: pd.DataFrame) -> np.ndarray:
    with limited_threads():
        return model.predict_proba(x)[:, 1]


def expected_hits(y: np.ndarray, score: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Buyers among the ``k`` best-scored people, ties broken at random (their expectation).

    Within a run of equal scores every place is equally likely to hold a buyer, so the
    expectation grows linearly across the run: a recency ranking full of ties is judged
    fairly, not by the order the rows happen to be in.
    """
    order = np.argsort(-score, kind="stable")
    s, hits = score[order], np.cumsum(y[order])
    ends = np.r_[np.flatnonzero(s[1:] != s[:-1]) + 1, len(s)]
    return np.interp(k, np.r_[0, ends], np.r_[0, hits[ends - 1]])


def lift_table(y: np.ndarray, score: np.ndarray, baseline: np.ndarray) -> pd.DataFrame:
    """Per decile of people (best scores first): buyers, rate and lift over the base rate."""
    y = np.asarray(y, dtype=float)
    bounds = np.round(np.linspace(0, len(y), DECILES + 1)).astype(int)
    people = np.diff(bounds)
    rate = y.mean()
    table = pd.DataFrame({"decile": np.arange(1, DECILES + 1), "people": people})
    for prefix, s in (("", score), ("baseline_", baseline)):
        found = np.diff(expected_hits(y, np.asarray(s, dtype=float), bounds))
        table[f"{prefix}buyers"] = found
        table[f"{prefix}rate"] = np.divide(found, people, out=np.zeros(DECILES),
                                           where=people > 0)
        table[f"{prefix}lift"] = table[f"{prefix}rate"] / rate if rate else 0.0
    return table


def _cuts(orders: pd.DataFrame, as_of: pd.Timestamp, days: int) -> tuple:
    if not 1 <= days <= 3650:
        raise LocalReachError(f"The propensity period must be 1-3650 days, not {days}.")
    check, train = as_of - pd.Timedelta(days=days), as_of - pd.Timedelta(days=2 * days)
    if len(orders) == 0 or orders["date"].min() > train:
        raise LocalReachError(
            f"A {days}-day purchase forecast is learnt from the orders before "
            f"{train.date().isoformat()} and checked on the {days} days before the as-of "
            "date; the sales history starts later. Use a shorter period.")
    return train, check


def check_propensity(orders: pd.DataFrame, as_of: pd.Timestamp, days: int,
                     seed: int = 0) -> PropensityCheck:
    """Train at ``as_of - 2N``, score at ``as_of - N``, judge on the last N days."""
    train, cut = _cuts(orders, as_of, days)
    x_train = history(orders, train, days)
    model = _fit(x_train, bought(orders, x_train.index, train, days), seed)
    x = history(orders, cut, days)
    y = bought(orders, x.index, cut, days)
    if y.min() == y.max():
        raise LocalReachError(f"In the last {days} days before the as-of date "
                              f"{'everybody' if y.min() else 'nobody'} ordered, so the "
                              "forecast cannot be checked. Use another period.")
    score, recency = _score(model, x), -x["recency_days"].to_numpy()
    from sklearn.metrics import roc_auc_score

    auc, base_auc = float(roc_auc_score(y, score)), float(roc_auc_score(y, recency))
    lift = lift_table(y, score, recency)
    check = PropensityCheck(days, train.date().isoformat(), cut.date().isoformat(), len(x),
                            int(y.sum()), auc, base_auc, lift, "")
    check.verdict = _verdict(check)
    return check


def predict_propensity(orders: pd.DataFrame, as_of: pd.Timestamp, days: int,
                       seed: int = 0) -> pd.Series:
    """Chance of an order in the ``days`` after ``as_of``, per person code with orders."""
    _, cut = _cuts(orders, as_of, days)
    x_train = history(orders, cut, days)
    model = _fit(x_train, bought(orders, x_train.index, cut, days), seed)
    x = history(orders, as_of, days)
    return pd.Series(_score(model, x), index=x.index, name=column_name(days))


def _verdict(c: PropensityCheck) -> str:
    """Plain words: what was checked, how well, and against what."""
    text = (f"Checked on the {c.days} days after {c.check_cut}: of {c.people:,} customers, "
            f"{c.buyers:,} ordered ({c.buyers / c.people:.0%}). The tenth the model ranked "
            f"highest ordered {c.top_lift:.1f} times as often as average (recency alone: "
            f"{c.baseline_top_lift:.1f}). Of a customer who ordered and one who did not, it "
            f"ranked the buyer higher {c.auc:.0%} of the time (recency alone: "
            f"{c.baseline_auc:.0%}; 50% is guessing).")
    if c.auc < c.baseline_auc:
        return text + (" Days since the last order ranked better than the model on this "
                       "base: sort by recency rather than by the chance.")
    return text + " Use the chance to rank customers; read it as an estimate, not a promise."


def lift_figure(check: PropensityCheck, figure: Figure | None = None) -> Figure:
    """The lift chart: how much more often each tenth of customers ordered than average."""
    from matplotlib.figure import Figure

    fig = figure or Figure(figsize=(5.0, 3.0), dpi=100)
    fig.clear()
    ax = fig.add_subplot()
    t = check.lift
    width = 0.4
    ax.bar(t["decile"] - width / 2, t["lift"], width, label="Model")
    ax.bar(t["decile"] + width / 2, t["baseline_lift"], width, label="Recency alone")
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle=":", label="Average")
    ax.set_xticks(t["decile"])
    ax.set_xlabel("Tenth of customers, highest chance first", fontsize=8)
    ax.set_ylabel(f"Ordered in the next {check.days} days\n(times the average)", fontsize=8)
    ax.set_title("Who bought: model against recency", fontsize=9)
    ax.legend(fontsize=8)
    ax.tick_params(labelsize=8)
    fig.subplots_adjust(left=0.16, right=0.97, top=0.88, bottom=0.17)
    return fig
