"""Benchmark of linking two customer lists and of deduplicating one (not a test).

Makes two lists of N people each from the demo's people generator (households
included): the loyalty list holds 80% of the shop's people with typos, moves, changed
or missing e-mails, phones and birthdays, plus 20% other people. Times
``link_records`` (one-to-one) on shop x loyalty, and ``find_duplicates`` on N records
(half of each list), each in its own process so the peak memory is its own; prints
pairwise precision/recall/F1 against the truth. CPU time is printed beside wall time
because the machine may be shared. ``--files DIR`` also writes the lists
as CSV for ``bench/splink_link.py`` (Splink with DuckDB, run from its own venv).

    .venv/bin/python bench/link_bench.py 100000 1000000 [--files /tmp/linkbench]

Measured on a shared 2-core machine (load 5-13), 1,000,000 x 1,000,000 one-to-one:
LocalReach 639 s wall / 141 s CPU, peak 3.1 GB, F1 0.998 (P 0.9999, R 0.9955);
Splink 5 + DuckDB on the same files in the same session 2,114 s wall / 1,585 s CPU,
peak 19.0 GB, F1 0.983. Dedupe of 1,000,000 records: 702 s wall / 119 s CPU, peak
3.5 GB, F1 0.996.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["customer_id", "first_name", "last_name", "email", "phone", "street", "postcode",
           "city", "date_of_birth"]


def make_lists(n: int, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(shop, loyalty, truth): truth[k] is the shop row of loyalty row k, or -1."""
    from core.demo import noise
    from core.demo.people import add_emails, add_households, addresses, make_people
    from core.demo.spec import load_spec

    spec = load_spec()
    rng = np.random.default_rng(seed)
    total = n + n // 5
    folks = make_people(rng, spec, total)
    add_households(rng, spec, folks, share=0.1)
    add_emails(rng, spec, folks)
    table = pd.DataFrame({"first_name": folks.first, "last_name": folks.last,
                          "email": folks.email, "phone": folks.phone, "street": folks.street,
                          "postcode": folks.postcode, "city": folks.city,
                          "date_of_birth": folks.dob.astype(str)})
    shop = table.iloc[:n].reset_index(drop=True)
    both = rng.choice(n, n - n // 5, replace=False)
    rows = np.r_[both, np.arange(n, total)]
    rows = rows[rng.permutation(len(rows))]
    loyalty = table.iloc[rows].reset_index(drop=True)
    truth = np.where(rows < n, rows, -1)
    u = rng.random((len(loyalty), 7))
    for k, column in enumerate(("first_name", "last_name")):
        hit = np.flatnonzero(u[:, k] < 0.15)
        loyalty.loc[hit, column] = [noise.typo(v, a, b) for v, a, b in
                                    zip(loyalty.loc[hit, column], u[hit, 5], u[hit, 6],
                                        strict=True)]
    moved = np.flatnonzero(u[:, 2] < 0.15)
    for code in np.unique(folks.country[rows[moved]]):
        mine = moved[folks.country[rows[moved]] == code]
        street, city, postcode = addresses(rng, spec["countries"][code], len(mine))
        loyalty.loc[mine, "street"], loyalty.loc[mine, "city"] = street, city
        loyalty.loc[mine, "postcode"] = postcode
    loyalty.loc[u[:, 3] < 0.5, "email"] = ""
    loyalty.loc[u[:, 4] < 0.2, "phone"] = ""
    loyalty.loc[(u[:, 4] > 0.9) & (u[:, 2] >= 0.15), "date_of_birth"] = ""
    shop.insert(0, "customer_id", [f"S{k:07d}" for k in range(n)])
    loyalty.insert(0, "customer_id", [f"L{k:07d}" for k in range(len(loyalty))])
    return shop, loyalty, truth


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_link(n: int, files: str | None) -> None:
    from core.dedupe.link import LinkConfig, link_records

    t0 = time.perf_counter()
    shop, loyalty, truth = make_lists(n)
    made = time.perf_counter() - t0
    if files:
        folder = Path(files)
        folder.mkdir(parents=True, exist_ok=True)
        shop.to_csv(folder / f"shop_{n}.csv", index=False)
        loyalty.assign(true_shop_id=np.where(truth >= 0, "S" + pd.Series(truth).map(
            "{:07d}".format), "")).to_csv(folder / f"loyalty_{n}.csv", index=False)
    start, cpu = time.perf_counter(), time.process_time()
    out, report = link_records(shop, loyalty, None, None,
                               LinkConfig(id_column="customer_id", one_to_one=True))
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = out["matched_id"].to_numpy(dtype=object)
    expect = np.where(truth >= 0, shop["customer_id"].to_numpy(dtype=object)[truth], "")
    linked = found != ""
    tp = int(np.count_nonzero(linked & (found == expect)))
    precision, recall = tp / max(linked.sum(), 1), tp / max(np.count_nonzero(expect != ""), 1)
    print(f"\n== link {n:,} x {len(loyalty):,} (one-to-one); data made in {made:.1f} s")
    print(f"  time {secs:.1f} s (CPU {cpu:.1f} s), peak memory {_peak_mb():,.0f} MB")
    print(f"  by method {report['by_method']}, candidate pairs {report['candidate_pairs']:,}")
    print(f"  precision {precision:.4f}  recall {recall:.4f}  "
          f"F1 {2 * precision * recall / max(precision + recall, 1e-12):.4f}  "
          f"(model expects {report['expected_precision']:.4f} / {report['expected_recall']:.4f})")


def run_dedupe(n: int) -> None:
    from core.dedupe.pipeline import DedupeConfig, find_duplicates

    shop, loyalty, truth = make_lists(n)
    half = n // 2
    table = pd.concat([shop.iloc[:half], loyalty.iloc[:n - half]], ignore_index=True)
    person = np.r_[np.arange(half), np.where(truth[:n - half] >= 0, truth[:n - half],
                                              n + np.arange(n - half))]
    start, cpu = time.perf_counter(), time.process_time()
    out, _, report = find_duplicates(table, None, DedupeConfig(id_column="customer_id"))
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu
    both = pd.DataFrame({"t": person, "f": out["cluster_id"].to_numpy()})

    def pairs(counts):
        return int((counts * (counts - 1) // 2).sum())

    tp = pairs(both.groupby(["t", "f"]).size().to_numpy())
    t, f = pairs(both.groupby("t").size().to_numpy()), pairs(both.groupby("f").size().to_numpy())
    print(f"\n== dedupe {len(table):,} records")
    print(f"  time {secs:.1f} s (CPU {cpu:.1f} s), peak memory {_peak_mb():,.0f} MB, "
          f"candidate pairs {report['candidate_pairs']:,}")
    print(f"  precision {tp / max(f, 1):.4f}  recall {tp / max(t, 1):.4f}  "
          f"F1 {2 * tp / max(t + f, 1):.4f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    files = None
    if "--files" in args:
        files = args[args.index("--files") + 1]
        args = [a for a in args if a not in ("--files", files)]
    if args and args[0] in ("--link", "--dedupe"):
        run_link(int(args[1]), files) if args[0] == "--link" else run_dedupe(int(args[1]))
    else:
        for size in [int(s) for s in args] or [100_000]:
            extra = ["--files", files] if files else []
            subprocess.run([sys.executable, __file__, "--link", str(size), *extra], check=True)
            subprocess.run([sys.executable, __file__, "--dedupe", str(size)], check=True)
