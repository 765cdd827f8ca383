"""`localreach export-to TOOL DATA -o FILE`: the contactable people as TOOL's import file.

DATA is a segmented (and deduplicated) customer table, e.g. ``localreach segment``'s
output. Only people who may be contacted are written, one row per person (the same
choice as the mail merge: consent per person, suppression lists, valid e-mail), with
their segment and persona as the tool's tags. A tool's unsubscribed or cleaned export
(Mailchimp) given with ``--suppression`` keeps those people out.
"""

from __future__ import annotations

from pathlib import Path

from app.commands import constant
from core.errors import LocalReachError

NAME = "export-to"
HELP = "Write the contactable people as an import file for Mailchimp, HubSpot, Shopify, " \
       "Klaviyo or Google Contacts, segment and persona as tags."


def add_arguments(parser) -> None:
    parser.add_argument("tool", choices=constant("core.compose.outputs.vendor_files", "TOOLS"),
                        help="the tool the file is for")
    parser.add_argument("data", help="segmented customer table (.csv, .tsv, .txt or .xlsx)")
    parser.add_argument("-o", "--output", required=True, help="the .csv file to write")
    parser.add_argument("--personas", help="personas .json: each segment's persona name as a tag")
    parser.add_argument("--suppression", action="append", default=[], metavar="FILE",
                        help="e-mails never to export, e.g. Mailchimp's unsubscribed and "
                             "cleaned exports (give it once per file)")
    parser.add_argument("--email-column", help="the column that holds e-mail addresses "
                        "(default: the one whose role is e-mail)")
    parser.add_argument("--consent", action="append", default=[], metavar="COLUMN=MEANING",
                        help="as for merge: 'COLUMN=opt-in', 'COLUMN=opt-out' or 'none=allow'")


def suppressions(paths: list[str]):
    """Every listed file's e-mails in one list; a recognised tool export is read by its
    e-mail column."""
    from core.io import read_table
    from core.privacy.consent import SuppressionList, load_suppression
    from core.vendors import recognise

    if not paths:
        return None
    out = SuppressionList()
    for path in paths:
        frame, _ = read_table(path)
        match = recognise(frame.columns)
        column = next((c for c, r in match.roles.items() if r == "email"), None) if match else None
        one = load_suppression(path, column)
        out.emails |= one.emails
        out.tokens |= one.tokens
    return out


def run(args) -> int:
    from app.commands._common import roles_of
    from app.commands.merge import (
        consent_questions,
        consent_settings,
        read_personas,
    )
    from core.compose.audience import email_column, select, summarise
    from core.compose.checks import plural
    from core.compose.outputs.vendor_files import people, write_vendor_file
    from core.io import read_table

    out = Path(args.output)
    if out.suffix.lower() != ".csv":
        raise LocalReachError(f"Output '{out.name}' must end in .csv: the tools import CSV files.")
    if out.exists() and out.resolve() == Path(args.data).resolve():
        raise LocalReachError(f"Output '{out.name}' is the input; choose another name "
                              "(source files are never changed).")
    frame, _ = read_table(args.data)
    personas = read_personas(args.personas)
    roles = roles_of(frame)
    email = email_column(frame, roles, args.email_column)
    with consent_questions():
        recipients, reasons, _ = select(frame, roles, suppressed=suppressions(args.suppression),
                                        consent=consent_settings(args.consent), email=email)
    left_out = summarise(reasons)
    why = "; ".join(f"{n:,} {r}" for r, n in left_out.items())
    if recipients.empty:
        raise LocalReachError(f"Nobody in {Path(args.data).name} may be contacted "
                              f"({why or 'the table is empty'}); nothing was written.")
    rows = write_vendor_file(args.tool, people(recipients, roles, email, personas), out)
    print(f"Wrote {plural(rows, 'person', 'people')} to {out.name} for {args.tool}.")
    if left_out:
        print(f"Left out {plural(sum(left_out.values()), 'person', 'people')}: {why}.")
    return 0
