"""`localreach dedupe FILE -o OUT`: find records that are one person.

OUT keeps every input row and column in order, plus ``cluster_id`` (same value = same
person) and ``match_score``; ``--pairs`` also writes the scored candidate pairs.
``--previous LAST_OUT`` (next month's export): records already in last run's output
keep their ``cluster_id``; only new and changed ones are matched against them.
"""

from __future__ import annotations

import sys

from app.commands import constant
from app.commands._common import (
    check_output,
    check_threshold,
    read_input,
    refuse_earlier_output,
    roles_of,
)
from app.region import add_region_argument
from core.errors import LocalReachError

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
    add_region_argument(parser)


def run(args) -> int:
    from app.commands._common import run_step
    from app.region import command_region
    from app.terminal import cli_context
    from core.dedupe.pipeline import CLUSTER_COLUMN, SCORE_COLUMN
    from core.dedupe.review import readable_pairs
    from core.io import write_table

    check_threshold(args.threshold)
    if args.previous and args.pairs:
        raise LocalReachError("--pairs cannot go with --previous (only new records are scored).")
    check_output(args.output, [args.file, *([args.previous] if args.previous else [])])
    if args.pairs:
        check_output(args.pairs, [args.file, args.output])
    df = read_input(args.file)
    refuse_earlier_output(df, (CLUSTER_COLUMN, SCORE_COLUMN), args.file)
    roles = roles_of(df)
    region, _ = command_region(args.region, df, roles)
    ctx = cli_context()
    previous = {"previous": read_input(args.previous)} if args.previous else {}
    frames, report, _ = run_step("dedupe", {"crm": df}, {"crm": roles},
                                 {"threshold": args.threshold, "id_column": args.id_column,
                                  "region": region}, ctx, **previous)
    write_table(frames["crm"], args.output, ctx)
    if args.previous:
        counts = report.counts
        print(f"{counts['records']:,} records: {counts['known']:,} known, "
              f"{counts['matched_to_known_people']:,} new or changed matched to known people, "
              f"{counts['new_people']:,} new {'person' if counts['new_people'] == 1 else 'people'}.",
              file=sys.stderr)
        return 0
    if args.pairs:
        write_table(readable_pairs(df, report.details["pairs"], args.id_column), args.pairs, ctx)
    print(f"{report.counts['records']:,} records, {report.counts['people']:,} people, "
          f"{report.counts['to_review']:,} possible duplicates below the threshold to review.",
          file=sys.stderr)
    return 0

