"""Holdout check: fit the purchase model up to an as-of date, compare its forecast with what
really happened next.

This is the calibration / holdout test of Fader, Hardie & Lee (2005, figure 4): people are
grouped by their repeat orders before the as-of date, and each group's mean forecast of
repeat orders in the holdout period is set beside the mean they really placed. A model that
is right on the total but wrong for the heavy buyers shows it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.segment.value import BgNbd, expected_purchases

if TYPE_CHECKING:  # matplotlib loads only for a chart: a run draws none
    from matplotlib.figure import Figure

TOP_GROUP = 7            # 0..6 repeat orders each a group, then "7+"
HELD, ROUGH = 0.10, 0.25  # forecast error (share of actual) for "held" and "roughly right"


@dataclass
class HoldoutCheck:
    """Per group: people, mean predicted and mean actual repeat orders; totals; a verdict."""

    table: pd.DataFrame
    days: float
    predicted: float
    actual: float
    verdict: str


def _group_labels(x: np.ndarray) -> np.ndarray:
    capped = np.minimum(x, TOP_GROUP).astype(int)
    return np.where(capped >= TOP_GROUP, f"{TOP_GROUP}+", capped.astype(str))


def holdout_check(model: BgNbd, x, t_x, T, actual, days: float) -> HoldoutCheck:
    """Compare ``model``'s forecast over ``days`` with the ``actual`` orders per person.

    ``x``, ``t_x`` and ``T`` describe each person up to the as-of date (repeat orders,
    first-to-last and first-to-as-of times, in the unit of ``days``).
    """
    x, actual = np.asarray(x, dtype=float), np.asarray(actual, dtype=float)
    predicted = expected_purchases(model, days, x, t_x, T)
    frame = pd.DataFrame({"group": _group_labels(x), "order": np.minimum(x, TOP_GROUP),
                          "predicted": predicted, "actual": actual})
    table = (frame.groupby("order").agg(group=("group", "first"), people=("group", "size"),
                                        predicted=("predicted", "mean"),
                                        actual=("actual", "mean"))
             .reset_index(drop=True))
    total_p, total_a = float(predicted.sum()), float(actual.sum())
    return HoldoutCheck(table, float(days), total_p, total_a,
                        _verdict(table, days, len(x), total_p, total_a))


def _verdict(table: pd.DataFrame, days: float, people: int, predicted: float,
             actual: float) -> str:
    """Plain words: the totals, how far off, what that means for using the figures."""
    text = (f"Over the {days:,.0f} days after the as-of date the model expected "
            f"{predicted:,.0f} repeat orders from the {people:,} customers known then; "
            f"{actual:,.0f} were placed.")
    if actual == 0:
        return text + " Nobody ordered again, so the forecast cannot be judged."
    error = (predicted - actual) / actual
    text += f" The forecast was {abs(error):.0%} {'high' if error > 0 else 'low'}."
    if abs(error) <= HELD:
        text += " It held: expected orders and values can be used for planning."
    elif abs(error) <= ROUGH:
        text += (" Roughly right: good for ranking customers; read the totals as "
                 f"give or take {abs(error):.0%}.")
    else:
        text += (" It missed by more than a quarter: use the figures to rank customers, "
                 "not to plan totals.")
    miss = (table["predicted"] - table["actual"]).abs() * table["people"]
    worst = table.loc[miss.idxmax()]
    return text + (f" Largest miss: people with {worst['group']} repeat orders (expected "
                   f"{worst['predicted']:.2f} each, placed {worst['actual']:.2f}).")


def holdout_figure(check: HoldoutCheck, figure: Figure | None = None) -> Figure:
    """The calibration / holdout chart: mean repeat orders per group, actual against model."""
    from matplotlib.figure import Figure

    fig = figure or Figure(figsize=(5.0, 3.0), dpi=100)
    fig.clear()
    ax = fig.add_subplot()
    t = check.table
    ax.plot(t["group"], t["actual"], marker="o", label="Actual")
    ax.plot(t["group"], t["predicted"], marker="s", linestyle="--", label="Model")
    ax.set_xlabel("Repeat orders before the as-of date", fontsize=8)
    ax.set_ylabel(f"Orders in the next {check.days:,.0f} days\n(mean per person)", fontsize=8)
    ax.set_title("Forecast against what happened", fontsize=9)
    ax.legend(fontsize=8)
    ax.tick_params(labelsize=8)
    fig.subplots_adjust(left=0.16, right=0.97, top=0.88, bottom=0.17)
    return fig
