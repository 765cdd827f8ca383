"""Cluster recovery on the demo: adjusted Rand index against the generator's true behaviours.

    .venv/bin/python bench/segment_ari_bench.py [--seeds 5] [--customers 1000]

For each seed and method, the ARI at the true number of behaviours (6) and at the number
``choose_k`` proposes, for the default features and for log recency / frequency / money
alone; prints mean and range over the seeds. The CRM gets the true person as cluster_id
(deduplication at its best), so only the segmentation is measured.
"""

from __future__ import annotations

import argparse
import tempfile

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from core.demo import generate
from core.io import read_table
from core.segment import clustering
from core.segment.features import (
    DEFAULT_MODEL_FEATURES,
    FeatureConfig,
    build_features,
    model_matrix,
)

TRUE_K = 6
FEATURE_SETS = {"default": list(DEFAULT_MODEL_FEATURES),
                "log R, F, M": ["recency_days", "frequency", "monetary"]}


def demo_buyers(seed: int, customers: int) -> tuple[pd.DataFrame, pd.Index]:
    """The demo's feature table for people with orders, and their true behaviour."""
    folder = tempfile.mkdtemp()
    generate(folder, customers=customers, seed=seed)
    crm, _ = read_table(f"{folder}/crm.xlsx")
    sales, _ = read_table(f"{folder}/sales.csv")
    truth = pd.read_csv(f"{folder}/truth.csv", dtype=str)
    crm["cluster_id"] = crm["customer_id"].map(dict(zip(truth["customer_id"],
                                                        truth["person_id"], strict=True)))
    table = build_features(crm, sales, FeatureConfig()).table
    table = table[table["orders"] > 0]
    behaviour = dict(zip(truth["person_id"], truth["behaviour"], strict=True))
    return table, table.index.map(behaviour)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--customers", type=int, default=1000)
    args = parser.parse_args()
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for seed in range(args.seeds):
        table, truth = demo_buyers(seed, args.customers)
        for name, features in FEATURE_SETS.items():
            x = model_matrix(table, features)
            for method in clustering.METHODS:
                k = clustering.choose_k(x, method).proposed
                results.setdefault((name, method), []).append((
                    adjusted_rand_score(truth, clustering.fit_labels(x, method, TRUE_K)),
                    adjusted_rand_score(truth, clustering.fit_labels(x, method, k)), k))
    print(f"ARI over {args.seeds} demo seeds: mean (min-max)")
    for (name, method), rows in results.items():
        a = np.array(rows)
        print(f"{name:>12} {method:>12}  true k: {a[:, 0].mean():.3f} "
              f"({a[:, 0].min():.3f}-{a[:, 0].max():.3f})  proposed: {a[:, 1].mean():.3f} "
              f"({a[:, 1].min():.3f}-{a[:, 1].max():.3f}), k = {a[:, 2].astype(int).tolist()}")


if __name__ == "__main__":
    main()
