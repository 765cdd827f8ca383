"""Benchmark of the duplicates step on demo CRMs of growing size (not a test).

Builds the demo CRM in memory (as `localreach demo` would write it, without the slow
.xlsx round trip), then times each stage and prints candidate pairs, records/s, peak
memory and pairwise precision/recall/F1 against the demo's truth. Each size runs in
its own process so the peak memory is that size's own.

    .venv/bin/python bench/dedupe_bench.py 10000 100000 1000000
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def demo_crm(people: int, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    from core.demo.crm import CRM_COLUMNS, Crm
    from core.demo.people import add_emails, add_households, make_people
    from core.demo.spec import load_spec

    spec = load_spec()
    rng = np.random.default_rng(seed)
    folks = make_people(rng, spec, people)
    add_households(rng, spec, folks)
    add_emails(rng, spec, folks)
    first_day = rng.integers(18000, 20000, people)
    crm = Crm(rng, spec, folks, first_day)
    rows = [crm.row(r) for r in range(len(crm))]
    frame = pd.DataFrame(rows, columns=CRM_COLUMNS[1:], dtype=object)
    frame.insert(0, CRM_COLUMNS[0], [f"C{k + 100001:07d}" for k in range(len(frame))])
    return frame.astype(str), crm.person_of()


def pairwise(truth: np.ndarray, found: np.ndarray) -> tuple[float, float, float]:
    """Pairwise scores from group sizes: no pair lists, so it works at a million rows."""
    def pairs(counts):
        return int((counts * (counts - 1) // 2).sum())

    both = pd.DataFrame({"t": truth, "f": found})
    tp = pairs(both.groupby(["t", "f"]).size().to_numpy())
    t, f = pairs(both.groupby("t").size().to_numpy()), pairs(both.groupby("f").size().to_numpy())
    return tp / max(f, 1), tp / max(t, 1), 2 * tp / max(t + f, 1)


def run_one(people: int) -> None:
    from core.dedupe.blocking import candidate_pairs
    from core.dedupe.compare import Encoded, compare_pairs
    from core.dedupe.fellegi_sunter import evidence, fit, probability
    from core.dedupe.normalise import normalise
    from core.dedupe.pipeline import DedupeConfig, Scored, group_records, rules_for

    t0 = time.perf_counter()
    df, truth = demo_crm(people)
    times = {"make data": time.perf_counter() - t0}
    start = time.perf_counter()

    def lap(name: str, since: list[float]) -> None:
        now = time.perf_counter()
        times[name] = now - since[0]
        since[0] = now

    clock = [time.perf_counter()]
    features = normalise(df, None, "customer_id")
    enc = Encoded(features)
    lap("normalise", clock)
    blocks = candidate_pairs(features, rules_for(features, DedupeConfig()))
    lap("blocking", clock)
    names, levels = compare_pairs(enc, blocks.left, blocks.right)
    lap("compare", clock)
    model = fit(enc, names, levels)
    lap("learn (EM)", clock)
    weight, conflict = evidence(model, enc, levels, blocks.left)
    scored = Scored(features, enc, blocks.left, blocks.right, names, levels, model, weight,
                    probability(weight), conflict, blocks.counts)
    grouping = group_records(scored, 0.9)
    lap("score + group", clock)
    total = time.perf_counter() - start
    precision, recall, f1 = pairwise(truth, grouping.cluster)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(df)
    print(f"\n== {n:,} records ({people:,} people)")
    for name, secs in times.items():
        print(f"  {name:<14} {secs:8.2f} s")
    print(f"  candidate pairs {len(blocks.left):,} ({len(blocks.left) / n:.1f} per record)")
    for rule in blocks.counts:
        print(f"    {rule['pairs']:>12,}  {rule['rule']}  (skipped groups: {rule['skipped_groups']})")
    print(f"  total (no data making) {total:.2f} s, {n / total:,.0f} records/s")
    print(f"  peak memory {peak_mb:,.0f} MB")
    print(f"  precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        run_one(int(sys.argv[2]))
    else:
        for size in [int(s) for s in sys.argv[1:]] or [10_000, 100_000]:
            subprocess.run([sys.executable, __file__, "--one", str(size)], check=True)
