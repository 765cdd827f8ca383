"""The value model on CDNOW against Fader, Hardie & Lee (2005), through the real pipeline.

CDNOW 1/10 sample: 2,357 people who first bought in the first quarter of 1997; calibration
up to 1997-09-30 (39 weeks), holdout up to 1998-06-30 (39 more). The sales lines carry no
order id, so the pipeline must merge a person's lines of one day into one order to get the
paper's summary (2,457 repeat orders in calibration, 1,882 in the holdout).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from app.cli import main
from core.segment import value
from core.segment.features import FeatureConfig, build_features
from core.segment.holdout import holdout_check, holdout_figure
from core.segment.pipeline import SegmentConfig, segment_customers

DATA = Path(__file__).resolve().parents[1] / "data"
AS_OF, UNTIL = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def cdnow():
    raw = pd.read_csv(DATA / "cdnow_sample.txt", sep=r"\s+", header=None, dtype=str,
                      names=["master_id", "customer_id", "date", "cds", "amount"])
    sales = pd.DataFrame({"customer_id": raw["customer_id"],
                          "order_date": pd.to_datetime(raw["date"]).dt.strftime("%Y-%m-%d"),
                          "amount": raw["amount"]})
    crm = pd.DataFrame({"customer_id": raw["customer_id"].unique()})
    return crm, sales


@pytest.fixture(scope="module")
def weeks(cdnow):
    """(x, t_x, T) in weeks and the repeat-order mean, from the pipeline's own features."""
    table = build_features(*cdnow, FeatureConfig(as_of=AS_OF)).table
    x, t_x, T = value.calibration_inputs(table)
    return x, t_x / 7, T / 7, table["repeat_order_value"].to_numpy(), table


def test_features_reproduce_the_papers_summary(weeks):
    x, t_x, T, _, table = weeks
    assert len(x) == 2357 and x.sum() == 2457 and (x == 0).sum() == 1411
    assert T.max() == pytest.approx(38.857, abs=1e-3) and (t_x <= T).all()


def test_bgnbd_matches_fader_hardie_lee(weeks):
    x, t_x, T, _, _ = weeks
    with threadpool_limits(1):
        fit = value.fit_bgnbd(x, t_x, T)
    published = {"r": 0.2426, "alpha": 4.4136, "a": 0.7930, "b": 2.4261}
    for name, figure in published.items():
        assert getattr(fit, name) == pytest.approx(figure, rel=5e-4), name
    # The 39-week holdout forecast with a < 1 (no clamp): lifetimes' BetaGeoFitter gives
    # 1,653.4 with these parameters; the customers really placed 1,882.
    forecast = value.expected_purchases(fit, 39, x, t_x, T).sum()
    assert forecast == pytest.approx(1653.4, abs=0.5)


def test_gamma_gamma_on_repeat_order_means_matches_the_paper(weeks):
    x, _, _, repeat_value, _ = weeks
    with threadpool_limits(1):
        fit = value.fit_gamma_gamma(x, repeat_value)
    assert (fit.p, fit.q, fit.gamma) == pytest.approx((6.25, 3.74, 15.44), abs=0.006)


def test_one_time_buyers_get_an_honest_chance_of_being_active(weeks):
    x, t_x, T, _, _ = weeks
    with threadpool_limits(1):
        fit = value.fit_bgnbd(x, t_x, T, modified=True)
    # MBG/NBD on CDNOW (lifetimes' ModifiedBetaGeoFitter: r 0.525, alpha 6.183, a 0.891,
    # b 1.614): a one-time buyer may have left straight after the first order.
    assert (fit.r, fit.alpha, fit.a, fit.b) == pytest.approx((0.525, 6.183, 0.891, 1.614),
                                                             abs=0.002)
    alive = value.p_alive(fit, [0, 0], [0, 0], [1, 39])
    odds = fit.a / fit.b * ((fit.alpha + np.array([1, 39])) / fit.alpha) ** fit.r
    assert alive == pytest.approx(1 / (1 + odds)) and alive[1] < alive[0] < 1


def test_holdout_check_in_the_pipeline(cdnow, weeks):
    with threadpool_limits(1):
        out, report = segment_customers(*cdnow, SegmentConfig(as_of=AS_OF, check_until=UNTIL,
                                                              horizon_days=273))
    check = report["holdout"]
    assert check["days"] == 273 and check["actual"] == 1882
    table = check["table"]
    assert table["people"].sum() == 2357 and table["group"].tolist()[-1] == "7+"
    # Mean placed per group, recomputed by hand from the raw lines.
    assert table["actual"].iloc[0] == pytest.approx(
        _holdout_orders(cdnow[1], out, 0).mean())
    # MBG/NBD (the pipeline's model, fitted in days) forecasts 1,576.7 over 273 days.
    assert check["predicted"] == pytest.approx(1576.7, abs=1.0)
    assert check["verdict"].startswith(
        "Over the 273 days after the as-of date the model expected 1,577 repeat orders from "
        "the 2,357 customers known then; 1,882 were placed. The forecast was 16% low. "
        "Roughly right")
    assert out["expected_orders_273d"].sum() == pytest.approx(1576.7, abs=1.0)
    assert (out["recency_days"] >= 0).all() and out["frequency"].sum() == 2357 + 2457
    assert (out.loc[out["frequency"] == 1, "p_active"] < 1).all()
    # Value = expected orders x Gamma-Gamma order value from the repeat orders' mean.
    bg = value.BgNbd(**report["value_model"]["bgnbd"])
    gg = value.GammaGamma(**report["value_model"]["gamma_gamma"])
    x, t_x, T, repeat_value, table = weeks
    worth = pd.Series(value.expected_purchases(bg, 273, x, t_x * 7, T * 7)
                      * value.expected_order_value(gg, x, repeat_value), table.index)
    assert np.allclose(out["value_273d"], worth.loc[out["customer_id"]], atol=0.006)
    fig = holdout_figure(holdout_check(value.BgNbd(**report["value_model"]["bgnbd"]),
                                       [0, 1], [0, 5], [10, 10], [0, 1], 30))
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["Actual", "Model"]


def _holdout_orders(sales: pd.DataFrame, out: pd.DataFrame, repeats: int) -> pd.Series:
    later = sales[(sales["order_date"] > AS_OF) & (sales["order_date"] <= UNTIL)]
    days = later.drop_duplicates(["customer_id", "order_date"])["customer_id"].value_counts()
    group = out.loc[out["frequency"] == repeats + 1, "customer_id"]
    return days.reindex(group, fill_value=0)


def test_cli_check_until_prints_the_verdict(cdnow, tmp_path, capsys):
    crm, sales = cdnow
    crm.to_csv(tmp_path / "crm.csv", index=False)
    sales.to_csv(tmp_path / "sales.csv", index=False)
    out = tmp_path / "out.csv"
    assert main(["segment", str(tmp_path / "crm.csv"), "--sales", str(tmp_path / "sales.csv"),
                 "-o", str(out), "--as-of", AS_OF, "--check-until", UNTIL]) == 0
    text = capsys.readouterr().out
    assert "1,882 were placed" in text and "7+ |  " in text
    bad = tmp_path / "bad.csv"
    assert main(["segment", str(tmp_path / "crm.csv"), "--sales", str(tmp_path / "sales.csv"),
                 "-o", str(bad), "--check-until", UNTIL]) == 2 and not bad.exists()
    assert capsys.readouterr().err.strip() == (
        "localreach segment: A holdout check needs an as-of date: the model is fitted on the "
        "orders up to it and checked on the orders after it.")
