"""`localreach link LEFT RIGHT -o OUT`: give every row of RIGHT (sales) its LEFT record.

OUT keeps every RIGHT row and column, plus ``matched_id`` (LEFT's id, empty when
nothing links) and ``match_score``; the unlinked rows are counted on standard error.
"""

from __future__ import annotations

import sys

from app.commands.dedupe import check_output, read_input, roles_of
from app.terminal import cli_context
from core.dedupe.link import MATCHED_COLUMN, SCORE_COLUMN, LinkConfig, link_records
from core.errors import ColumnError
from core.io import write_table

NAME = "link"
HELP = "Link rows of a second file (e.g. sales) to the customer list they belong to."


def add_arguments(parser) -> None:
    parser.add_argument("left", help="customer list with an id column")
    parser.add_argument("right", help="file whose rows get a customer (e.g. sales lines)")
    parser.add_argument("-o", "--output", required=True, help="where to write RIGHT plus the link")
    parser.add_argument("--id-column", help="LEFT's customer id column (found by role if omitted)")


def run(args) -> int:
    check_output(args.output, [args.left, args.right])
    left, right = read_input(args.left), read_input(args.right)
    for column in (MATCHED_COLUMN, SCORE_COLUMN):
        if column in right.columns:
            raise ColumnError(f"{args.right}: already has a column '{column}'; rename or remove "
                              "it first (is this the output of an earlier run?).")
    ctx = cli_context()
    out, report = link_records(left, right, roles_of(left), roles_of(right),
                               LinkConfig(id_column=args.id_column), ctx)
    write_table(out, args.output, ctx)
    by = ", ".join(f"{n:,} by {how}" for how, n in report["by_method"].items() if n)
    print(f"{report['linked']:,} of {report['rows']:,} rows linked ({by or 'none'}); "
          f"{report['unlinked']:,} not linked.", file=sys.stderr)
    return 0
