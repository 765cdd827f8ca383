"""Clustering people into groups: k-means++, Gaussian mixture, Ward hierarchical.

Everything the user needs to judge the number of groups is returned, not just the winner:
elbow (within-group spread), silhouette (on a sample), Calinski-Harabasz, Davies-Bouldin
and, for the mixture, BIC. Silhouette alone picks 2 groups on real data -- too coarse for
personas -- so the proposed number is the elbow inside the range a marketer can use
(3-8 groups, none under 3% of people) -- for the mixture, the lowest BIC there -- with its
reason in plain words. Group labels are renumbered by size (group 1 is the largest) so reruns agree.

scikit-learn is imported by the functions that cluster (half a second): RFM groups and
the map of groups need none of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.jobs import JobContext, ensure_context
from core.segment.threads import limited_threads

METHODS = ("kmeans", "gmm", "hierarchical")
K_RANGE = (2, 10)            # k values measured
USEFUL_K = (3, 8)            # k values a marketer can write personas for
MIN_GROUP_SHARE = 0.03       # smaller groups are too small to address
ELBOW_GAIN = 0.03            # one more group must explain 3% of all differences to be worth it
WARD_SAMPLE = 3000           # Ward needs O(n^2) memory; fit on a sample, assign the rest
SILHOUETTE_SAMPLE = 2000
FIT_SAMPLE = 20_000          # k choice and the mixture are fitted on at most this many people
KMEANS_INITS = 10            # k-means++ starts; the best of them is kept


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Group 0 is the largest; ties broken by the old label so it is deterministic."""
    values, counts = np.unique(labels, return_counts=True)
    order = values[np.lexsort((values, -counts))]
    mapping = np.empty(values.max() + 1, dtype=int)
    mapping[order] = np.arange(len(order))
    return mapping[labels]


def _sample(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted row numbers of a random sample (all rows when there are few)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def _nearest_centre(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return d.argmin(axis=1)


def fit_labels(x: np.ndarray, method: str, k: int, seed: int = 0) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering, KMeans

    """Group number (0 = largest group) for every row of the scaled matrix ``x``."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    k = min(k, len(x))
    with limited_threads():
        if method == "kmeans":
            labels = KMeans(n_clusters=k, init="k-means++", n_init=KMEANS_INITS,
                            random_state=seed).fit_predict(x)
        elif method == "gmm":
            labels = _mixture(x[_sample(len(x), FIT_SAMPLE, seed)], k, seed).predict(x)
        else:
            idx = _sample(len(x), WARD_SAMPLE, seed)
            sample_labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(
                x[idx])
            centres = np.vstack([x[idx][sample_labels == g].mean(axis=0) for g in range(k)])
            labels = _nearest_centre(x, centres)
    return _relabel_by_size(labels)


def _mixture(x: np.ndarray, k: int, seed: int):
    from sklearn.mixture import GaussianMixture

    with limited_threads():
        return GaussianMixture(n_components=k, covariance_type="full", n_init=2,
                               reg_covar=1e-4, random_state=seed).fit(x)


@dataclass
class KChoice:
    """Measures per k, the proposed k and why, in plain words."""

    table: pd.DataFrame  # one row per k: spread, silhouette, CH, DB, (bic), smallest share, gain
    proposed: int
    reason: str


def _spread(x: np.ndarray, labels: np.ndarray) -> float:
    """Within-group sum of squares (the elbow curve)."""
    return float(sum(((x[labels == g] - x[labels == g].mean(axis=0)) ** 2).sum()
                     for g in np.unique(labels)))


def choose_k(x: np.ndarray, method: str = "kmeans", seed: int = 0,
             k_range: tuple[int, int] = K_RANGE, ctx: JobContext | None = None) -> KChoice:
    """Measure every k in ``k_range`` with the chosen method and propose a useful number.

    Each method is judged by its own yardstick: k-means and Ward by the elbow of their
    within-group spread, the mixture by BIC (its fit to the data with a penalty for every
    extra parameter), lowest wins. Big bases are measured on a sample of :data:`FIT_SAMPLE`.
    """
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    ctx = ensure_context(ctx)
    x = x[_sample(len(x), FIT_SAMPLE, seed)]
    sil_idx = _sample(len(x), SILHOUETTE_SAMPLE, seed)
    rows = []
    ks = [k for k in range(k_range[0], k_range[1] + 1) if k < len(x)]
    for i, k in enumerate(ks):
        ctx.progress(i, len(ks), f"Trying {k} groups")
        row = {"k": k}
        if method == "gmm":
            mixture = _mixture(x, k, seed)
            labels = _relabel_by_size(mixture.predict(x))
            row["bic"] = float(mixture.bic(x))
        else:
            labels = fit_labels(x, method, k, seed)
        nan = float("nan")
        several = len(np.unique(labels[sil_idx])) > 1  # a mixture can leave groups empty
        with limited_threads():
            row.update({
                "spread": _spread(x, labels),
                "silhouette": float(silhouette_score(x[sil_idx], labels[sil_idx])) if several
                else nan,
                "calinski_harabasz": float(calinski_harabasz_score(x, labels)) if several
                else nan,
                "davies_bouldin": float(davies_bouldin_score(x, labels)) if several else nan,
                "smallest_share": float(np.bincount(labels).min() / len(labels))})
        rows.append(row)
    ctx.progress(len(ks), len(ks), "Numbers of groups compared")
    table = pd.DataFrame(rows)
    # Share of all differences between people that one more group would explain (the elbow
    # in numbers). Relative to the total, not to the last step: splitting pure noise always
    # tightens groups by a similar fraction, so that would never level off.
    total = float(((x - x.mean(axis=0)) ** 2).sum()) or 1.0
    table["gain_next"] = ((table["spread"] - table["spread"].shift(-1)) / total).fillna(0.0)
    proposed, reason = _propose_bic(table) if method == "gmm" else _propose(table)
    return KChoice(table, proposed, reason)


def _useful(table: pd.DataFrame) -> pd.DataFrame:
    lo, hi = USEFUL_K
    return table[(table["k"] >= lo) & (table["k"] <= hi)
                 & (table["smallest_share"] >= MIN_GROUP_SHARE)]


def _no_useful_k(table: pd.DataFrame) -> tuple[int, str]:
    lo, hi = USEFUL_K
    k = int(table.loc[table["silhouette"].idxmax(), "k"])
    return k, (f"{k} groups: the clearest split. No split into {lo} to {hi} groups keeps "
               f"every group at {MIN_GROUP_SHARE:.0%} of people or more.")


def _propose_bic(table: pd.DataFrame) -> tuple[int, str]:
    """The mixture: lowest BIC among the useful numbers of groups."""
    useful = _useful(table)
    if useful.empty:
        return _no_useful_k(table)
    row = useful.loc[useful["bic"].idxmin()]
    k = int(row["k"])
    lo, hi = USEFUL_K
    return k, (f"{k} groups: the lowest BIC among {lo} to {hi} groups (the mixture that "
               f"explains the people best once every extra group's parameters are paid "
               f"for), and every group holds at least {MIN_GROUP_SHARE:.0%} of people.")


def _propose(table: pd.DataFrame) -> tuple[int, str]:
    """The elbow within the useful range: where one more group stops paying off."""
    hi = USEFUL_K[1]
    useful = _useful(table)
    if useful.empty:
        return _no_useful_k(table)
    flat = useful[useful["gain_next"] < ELBOW_GAIN]
    row = flat.iloc[0] if not flat.empty else useful.iloc[-1]
    k = int(row["k"])
    if flat.empty:
        return k, (f"{k} groups: every extra group still explains clearly more of the "
                   f"differences between people, but more than {hi} groups is hard to write for.")
    return k, (f"{k} groups: one more group would explain only {row['gain_next']:.1%} more of "
               f"the differences between people, and every group holds at least "
               f"{MIN_GROUP_SHARE:.0%} of people.")


def stability(x: np.ndarray, labels: np.ndarray, method: str, k: int, rounds: int = 10,
              seed: int = 0, sample: int = 3000, ctx: JobContext | None = None) -> float:
    """Mean adjusted Rand index between the groups and refits on bootstrap resamples.

    1.0 means every resample finds the same groups; below ~0.6 the groups are fragile.
    """
    from sklearn.metrics import adjusted_rand_score

    ctx = ensure_context(ctx)
    rng = np.random.default_rng(seed)
    n = min(len(x), sample)
    scores = []
    for i in range(rounds):
        ctx.progress(i, rounds, "Checking the groups are stable")
        idx = rng.choice(len(x), n, replace=True)
        refit = fit_labels(x[idx], method, k, seed + i + 1)
        scores.append(adjusted_rand_score(labels[idx], refit))
    return float(np.mean(scores))


def map_2d(x: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Two principal components for the map of groups, and the share of spread each shows:
    scikit-learn's PCA (full SVD, each axis signed so its largest loading is positive)."""
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    vt = vt[:2]
    vt *= np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])[:, None]
    xy = centred @ vt.T
    if xy.shape[1] == 1:
        xy = np.column_stack([xy, np.zeros(len(xy))])
    spread = s**2
    return xy, [float(v) for v in spread[:2] / spread.sum()]


def dendrogram_linkage(x: np.ndarray, sample: int = 150, seed: int = 0) -> np.ndarray:
    """Ward linkage on a small sample, for the dendrogram picture."""
    from scipy.cluster.hierarchy import linkage

    return linkage(x[_sample(len(x), sample, seed)], method="ward")
