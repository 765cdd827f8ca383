"""Quality benchmark (not a test): the report and the default cleaning on a big CRM.

Builds a CRM of ``--rows`` rows (default 1,000,000) from demo customers, tiling them
with per-copy changes so e-mails and phones stay (nearly) all distinct -- the costly
case, since e-mails and phones are validated once per distinct value. Prints time,
rows/s and the peak memory (ru_maxrss) after each phase.
Run: ``.venv/bin/python bench/quality_bench.py --rows 1000000``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.demo import generate  # noqa: E402
from core.io import read_table  # noqa: E402
from core.quality.base import shutdown_workers  # noqa: E402
from core.quality.report import ReportConfig, profile_frame  # noqa: E402
from core.quality.steps import default_steps, run_steps  # noqa: E402
from core.roles import detect_roles  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and of worker processes that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def build_crm(rows: int, base_customers: int, seed: int) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, customers=base_customers, seed=seed)
        base, _ = read_table(Path(tmp) / "crm.xlsx")
    copies = -(-rows // len(base))
    parts = []
    for k in range(copies):
        part = base.copy()
        if k:
            part["customer_id"] = part["customer_id"] + f"-{k}"
            part["email"] = part["email"].str.replace("@", f".{k}@", n=1, regex=False)
            # vary the last digits so most numbers are new distinct values
            part["phone"] = part["phone"].str.replace(r"\d{3}$", f"{k % 1000:03d}", regex=True)
        parts.append(part)
    return pd.concat(parts, ignore_index=True).iloc[:rows].reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--base-customers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    crm = build_crm(args.rows, args.base_customers, args.seed)
    roles = {c: str(g.role) for c, g in detect_roles(crm).items()}
    print(f"built {len(crm):,} rows x {crm.shape[1]} columns in {time.perf_counter() - t0:.1f}s; "
          f"distinct e-mails {crm['email'].nunique():,}, phones {crm['phone'].nunique():,}; "
          f"peak {peak_mb():,.0f} MB")

    t0, c0 = time.perf_counter(), cpu_seconds()
    report = profile_frame(crm, roles, ReportConfig(region="DE"))
    dt = time.perf_counter() - t0
    shutdown_workers()  # so their CPU time is counted (the clean below starts them again)
    print(f"report : {dt:6.1f}s wall  {cpu_seconds() - c0:6.1f} CPU-s  {len(crm) / dt:>9,.0f} rows/s  "
          f"score {report.score_text()}  peak {peak_mb():,.0f} MB")

    steps = default_steps(crm, roles, "DE")
    t0 = time.perf_counter()
    _, reports = run_steps(crm, steps, roles=roles)
    dt = time.perf_counter() - t0
    changed = sum(r.changed_cells for r in reports)
    print(f"clean  : {dt:6.1f}s wall  {len(crm) / dt:>9,.0f} rows/s  {changed:,} cells changed  "
          f"peak {peak_mb():,.0f} MB")
    shutdown_workers()  # so their CPU time is counted
    print(f"report + clean: {cpu_seconds() - c0:.1f} CPU seconds over all processes "
          "(wall time on a shared machine says little)")
    for r in reports:
        print(f"    {r.summary()}")
    print(f"(numpy {np.__version__}, pandas {pd.__version__})")


if __name__ == "__main__":
    main()
