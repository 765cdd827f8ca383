"""`localreach personas SEGMENTED -o OUT.json|OUT.html|OUT.md|OUT.pdf [--sales SALES]`."""

from __future__ import annotations

from app.commands import constant

NAME = "personas"
HELP = "Turn each customer group into a persona card (JSON, HTML, Markdown or PDF)."


def add_arguments(parser) -> None:
    parser.add_argument("segmented", help="the output of `localreach segment` (needs its "
                        "`segment` column and the figures it adds)")
    parser.add_argument("-o", "--output", required=True,
                        help="where to write the cards; the format follows the name: "
                        + ", ".join(constant("core.personas.export", "FORMATS")))
    parser.add_argument("--sales", help="the same sales file given to `localreach segment`; "
                        "adds top categories, products, channels and discount use to each "
                        "card (without it the cards show only the figures in SEGMENTED)")
    parser.add_argument("--id-column", help="customer id column in SEGMENTED (default: the "
                        "column whose role is customer id)")


def run(args) -> int:
    from app.commands._common import roles_of, run_step
    from app.terminal import cli_context
    from core.io import read_table
    from core.personas.export import write_personas

    ctx = cli_context()
    segmented, _ = read_table(args.segmented, ctx=ctx)
    frames, roles = {"crm": segmented}, {"crm": roles_of(segmented)}
    if args.sales:
        frames["sales"] = read_table(args.sales, ctx=ctx)[0]
        roles["sales"] = roles_of(frames["sales"])
    _, _, context = run_step("personas", frames, roles, {"id_column": args.id_column}, ctx)
    personas = context.shared["personas"]
    write_personas(personas, args.output)
    for p in personas:
        print(f"{p.name}: {p.people:,} people. {p.description}")
    return 0
