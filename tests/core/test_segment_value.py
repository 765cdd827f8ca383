"""BG/NBD and Gamma-Gamma fits recover parameters of data simulated from the models."""

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from core.segment import value

TRUE = value.BgNbd(r=0.5, alpha=20.0, a=1.5, b=4.0)


@pytest.fixture(scope="module")
def simulated():
    n = 2000
    T = np.random.default_rng(1).uniform(365, 730, n)
    return value.simulate_bgnbd(TRUE, n, T, seed=3)


def test_bgnbd_recovers_known_parameters(simulated):
    with threadpool_limits(1):
        fit = value.fit_bgnbd(simulated["x"], simulated["t_x"], simulated["T"])
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fit, name) == pytest.approx(getattr(TRUE, name), rel=0.10), name


def test_predictions_behave_like_the_model(simulated):
    # A repeat buyer who ordered yesterday is likely active (BG/NBD keeps the a/(b+x-1) chance
    # of dropping out right after that order); one silent for a year is not.
    x, T = np.array([5.0, 5.0, 0.0]), np.array([400.0, 400.0, 400.0])
    t_x = np.array([399.0, 30.0, 0.0])
    alive = value.p_alive(TRUE, x, t_x, T)
    assert alive[0] == pytest.approx(1 / (1 + 1.5 / 8 * (420 / 419) ** 5.5)) and alive[1] < 0.2 and alive[2] == 1.0
    expected = value.expected_purchases(TRUE, 90, x, t_x, T)
    assert expected[0] > 5 * expected[1]
    # Over the whole base, predicted orders in the next 90 days match a fresh simulation.
    base = value.simulate_bgnbd(TRUE, 20000, 400.0, seed=7, holdout_days=90)
    predicted = value.expected_purchases(TRUE, 90, base["x"], base["t_x"], base["T"])
    assert predicted.mean() == pytest.approx(base["holdout"].mean(), rel=0.05)
    busy = base["x"] >= 5
    assert predicted[busy].mean() == pytest.approx(base.loc[busy, "holdout"].mean(), rel=0.1)


def test_gamma_gamma_recovers_known_parameters():
    rng = np.random.default_rng(5)
    p, q, gamma = 6.0, 4.0, 15.0
    n = 10000
    nu = rng.gamma(q, 1 / gamma, n)
    freq = rng.integers(1, 8, n)
    mean_value = rng.gamma(p * freq, 1 / nu) / freq  # mean of freq orders of Gamma(p, nu)
    with threadpool_limits(1):
        fit = value.fit_gamma_gamma(freq, mean_value)
    assert fit.p == pytest.approx(p, rel=0.10)
    assert fit.q == pytest.approx(q, rel=0.10)
    assert fit.gamma == pytest.approx(gamma, rel=0.10)


def test_predict_value_fills_buyers_and_leaves_non_buyers_empty(simulated):
    sim = simulated.head(300)
    table = pd.DataFrame({
        "frequency": np.r_[sim["x"] + 1, 0],
        "tenure_days": np.r_[sim["T"], np.nan],
        "recency_days": np.r_[sim["T"] - sim["t_x"], np.nan],
        "repeat_order_value": np.r_[np.where(sim["x"] > 0, 40.0, np.nan), np.nan],
    }, index=[f"p{i}" for i in range(len(sim) + 1)])
    with threadpool_limits(1):
        out, params = value.predict_value(table, horizon_days=30)
    assert set(params) == {"bgnbd", "gamma_gamma", "note"} and params["bgnbd"]["modified"]
    assert list(out.columns) == ["expected_orders_90d", "p_active", "lifetime_value",
                                 "churn_risk", "expected_orders_30d", "value_30d"]
    assert out.loc["p300"].isna().all()
    buyers = out.iloc[:-1]
    assert ((buyers["p_active"] > 0) & (buyers["p_active"] < 1)).all()
    assert (buyers["expected_orders_30d"] < buyers["expected_orders_90d"]).all()
    assert np.allclose(buyers["churn_risk"], 1 - buyers["p_active"])
    assert (buyers["lifetime_value"] >= 0).all()
