"""`localreach link LEFT RIGHT [MORE ...] -o OUT`: link lists of the same people.

Two files: OUT keeps every RIGHT row and column, plus ``matched_id`` (LEFT's id, empty
when nothing links) and ``match_score``; standard error says how rows were linked, the
blocking rules' pair counts and the expected precision and recall at the threshold.
Three or more files (or ``--people``): OUT is one row per person, a golden record
whose every value names the list and row it came from; ``--records`` also writes
which person each input row is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.commands import constant
from app.commands._common import (
    check_output,
    check_threshold,
    read_input,
    refuse_earlier_output,
    roles_of,
    run_step,
)
from app.region import add_region_argument, command_region
from app.terminal import cli_context
from core.errors import LocalReachError

NAME = "link"
HELP = ("Link rows of a second file (sales, another customer list) to the customer list, "
        "or several lists into one person table.")


def add_arguments(parser) -> None:
    parser.add_argument("left", help="customer list with an id column")
    parser.add_argument("right", help="file whose rows get a customer (e.g. sales lines)")
    parser.add_argument("more", nargs="*", help="more customer lists: OUT is then a person table")
    parser.add_argument("-o", "--output", required=True, help="where to write the result")
    parser.add_argument("--id-column", help="LEFT's customer id column (found by role if omitted)")
    parser.add_argument("--one-to-one", action="store_true",
                        help="RIGHT is another customer list: each LEFT record links at most once")
    threshold = constant("core.dedupe.pipeline", "DedupeConfig.threshold")  # LinkConfig's too
    parser.add_argument("--threshold", type=float, default=threshold,
                        help="how sure (0-1) a link by matching details must be "
                             f"(default {threshold})")
    parser.add_argument("--people", action="store_true",
                        help="write one golden record per person, also for two lists")
    parser.add_argument("--records", help="with a person table: also write each input row's person")
    add_region_argument(parser)


def run(args) -> int:
    from core.dedupe.link import MATCHED_COLUMN, SCORE_COLUMN
    from core.io import write_table

    check_threshold(args.threshold)
    files = [args.left, args.right, *args.more]
    check_output(args.output, files)
    if args.people or args.more:
        return _people(args, files)
    if args.records:
        raise LocalReachError("--records goes with a person table (three lists, or --people).")
    left, right = read_input(args.left), read_input(args.right)
    refuse_earlier_output(right, (MATCHED_COLUMN, SCORE_COLUMN), args.right)
    roles = {"crm": roles_of(left), "sales": roles_of(right)}
    region, _ = command_region(args.region, left, roles["crm"])
    ctx = cli_context()
    frames, step_report, _ = run_step("link", {"crm": left, "sales": right}, roles,
                                      {"id_column": args.id_column, "one_to_one": args.one_to_one,
                                       "threshold": args.threshold, "region": region}, ctx)
    report = step_report.details["link"]
    write_table(frames["sales"], args.output, ctx)
    by = ", ".join(f"{n:,} by {how}" for how, n in report["by_method"].items() if n)
    print(f"{report['linked']:,} of {report['rows']:,} rows linked ({by or 'none'}); "
          f"{report['unlinked']:,} not linked.", file=sys.stderr)
    if "expected_precision" in report:
        print(model_summary(report), file=sys.stderr)
    return 0


def _people(args, files: list[str]) -> int:
    from core.io import write_table
    from core.steps.importing import SOURCE_PREFIX

    if args.records:
        check_output(args.records, [*files, args.output])
    names = [Path(f).stem for f in files]
    if len(set(names)) < len(names):
        names = [Path(f).name for f in files]
    if len(set(names)) < len(names):
        names = [str(f) for f in files]
    frames = {SOURCE_PREFIX + n: read_input(f) for n, f in zip(names, files, strict=True)}
    roles = {n: roles_of(df) for n, df in frames.items()}
    region, _ = command_region(args.region, next(iter(frames.values())), next(iter(roles.values())))
    ctx = cli_context()
    out, step_report, _ = run_step("link", frames, roles,
                                   {"threshold": args.threshold, "region": region}, ctx)
    report = step_report.details["people"]
    if args.records:
        write_table(out["records"], args.records, ctx)
    write_table(out["crm"], args.output, ctx)
    print(f"{report['records']:,} records of {len(files)} lists are {report['people']:,} people "
          f"({report['people_in_several_lists']:,} in more than one list); "
          f"{report['to_review']:,} possible matches below the threshold to review.",
          file=sys.stderr)
    return 0


def model_summary(report: dict) -> str:
    """The blocking rules' pair counts and what the fitted model expects of the links."""
    rules = "; ".join(f"{r['rule']}: {r['pairs']:,}" for r in report["rules"] if r["pairs"])
    return (f"Matching details: {report['candidate_pairs']:,} candidate pairs ({rules}). "
            f"At {report['threshold']:.0%} sure the model expects precision "
            f"{report['expected_precision']:.3f} and recall {report['expected_recall']:.3f}.")
