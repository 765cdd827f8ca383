"""Demo generator and role detection benchmark (not a test): time, rows/s and peak memory.

Each size runs in a fresh subprocess so its peak memory (ru_maxrss) is its own.
Default sizes: 10,000 and 100,000 people; ``--people 1000000`` gives the 1M-person
CRM (~1.1M rows, XLSX) and ~9-10M sales rows the other benchmarks start from.
CPU seconds are printed beside wall time because the machine may be shared.
Run: ``.venv/bin/python bench/demo_bench.py [--people N ...] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from core.demo import generate
from core.io import read_table
from core.roles import detect_roles
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
cpu0, t = cpu(), time.perf_counter()
summary = generate({out!r}, customers={people}, seed=1)
gen = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
peak_gen, cpu_s = usage.ru_maxrss / 1024, cpu() - cpu0
sales, _ = read_table({out!r} + "/sales.csv")
t = time.perf_counter()
detect_roles(sales)
roles = time.perf_counter() - t
print(json.dumps({{"summary": summary, "generate_s": gen, "peak_mb": peak_gen, "cpu_s": cpu_s,
                  "roles_s": roles}}))
"""


def run(people: int, out: str) -> dict:
    code = CHILD.format(root=str(ROOT), out=out, people=people)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", help="write into this folder instead of a temporary one")
    args = parser.parse_args()
    for people in args.people:
        with tempfile.TemporaryDirectory() as tmp:
            out = args.keep or tmp
            r = run(people, out)
            s = r["summary"]
            rows = s["crm_rows"] + s["sales_rows"]
            files = ", ".join(
                f"{Path(p).name} {Path(p).stat().st_size / 1e6:.1f} MB" for p in s["files"].values()
            )
            print(
                f"{people:>9,} people: {s['crm_rows']:>9,} CRM rows, {s['sales_rows']:>10,} sales rows "
                f"in {r['generate_s']:6.1f} s wall, {r['cpu_s']:6.1f} s CPU "
                f"({rows / r['cpu_s']:,.0f} rows per CPU second), peak {r['peak_mb']:,.0f} MB; "
                f"{files}; detect_roles on the sales {r['roles_s']:.2f} s"
            )


if __name__ == "__main__":
    main()
