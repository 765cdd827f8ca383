"""`localreach clean FILE -o OUT`: the sensible cleaning steps (or a saved list), with counts.

Roles are detected from the file; ``--role COLUMN=ROLE`` overrides a guess. The step
list that ran can be saved with ``--save-steps`` and re-run next month with ``--steps``.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.commands._common import parse_role_overrides, roles_of
from app.region import add_region_argument
from core.errors import LocalReachError

NAME = "clean"
HELP = "Tidy a customer or sales file: spaces, names, e-mails, phones, dates, money, countries."
OUTPUT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


def add_arguments(parser) -> None:
    parser.add_argument("file", help="customer or sales list (.csv, .tsv, .txt or .xlsx)")
    parser.add_argument("-o", "--output", required=True, help="where to write the cleaned file")
    parser.add_argument("--steps", help="a step list saved as JSON (default: the sensible steps)")
    add_region_argument(parser)
    parser.add_argument("--role", action="append", default=[], metavar="COLUMN=ROLE",
                        help="set a column's role when the guess is wrong, e.g. --role Tel=phone")
    parser.add_argument("--save-steps", metavar="JSON", help="also save the step list that ran")


def run(args) -> int:
    from app.commands._common import run_step
    from app.region import command_region
    from app.terminal import cli_context
    from core.atomic import atomic_open
    from core.io import read_table, write_table
    from core.quality.base import count
    from core.quality.steps import load_steps

    out_path = Path(args.output)
    if out_path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise LocalReachError(f"{out_path.name}: cannot write '{out_path.suffix}' files; use .csv, .tsv or .xlsx")
    if out_path.exists() and out_path.resolve() == Path(args.file).resolve():
        raise LocalReachError(f"{out_path.name}: is also the input; choose another output file "
                              "(source files are never changed)")
    steps = load_steps(args.steps) if args.steps else None
    df, _ = read_table(args.file)
    roles = roles_of(df, parse_role_overrides(args.role, list(df.columns)))
    region, said = command_region(args.region, df, roles)
    ctx = cli_context()
    frames, report, _ = run_step("clean", {"crm": df}, {"crm": roles},
                                 {"crm_steps": steps, "region": region}, ctx)
    out, steps, reports = frames["crm"], report.details["crm"]["steps"], report.details["crm"]["reports"]
    write_table(out, out_path, ctx)
    if args.save_steps:
        with atomic_open(args.save_steps) as fh:
            json.dump(steps, fh, indent=2)
    for report in reports:
        print(report.summary())
    total = sum(r.changed_cells for r in reports)
    if not args.steps:  # a saved step list carries its own region
        print(said)
    print(f"{count(len(out), 'row')}, {count(total, 'cell')} changed in all; written to {out_path.name}")
    return 0
