"""`localreach demo OUTDIR [--customers N] [--seed S]`: the synthetic demo business."""

from __future__ import annotations

from core.errors import LocalReachError

NAME = "demo"
HELP = (
    "Write a synthetic small business (crm.xlsx, sales.csv and truth.csv with the known "
    "duplicates and customer types) into OUTDIR; the same seed gives the same files."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "outdir", help="folder for crm.xlsx, sales.csv and truth.csv (created if needed)"
    )
    parser.add_argument(
        "--customers", type=int, default=1000, help="number of distinct people (default: 1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")


def run(args) -> int:
    from app.terminal import cli_context
    from core.demo import generate

    if args.seed < 0:
        raise LocalReachError("The seed must be 0 or a positive whole number.")
    summary = generate(args.outdir, customers=args.customers, seed=args.seed, ctx=cli_context())
    files = summary["files"]
    print(
        f"{summary['people']:,} people, {summary['crm_rows']:,} CRM rows "
        f"({summary['duplicate_records']:,} duplicate records of "
        f"{summary['people_with_duplicates']:,} people, {summary['households']:,} family members "
        f"sharing an address)\n"
        f"{summary['sales_rows']:,} sales rows\n"
        f"wrote {files['crm']}, {files['sales']}, {files['truth']}"
    )
    return 0
