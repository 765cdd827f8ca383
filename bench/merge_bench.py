"""Mail-merge benchmark: N recipients (default 100,000) to .eml, .csv and .docx.

Each format runs in its own process so peak memory (max RSS) is per format.
Prints rows/s for the merge (selection, recommendations, rendering) and the write.

    .venv/bin/python bench/merge_bench.py [--rows 100000] [--formats eml,csv,docx]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.compose.merge import MergeConfig, merge  # noqa: E402
from core.compose.outputs import write  # noqa: E402
from core.compose.template import load_template  # noqa: E402

TEMPLATE = Path(__file__).resolve().parents[1] / "resources" / "templates" / "welcome.txt"
ROLES = {"customer_id": "customer_id", "first_name": "first_name", "email": "email",
         "consent": "consent"}


def data(rows: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    names = np.array(["anna", "Ben", "CLARA", "david", "Eva", "", "Jörg", "o'brien"])
    ids = np.array([f"C{i:07d}" for i in range(rows)])
    crm = pd.DataFrame({
        "customer_id": ids,
        "first_name": names[rng.integers(0, len(names), rows)],
        "email": [f"person{i}@example.org" for i in range(rows)],
        "segment": np.array(["Champions", "At risk", "New", "Loyal"])[rng.integers(0, 4, rows)],
        "consent": np.where(rng.random(rows) < 0.9, "yes", "no"),
    })
    lines = rows * 3
    products = np.array([f"Product {i}" for i in range(60)])
    sales = pd.DataFrame({"customer_id": ids[rng.integers(0, rows, lines)],
                          "product": products[rng.zipf(1.5, lines) % 60]})
    return crm, sales


def one(fmt: str, rows: int) -> None:
    crm, sales = data(rows)
    t0 = time.perf_counter()
    result = merge(crm, ROLES, {"main": load_template(TEMPLATE)}, MergeConfig(), sales=sales)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        names = write(result, Path(tmp) / "out", fmt)
        t2 = time.perf_counter()
        size = sum(p.stat().st_size for p in (Path(tmp) / "out").iterdir()) / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(result.messages)
    print(f"{fmt:5s} {rows:>8,} people  {n:>8,} messages  merge {t1 - t0:6.1f} s "
          f"({n / (t1 - t0):>7,.0f}/s)  write {t2 - t1:6.1f} s ({n / (t2 - t1):>7,.0f}/s)  "
          f"{len(names):>7,} files {size:7.1f} MB  peak {peak:6.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="eml,csv,docx")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.rows)
        return
    for fmt in args.formats.split(","):
        subprocess.run([sys.executable, __file__, "--one", fmt, "--rows", str(args.rows)],
                       check=True)


if __name__ == "__main__":
    main()
