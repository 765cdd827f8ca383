"""Clustering on well-separated synthetic groups: every method finds them, k is proposed."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from core.segment import clustering


@pytest.fixture(scope="module")
def blobs():
    x, y = make_blobs(n_samples=[300, 200, 150, 100], n_features=3, cluster_std=0.6,
                      center_box=(-12, 12), random_state=3)
    return x, y


@pytest.mark.parametrize("method", clustering.METHODS)
def test_every_method_finds_the_groups_largest_first(blobs, method):
    x, y = blobs
    with threadpool_limits(1):
        labels = clustering.fit_labels(x, method, 4)
    assert adjusted_rand_score(y, labels) == pytest.approx(1.0)
    assert np.bincount(labels).tolist() == [300, 200, 150, 100]


@pytest.mark.parametrize("method", ["kmeans", "hierarchical"])
def test_k_is_proposed_where_more_groups_stop_helping(blobs, method):
    x, _ = blobs
    with threadpool_limits(1):
        choice = clustering.choose_k(x, method)
    row = choice.table.set_index("k").loc[4]
    assert choice.proposed == 4 and "bic" not in choice.table
    assert row["gain_next"] < clustering.ELBOW_GAIN
    assert choice.table.loc[choice.table["silhouette"].idxmax(), "k"] == 4
    assert choice.reason == ("4 groups: one more group would explain only "
                             f"{row['gain_next']:.1%} more of the differences between people, "
                             "and every group holds at least 3% of people.")


def test_the_mixture_proposes_the_lowest_bic(blobs):
    x, _ = blobs
    with threadpool_limits(1):
        choice = clustering.choose_k(x, "gmm")
    useful = choice.table[choice.table["k"].between(3, 8)]
    assert choice.proposed == 4 == useful.loc[useful["bic"].idxmin(), "k"]
    assert choice.reason.startswith("4 groups: the lowest BIC among 3 to 8 groups")


def test_stability_map_and_dendrogram(blobs):
    x, _ = blobs
    with threadpool_limits(1):
        labels = clustering.fit_labels(x, "kmeans", 4)
        stable = clustering.stability(x, labels, "kmeans", 4, rounds=3)
        noise = np.random.default_rng(0).normal(size=(300, 3))
        fragile = clustering.stability(noise, clustering.fit_labels(noise, "kmeans", 6),
                                       "kmeans", 6, rounds=3)
    assert stable == pytest.approx(1.0) and fragile < 0.8
    xy, explained = clustering.map_2d(x)
    assert xy.shape == (750, 2) and explained[0] >= explained[1]
    assert clustering.dendrogram_linkage(x, sample=100).shape == (99, 4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_map_is_scikit_learns_pca(seed):
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(5_000, 6)) @ rng.normal(size=(6, 6))  # correlated features
    xy, explained = clustering.map_2d(x)
    pca = PCA(n_components=2, svd_solver="full").fit(x)
    theirs = pca.transform(x)
    signs = np.sign((xy * theirs).sum(axis=0))  # an axis may point the other way
    np.testing.assert_allclose(xy, theirs * signs, atol=1e-8)
    np.testing.assert_allclose(explained, pca.explained_variance_ratio_, rtol=1e-10)
    one, share = clustering.map_2d(x[:, :1])
    assert one.shape == (5_000, 2) and not one[:, 1].any() and share == [pytest.approx(1.0)]


def test_rfm_groups_import_no_scikit_learn():
    import subprocess
    import sys

    code = ("import sys; from core.segment import pipeline; from core.steps import segment; "
            "print(sorted(m for m in sys.modules if m.startswith('sklearn')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

