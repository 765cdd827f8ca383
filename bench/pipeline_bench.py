"""`localreach run` end to end on demo data: time per step, total, peak memory.

The full size is 1,000,000 CRM rows with their sales (the demo generator gives about
7 sales lines per CRM row; ``--sales-per-row 10`` tops the sales file up to 10 by
repeating orders under new order ids, for the 10,000,000-line target). ``--scale``
runs a fraction of it:

    .venv/bin/python bench/pipeline_bench.py --scale 0.01     # 10,000 CRM rows
    .venv/bin/python bench/pipeline_bench.py                  # 1,000,000 CRM rows

The pipeline runs as a child process (`localreach run ...` through
``bench/_step_meter.py``) so its memory is measured on its own: the peak of each step
(VmHWM, reset between steps) and of the whole run (ru_maxrss of the child).
``--keep DIR`` keeps the generated data and reuses it on the next run with the same
DIR; ``--profile N`` runs the child under cProfile and prints its N costliest functions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.demo import generate  # noqa: E402

FULL_CRM_ROWS = 1_000_000
CRM_ROWS_PER_PERSON = 1.16  # the demo's duplicates add about 16% records


def top_up_sales(path: Path, per_row: float, crm_rows: int) -> int:
    """Repeat orders (with new order ids) until the file has ``per_row * crm_rows`` lines."""
    target = int(per_row * crm_rows)
    with open(path, newline="", encoding="utf-8") as fh:
        have = sum(1 for _ in csv.reader(fh)) - 1
    added = 0
    with open(path, "a", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        while have + added < target:
            with open(path, newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                next(reader)
                for row, _ in zip(reader, range(have), strict=False):
                    if have + added >= target:
                        break
                    row[0] = f"X{added:09d}"
                    writer.writerow(row)
                    added += 1
    return have + added


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 CRM rows")
    parser.add_argument("--sales-per-row", type=float, default=0.0,
                        help="top the sales file up to this many lines per CRM row (0: as generated)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--recipe", default=str(ROOT / "resources" / "demo" / "recipe.toml"))
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the run (cProfile) and print its N costliest functions")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="lr-pipeline-bench-"))
    data, out = work / "data", work / "out"
    people = max(1, int(args.scale * FULL_CRM_ROWS / CRM_ROWS_PER_PERSON))
    summary = _data(data, people, args)
    sales_rows = summary["sales_rows"]

    meter = [str(ROOT / "bench" / "_step_meter.py")]
    if args.profile:
        meter = ["-m", "cProfile", "-o", str(work / "run.prof"), *meter]
    cmd = [sys.executable, *meter, "run", args.recipe, "--crm", str(data / "crm.xlsx"),
           "--sales", str(data / "sales.csv"), "-o", str(out), "--key-file", str(work / "bench.lrkey")]
    env = {**os.environ, "LOCALREACH_PASSPHRASE": "bench passphrase", "LOCALREACH_HOME": str(work / "home"),
           "LR_STEP_PEAKS": str(work / "peaks.json")}
    shutil.rmtree(out, ignore_errors=True)  # no "changes since the previous run" work
    t0 = time.perf_counter()
    child = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    total = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    if child.returncode != 0:
        print(child.stderr, file=sys.stderr)
        return child.returncode
    report = json.loads((out / "run.json").read_text())
    peaks = json.loads((work / "peaks.json").read_text())
    crm_rows = summary["crm_rows"]
    print(f"\n{'step':<14}{'status':<9}{'seconds':>9}{'cpu s':>9}{'peak MB':>9}{'share':>8}  note")
    steps = report["steps"]
    for s in steps:
        share = s["seconds"] / report["seconds"] if report["seconds"] else 0
        print(f"{s['step']:<14}{s['status']:<9}{s['seconds']:>9.2f}{s['cpu_seconds']:>9.2f}"
              f"{peaks.get(s['step'], 0):>9,.0f}{share:>8.0%}  {s['note']}")
    writing = report["seconds"] - sum(s["seconds"] for s in steps)
    print(f"{'write outputs':<14}{'':<9}{writing:>9.2f}{'':>9}{peaks.get('write outputs', 0):>9,.0f}"
          f"{writing / report['seconds']:>8.0%}  customers.csv, sales_linked.csv, audit.csv, run.json")
    slowest = max(steps, key=lambda s: s["seconds"])
    print(f"\npipeline {report['seconds']:.1f} s inside run_recipe, {total:.1f} s for the whole command "
          f"(start-up included); {crm_rows / total:,.0f} CRM rows/s, {sales_rows / total:,.0f} sales rows/s")
    # resetting VmHWM between steps also resets what ru_maxrss reports: the run's peak is
    # the largest step's
    print(f"peak memory (child): {max(peaks.values(), default=peak_mb):,.0f} MB; CPU time (child): {cpu:.1f} s "
          "(wall times above include waiting for a shared CPU)")
    print(f"dominating step: {slowest['step']} ({slowest['seconds']:.1f} s, "
          f"{slowest['seconds'] / report['seconds']:.0%} of the pipeline)")
    if args.profile:
        import pstats

        print()
        pstats.Stats(str(work / "run.prof")).sort_stats("tottime").print_stats(args.profile)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _data(data: Path, people: int, args) -> dict:
    """The demo files in ``data``: generated, or reused when an earlier --keep run made them."""
    made = data / "summary.json"
    if made.is_file():
        summary = json.loads(made.read_text())
        if summary.get("people") == people and summary.get("seed") == args.seed:
            if args.sales_per_row and summary["sales_per_row"] != args.sales_per_row:
                summary["sales_rows"] = top_up_sales(data / "sales.csv", args.sales_per_row, summary["crm_rows"])
            print(f"demo data: {summary['crm_rows']:,} CRM rows ({people:,} people), "
                  f"{summary['sales_rows']:,} sales rows -- reused from {data}")
            return summary
    t0 = time.perf_counter()
    summary = dict(generate(data, customers=people, seed=args.seed))
    gen_s = time.perf_counter() - t0
    if args.sales_per_row:
        summary["sales_rows"] = top_up_sales(data / "sales.csv", args.sales_per_row, summary["crm_rows"])
    summary.update(people=people, seed=args.seed, sales_per_row=args.sales_per_row)
    made.write_text(json.dumps({k: summary[k] for k in ("crm_rows", "sales_rows", "people", "seed",
                                                        "sales_per_row")}))
    print(f"demo data: {summary['crm_rows']:,} CRM rows ({people:,} people), {summary['sales_rows']:,} sales "
          f"rows -- generated in {gen_s:.1f} s (not part of the pipeline)")
    return summary


if __name__ == "__main__":
    sys.exit(main())
