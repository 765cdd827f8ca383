"""`localreach clean FILE -o OUT`: the sensible cleaning steps (or a saved list), with counts.

Roles are detected from the file; ``--role COLUMN=ROLE`` overrides a guess. The step
list that ran can be saved with ``--save-steps`` and re-run next month with ``--steps``.
"""

from __future__ import annotations

import json
from pathlib import Path

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


def parse_role_overrides(items: list[str], columns: list[str]) -> dict[str, str]:
    """``["Tel=phone"]`` -> ``{"Tel": "phone"}``, refusing unknown columns and roles."""
    from core.roles import Role

    roles = {}
    for item in items:
        column, _, role = item.partition("=")
        if not role:
            raise LocalReachError(f"--role '{item}': write it as COLUMN=ROLE, e.g. --role Tel=phone")
        if column not in columns:
            raise LocalReachError(f"--role: there is no column named '{column}' in the file")
        if role not in {r.value for r in Role}:
            raise LocalReachError(
                f"--role: '{role}' is not a role; use one of {', '.join(r.value for r in Role)}"
            )
        roles[column] = role
    return roles


def detected_roles(df) -> dict[str, str]:
    """Column -> role value, as guessed from headers and values."""
    from core.roles import detect_roles

    return {col: str(guess.role) for col, guess in detect_roles(df).items()}


def run(args) -> int:
    from app.region import command_region
    from app.terminal import cli_context
    from core.atomic import atomic_open
    from core.io import read_table, write_table
    from core.quality.base import count
    from core.quality.steps import default_steps, load_steps, run_steps

    out_path = Path(args.output)
    if out_path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise LocalReachError(f"{out_path.name}: cannot write '{out_path.suffix}' files; use .csv, .tsv or .xlsx")
    if out_path.exists() and out_path.resolve() == Path(args.file).resolve():
        raise LocalReachError(f"{out_path.name}: is also the input; choose another output file "
                              "(source files are never changed)")
    steps = load_steps(args.steps) if args.steps else None
    df, _ = read_table(args.file)
    roles = {**detected_roles(df), **parse_role_overrides(args.role, list(df.columns))}
    region, said = command_region(args.region, df, roles)
    if steps is None:
        steps = default_steps(df, roles, region)
    ctx = cli_context()
    out, reports = run_steps(df, steps, ctx, roles)
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
