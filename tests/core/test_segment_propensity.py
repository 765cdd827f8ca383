"""Purchase propensity: exact features and labels at a cut-off, tie-fair lift, and the
model against recency alone on the demo's held-out last 90 days."""

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from core.compose.merge import MergeConfig, merge
from core.compose.rules import Rule, RuleBlock
from core.compose.template import parse_template
from core.demo import generate
from core.io import read_table
from core.segment.features import FeatureConfig, build_features, orders_table
from core.segment.pipeline import SegmentConfig, segment_customers
from core.segment.propensity import (
    bought,
    check_propensity,
    expected_hits,
    history,
    lift_figure,
    lift_table,
)

DAYS = 90


def test_history_and_label_at_a_cut_off_are_exact():
    orders = pd.DataFrame({
        "person": [0, 0, 0, 1, 2],
        "date": pd.to_datetime(["2024-04-20", "2025-02-01", "2025-03-20", "2025-01-10",
                                "2025-04-15"]),
        "amount": [10.0, 20.0, 30.0, 50.0, 5.0],
    })
    cut = pd.Timestamp("2025-04-01")
    x = history(orders, cut, 30)
    assert list(x.index) == [0, 1]  # person 2's first order comes after the cut-off
    assert x.loc[0].to_dict() == {
        "recency_days": 12.0, "frequency": 3.0, "monetary": 60.0, "tenure_days": 346.0,
        "avg_order_value": 20.0, "mean_days_between": 167.0, "orders_last_period": 1.0,
        "orders_last_year": 3.0, "orders_same_period_last_year": 1.0}  # 2024-04-20: in the
    # 30 days a year before the 30 days to forecast
    assert x.loc[1, "orders_last_year"] == 1.0 and x.loc[1, "orders_last_period"] == 0.0
    assert list(bought(orders, pd.Index([0, 1, 2]), cut, 30)) == [0, 0, 1]


def test_ties_are_broken_at_random_in_expectation():
    y, score = np.array([1, 0, 1, 0]), np.array([3.0, 2.0, 2.0, 1.0])
    assert list(expected_hits(y, score, np.array([0, 1, 2, 3, 4]))) == [0, 1, 1.5, 2, 2]
    # Everyone tied: every tenth holds the base rate, a lift of exactly 1.
    y = np.tile([1, 0, 0, 0], 25)
    table = lift_table(y, np.zeros(100), np.zeros(100))
    assert np.allclose(table["lift"], 1.0) and np.allclose(table["baseline_rate"], 0.25)


def _demo(seed: int, folder):
    generate(folder, customers=1000, seed=seed)
    crm, _ = read_table(folder / "crm.xlsx")
    sales, _ = read_table(folder / "sales.csv")
    return crm, sales


# Measured at 90 days (bench/propensity_bench.py): AUC model / recency, lift at the top
# tenth model / recency. Nothing here is tuned: the model must rank at least as well as
# recency on every seed, by AUC and at the top tenth.
@pytest.mark.parametrize("seed", [
    pytest.param(0, id="seed0-auc-0.854-vs-0.817-lift-1.97-vs-1.65"),
    pytest.param(1, id="seed1-auc-0.835-vs-0.795-lift-1.73-vs-1.47"),
    pytest.param(2, id="seed2-auc-0.861-vs-0.815-lift-1.90-vs-1.49"),
])
def test_model_ranks_buyers_at_least_as_well_as_recency(seed, tmp_path):
    crm, sales = _demo(seed, tmp_path)
    feats = build_features(crm, sales, FeatureConfig())
    with threadpool_limits(1):
        check = check_propensity(orders_table(feats.sales), feats.as_of, DAYS)
    assert (check.train_cut, check.check_cut) == ("2025-07-04", "2025-10-02")
    assert check.auc >= check.baseline_auc
    assert check.top_lift >= check.baseline_top_lift
    assert check.lift["people"].sum() == check.people
    assert check.lift["buyers"].sum() == pytest.approx(check.buyers)
    assert lift_figure(check).axes[0].get_title() == "Who bought: model against recency"


def test_segment_step_adds_the_chance_without_peeking_and_rules_can_use_it(tmp_path):
    crm, sales = _demo(3, tmp_path)
    config = SegmentConfig(as_of="2025-09-30", propensity_days=DAYS)
    with threadpool_limits(1):
        out, report = segment_customers(crm, sales, config)
        cut_sales = sales[sales["order_date"] <= "2025-09-30"]
        same, _ = segment_customers(crm, cut_sales, config)
    chance = out["buy_probability_90d"]
    assert chance.equals(same["buy_probability_90d"])  # later orders change nothing
    buyers = out["frequency"].notna()
    assert chance[buyers].between(0, 1).all() and chance[~buyers].isna().all()
    assert report["propensity"]["check_cut"] == "2025-07-02"
    assert report["propensity"]["auc"] >= report["propensity"]["baseline_auc"]
    block = RuleBlock("offer", (Rule("buy_probability_90d", ">=", "0.5", "Soon again?"),),
                      otherwise="We miss you.")
    frame = out.assign(consent="yes").head(40)
    result = merge(frame, {"email": "email", "consent": "consent"},
                   {"main": parse_template("Subject: Hi\n\n{{ offer }}\n")},
                   MergeConfig(
                       blocks=(block.to_dict(),)))
    texts = {m.row: m.text for m in result.messages}
    assert texts and all(texts[row] == ("Soon again?\n" if frame.loc[row, "buy_probability_90d"]
                                        >= 0.5 else "We miss you.\n") for row in texts)
