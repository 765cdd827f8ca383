"""Predicted value per person: BG/NBD purchases and "still active", Gamma-Gamma order value.

Fitted here with scipy (``lifetimes`` is unmaintained). Time is measured in days. Inputs
per person: ``x`` repeat orders (orders - 1), ``t_x`` days from first to last order,
``T`` days from first order to the analysis date, ``m`` average order value.
Lifetime value is expected orders over the next 365 days times expected order value,
undiscounted -- a figure a marketer can compare between groups, not an accounting value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from core.jobs import JobContext, ensure_context
from core.segment.threads import limited_threads

HORIZON_DAYS = 90
CLV_DAYS = 365
FIT_SAMPLE = 50_000  # people the models are fitted on; predictions cover everyone


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float


def _bgnbd_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> float:
    r, alpha, a, b = np.exp(params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-12))
                      - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> BgNbd:
    """Maximum-likelihood BG/NBD parameters."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    start = np.log([1.0, max(float(np.mean(T)), 1.0) / 10, 1.0, 1.0])
    with limited_threads():
        res = minimize(lambda p: -_bgnbd_loglik(p, x, t_x, T), start, method="L-BFGS-B",
                       bounds=[(-8, 8)] * 4)
    return BgNbd(*(float(v) for v in np.exp(res.x)))


def _alive_odds(m: BgNbd, x, t_x, T):
    """a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x) for repeat buyers, 0 for one-off buyers."""
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = (m.a / np.maximum(m.b + x - 1, 1e-12)) * np.exp(
            (m.r + x) * (np.log(m.alpha + T) - np.log(m.alpha + t_x)))
    return np.where(x > 0, odds, 0.0)


def p_alive(m: BgNbd, x, t_x, T) -> np.ndarray:
    """Probability the person is still an active customer."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return 1.0 / (1.0 + _alive_odds(m, x, t_x, T))


def expected_purchases(m: BgNbd, days: float, x, t_x, T) -> np.ndarray:
    """Expected number of orders in the next ``days`` days."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    a = max(m.a, 1.0 + 1e-6)  # the closed form needs a > 1
    z = days / (m.alpha + T + days)
    head = (a + m.b + x - 1) / (a - 1)
    tail = 1 - ((m.alpha + T) / (m.alpha + T + days)) ** (m.r + x) * hyp2f1(
        m.r + x, m.b + x, a + m.b + x - 1, z)
    return head * tail / (1.0 + _alive_odds(m, x, t_x, T))


def fit_gamma_gamma(frequency: np.ndarray, value: np.ndarray) -> GammaGamma:
    """Gamma-Gamma spend model on people with at least one order of positive value."""
    f, v = np.asarray(frequency, dtype=float), np.asarray(value, dtype=float)
    keep = (f > 0) & (v > 0)
    f, v = f[keep], v[keep]

    def nll(params):
        p, q, g = np.exp(params)
        px = p * f
        return -float(np.sum(gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
                             + (px - 1) * np.log(v) + px * np.log(f) - (px + q) * np.log(g + f * v)))

    with limited_threads():
        res = minimize(nll, np.log([1.0, 2.0, max(float(np.mean(v)), 1.0)]), method="L-BFGS-B",
                       bounds=[(-8, 10)] * 3)
    return GammaGamma(*(float(val) for val in np.exp(res.x)))


def expected_order_value(m: GammaGamma, frequency, value) -> np.ndarray:
    """Expected value of a future order, shrunk towards the base average for few orders."""
    f, v = np.asarray(frequency, dtype=float), np.asarray(value, dtype=float)
    q = max(m.q, 1.0 + 1e-6)
    return (m.p * (m.gamma + f * v)) / (m.p * f + q - 1)


def predict_value(table: pd.DataFrame, ctx: JobContext | None = None
                  ) -> tuple[pd.DataFrame, dict]:
    """Per-person expected orders (90 days), chance still active, lifetime value, churn risk.

    ``table`` needs ``frequency``, ``tenure_days``, ``recency_days`` and ``avg_order_value``
    (people without orders get empty values). Returns the columns and the fitted parameters.
    """
    ctx = ensure_context(ctx)
    buyers = table[table["frequency"].fillna(0) > 0]
    out = pd.DataFrame(index=table.index, columns=["expected_orders_90d", "p_active",
                                                   "lifetime_value", "churn_risk"], dtype=float)
    if len(buyers) < 20:
        return out, {}
    ctx.progress(0, 2, "Fitting purchase model")
    x = buyers["frequency"].to_numpy() - 1
    T = buyers["tenure_days"].to_numpy()
    t_x = T - buyers["recency_days"].to_numpy()
    fit = (np.sort(np.random.default_rng(0).choice(len(x), FIT_SAMPLE, replace=False))
           if len(x) > FIT_SAMPLE else slice(None))
    bg = fit_bgnbd(x[fit], t_x[fit], T[fit])
    ctx.progress(1, 2, "Fitting order value model")
    gg = fit_gamma_gamma(buyers["frequency"].to_numpy()[fit],
                         buyers["avg_order_value"].to_numpy()[fit])
    alive = p_alive(bg, x, t_x, T)
    value = expected_order_value(gg, buyers["frequency"].to_numpy(),
                                 buyers["avg_order_value"].to_numpy())
    out.loc[buyers.index, "expected_orders_90d"] = expected_purchases(bg, HORIZON_DAYS, x, t_x, T)
    out.loc[buyers.index, "p_active"] = alive
    out.loc[buyers.index, "lifetime_value"] = expected_purchases(bg, CLV_DAYS, x, t_x, T) * value
    out.loc[buyers.index, "churn_risk"] = 1.0 - alive
    ctx.progress(2, 2, "Value predicted")
    return out, {"bgnbd": asdict(bg), "gamma_gamma": asdict(gg)}


def simulate_bgnbd(m: BgNbd, n: int, T: np.ndarray | float, seed: int = 0,
                   holdout_days: float = 0.0) -> pd.DataFrame:
    """Draw (x, t_x, T) for ``n`` people from the BG/NBD story; for tests and benchmarks.

    ``holdout`` counts the orders in the ``holdout_days`` after ``T``, to check predictions.
    """
    rng = np.random.default_rng(seed)
    lam = rng.gamma(m.r, 1.0 / m.alpha, n)
    drop = rng.beta(m.a, m.b, n)
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,))
    x, t_x, holdout = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    t = np.zeros(n)
    while alive.any():
        t[alive] += rng.exponential(1.0 / lam[alive])
        alive &= t <= T + holdout_days
        before = alive & (t <= T)
        x[before] += 1
        t_x[before] = t[before]
        holdout[alive & ~before] += 1
        alive &= rng.random(n) >= drop
    return pd.DataFrame({"x": x, "t_x": t_x, "T": T, "holdout": holdout})
