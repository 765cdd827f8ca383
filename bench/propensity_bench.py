"""Purchase propensity on the demo: AUC and top-decile lift, model against recency alone.

    .venv/bin/python bench/propensity_bench.py [--seeds 9] [--customers 1000] [--days 30,90,180]

For each seed and period N, the model is trained on the N days after ``as_of - 2N`` and
judged on the last N days of the two-year demo history (see core/segment/propensity.py);
prints each run, then the mean and range of the AUC gain over recency alone.
"""

from __future__ import annotations

import argparse
import tempfile

import numpy as np

from core.demo import generate
from core.io import read_table
from core.segment.features import FeatureConfig, build_features
from core.segment.propensity import check_propensity, orders_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=9)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--days", default="30,90,180")
    args = parser.parse_args()
    periods = [int(d) for d in args.days.split(",")]
    gains: dict[int, list[float]] = {d: [] for d in periods}
    print("seed  days  people  ordered  AUC model  AUC recency  lift@10% model  lift@10% recency")
    for seed in range(args.seeds):
        folder = tempfile.mkdtemp()
        generate(folder, customers=args.customers, seed=seed)
        crm, _ = read_table(f"{folder}/crm.xlsx")
        sales, _ = read_table(f"{folder}/sales.csv")
        feats = build_features(crm, sales, FeatureConfig())
        orders = orders_table(feats.sales)
        for days in periods:
            c = check_propensity(orders, feats.as_of, days)
            gains[days].append(c.auc - c.baseline_auc)
            print(f"{seed:>4}  {days:>4}  {c.people:>6}  {c.buyers:>7}  {c.auc:>9.3f}  "
                  f"{c.baseline_auc:>11.3f}  {c.top_lift:>14.2f}  {c.baseline_top_lift:>16.2f}",
                  flush=True)
    for days, g in gains.items():
        print(f"{days} days: AUC gain over recency mean {np.mean(g):+.3f}, "
              f"range {min(g):+.3f} .. {max(g):+.3f}, model behind on {sum(x < 0 for x in g)}")


if __name__ == "__main__":
    main()
