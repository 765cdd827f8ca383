"""Segments benchmark: feature building, k-means, GMM, sampled silhouette, k choice, value
model and recommendations on synthetic data; prints time, rows/s and peak memory per stage.

    .venv/bin/python bench/segment_bench.py                      # 100,000 persons, 1,000,000 lines
    .venv/bin/python bench/segment_bench.py --persons 1000000 --lines 10000000   # the full size

Sales columns are text, as core.io delivers them, so parsing is part of the measure.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd
from sklearn.metrics import silhouette_score

from core.segment import clustering
from core.segment.features import (
    DEFAULT_MODEL_FEATURES,
    FeatureConfig,
    build_features,
    model_matrix,
)
from core.segment.recommend import recommend_products
from core.segment.threads import limited_threads
from core.segment.value import predict_value


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_data(persons: int, lines: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.char.add("C", np.arange(persons).astype(str))
    crm = pd.DataFrame({"customer_id": ids}, dtype="string")
    activity = rng.gamma(0.8, 1.0, persons)
    who = rng.choice(persons, lines, p=activity / activity.sum())
    day = rng.integers(0, 730, lines)
    products = np.array([f"Product {i}" for i in range(60)])
    product = rng.integers(0, 60, lines)
    sales = pd.DataFrame({
        "order_id": np.char.add("O", np.arange(lines).astype(str)),
        "customer_id": ids[who],
        "order_date": (np.datetime64("2024-01-01") + day.astype("timedelta64[D]")).astype(str),
        "product": products[product],
        "category": np.char.add("Cat ", (product // 6).astype(str)),
        "channel": np.array(["store", "online", "app", "phone"])[rng.integers(0, 4, lines)],
        "discount": np.where(rng.random(lines) < 0.2, "2.50", "0"),
        "amount": np.round(rng.gamma(2.0, 25.0, lines), 2).astype(str),
    }, dtype="string")
    return crm, sales


def stage(name: str, rows: int, fn):
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    print(f"{name:<28} {took:8.2f} s {rows / took:12,.0f} rows/s   peak {peak_mb():8,.0f} MB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"{args.persons:,} persons, {args.lines:,} sales lines")
    crm, sales = stage("make data", args.lines, lambda: make_data(args.persons, args.lines))
    feats = stage("features (from text)", args.lines,
                  lambda: build_features(crm, sales, FeatureConfig()))
    table = feats.table[feats.table["orders"] > 0]
    x = model_matrix(table, DEFAULT_MODEL_FEATURES)
    n = len(x)
    stage("k-means, k=6", n, lambda: clustering.fit_labels(x, "kmeans", 6))
    labels = clustering.fit_labels(x, "kmeans", 6)
    stage("GMM, k=6", n, lambda: clustering.fit_labels(x, "gmm", 6))
    stage("Ward on sample + assign", n, lambda: clustering.fit_labels(x, "hierarchical", 6))
    rng = np.random.default_rng(0)
    idx = rng.choice(n, min(n, clustering.SILHOUETTE_SAMPLE), replace=False)
    with limited_threads():
        stage("silhouette (2,000 sample)", n, lambda: silhouette_score(x[idx], labels[idx]))
    choice = stage("k choice, k=2..10", n, lambda: clustering.choose_k(x, "kmeans"))
    print(f"  proposed k = {choice.proposed}: {choice.reason}")
    stage("BG/NBD + Gamma-Gamma", n, lambda: predict_value(table))
    stage("next products", args.lines, lambda: recommend_products(feats.sales, table.index))


if __name__ == "__main__":
    main()
