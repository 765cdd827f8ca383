"""`localreach dedupe FILE -o OUT`: find records that are one person.

OUT keeps every input row and column in order, plus ``cluster_id`` (same value = same
person) and ``match_score``; ``--pairs`` also writes the scored candidate pairs.
``--previous LAST_OUT`` (next month's export): records already in last run's output
keep their ``cluster_id``; only new and changed ones are matched against them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.commands import constant
from core.errors import ColumnError, LocalReachError

OUTPUT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
NAME = "dedupe"
HELP = "Find duplicate customer records and give each person one cluster_id."


def add_arguments(parser) -> None:
    parser.add_argument("file", help="customer list (.csv, .tsv, .txt or .xlsx)")
    parser.add_argument("-o", "--output", required=True, help="where to write the result")
    parser.add_argument("--id-column", help="row identifier kept as it is, never used to match")
    threshold = constant("core.dedupe.pipeline", "DedupeConfig.threshold")
    parser.add_argument("--threshold", type=float, default=threshold,
                        help="how sure (0-1) a match must be to merge two records "
                             f"(default {threshold})")
    parser.add_argument("--pairs", help="also write the scored possible duplicates here")
    parser.add_argument("--previous", help="last run's OUT: known records keep their cluster_id, "
                                           "only new and changed ones are matched")


def run(args) -> int:
    from app.terminal import cli_context
    from core.dedupe.pipeline import CLUSTER_COLUMN, SCORE_COLUMN, DedupeConfig, find_duplicates
    from core.dedupe.review import readable_pairs
    from core.io import write_table

    check_threshold(args.threshold)
    if args.previous and args.pairs:
        raise LocalReachError("--pairs cannot go with --previous (only new records are scored).")
    check_output(args.output, [args.file, *([args.previous] if args.previous else [])])
    if args.pairs:
        check_output(args.pairs, [args.file, args.output])
    df = read_input(args.file)
    for column in (CLUSTER_COLUMN, SCORE_COLUMN):
        if column in df.columns:
            raise ColumnError(f"{args.file}: already has a column '{column}'; rename or remove "
                              "it first (is this the output of an earlier run?).")
    config = DedupeConfig(threshold=args.threshold, id_column=args.id_column)
    ctx = cli_context()
    if args.previous:
        return _next_month(args, df, ctx)
    out, pairs, report = find_duplicates(df, roles_of(df), config, ctx=ctx)
    if args.pairs:
        write_table(readable_pairs(df, pairs, args.id_column), args.pairs, ctx)
    write_table(out, args.output, ctx)
    print(f"{report['records']:,} records, {report['people']:,} people, "
          f"{report['to_review']:,} possible duplicates below the threshold to review.",
          file=sys.stderr)
    return 0


def _next_month(args, df, ctx) -> int:
    from core.dedupe.incremental import IncrementalConfig, match_new_records
    from core.dedupe.pipeline import CLUSTER_COLUMN
    from core.io import write_table

    previous = read_input(args.previous)
    config = IncrementalConfig(id_column=args.id_column, threshold=args.threshold,
                               person_column=CLUSTER_COLUMN)
    out, report = match_new_records(previous, df, roles_of(df), config, ctx)
    write_table(out, args.output, ctx)
    print(f"{report['records']:,} records: {report['known']:,} known, "
          f"{report['matched_to_known_people']:,} new or changed matched to known people, "
          f"{report['new_people']:,} new {'person' if report['new_people'] == 1 else 'people'}.",
          file=sys.stderr)
    return 0


def check_threshold(threshold: float) -> None:
    if not 0 < threshold < 1:
        raise LocalReachError(f"--threshold must be between 0 and 1 (got {threshold}); try 0.9.")


def check_output(output: str, inputs: list[str]) -> None:
    """Refuse, before any work, an output we cannot write or that is one of the inputs."""
    out = Path(output)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise LocalReachError(f"{out.name}: cannot write '{out.suffix}' files; use .csv, .tsv "
                              "or .xlsx.")
    for source in inputs:
        if out.exists() and Path(source).exists() and out.resolve() == Path(source).resolve():
            raise LocalReachError(f"{out.name}: is also an input; choose another output file "
                                  "(source files are never changed).")


def read_input(path: str):
    from core.io import read_table

    return read_table(path)[0]


def roles_of(df) -> dict[str, str]:
    """Detected column roles (column -> role value)."""
    from core.roles import detect_roles

    return {column: str(guess.role) for column, guess in detect_roles(df).items()}
