"""`localreach profile FILE [--sheet S] [--json]`: what is in a file, without showing any of it."""

from __future__ import annotations

import json
from pathlib import Path

from core.errors import LocalReachError

NAME = "profile"
HELP = (
    "Show a file's rows, columns, the role each column seems to have (with how sure), "
    "the share of empty cells per column and any import warnings. No values are shown."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "file", help="a .csv, .tsv, .txt, .xlsx, .xls, .xlsb or .ods file (never changed)"
    )
    parser.add_argument("--sheet", help="the sheet to read in a workbook (default: the first)")
    parser.add_argument("--json", action="store_true", help="print the profile as JSON")


def run(args) -> int:
    from app.terminal import cli_context
    from core.io import ImportOptions, read_table
    from core.io.read import WORKBOOK_SUFFIXES
    from core.profile import profile_table

    path = Path(args.file)
    if args.sheet is not None and path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise LocalReachError(f"{path.name}: --sheet only applies to workbooks; leave it out.")
    df, report = read_table(path, ImportOptions(sheet=args.sheet), ctx=cli_context())
    profile = profile_table(df, report)
    tool = _tool(df, {d["role"] for d in profile["column_details"]})
    events = _events(df)
    if args.json:
        print(json.dumps({**profile, "tool": tool, "events": events}, indent=2, ensure_ascii=False))
    else:
        first, *rest = render(profile, events).split("\n")
        notes = [*(tool["notes"] if tool else []), *([events["sentence"]] if events else [])]
        print("\n".join([first, *notes, *rest]))
    return 0


def _events(df) -> dict | None:
    """An events file's format, sentence and the columns of each activity role (not
    'other'), or None when the file is no events file."""
    from core.activity import ActivityRole, detect_activity_roles

    match = detect_activity_roles(df)
    if match is None:
        return None
    roles: dict[str, list[str]] = {}
    for column, role in match.roles.items():
        if role != ActivityRole.OTHER:
            roles.setdefault(role.value, []).append(str(column))
    return {"format": match.format.name if match.format else None,
            "sentence": match.sentence, "roles": roles}


def _tool(df, roles: set[str]) -> dict | None:
    """The tool whose export this is, and for an orders export (or any sales file with a
    status column) how its lines count. A list without order dates or amounts is no
    sales file: its Status is a subscriber's, not an order's."""
    from core.roles import Role
    from core.vendors import recognise
    from core.vendors.orders import count_orders

    match = recognise(df.columns)
    sales = bool(roles & {Role.ORDER_DATE.value, Role.AMOUNT.value, Role.UNIT_PRICE.value})
    counted = count_orders(df)[1] if (match is None and sales) or (match and match.profile.orders) else None
    if match is None:
        return {"tool": None, "kind": "sales", "notes": counted.report()} if counted else None
    notes = [match.sentence, *(counted.report() if counted else [])]
    if match.profile.suppression:
        notes.append("Everyone in it has left the list: a suppression list, not people to mail.")
    return {"tool": match.profile.tool, "kind": match.profile.kind, "notes": notes}


def render(profile: dict, events: dict | None = None) -> str:
    """The profile as a plain table for a terminal; an events file's columns with the
    activity role each has (who, when, which event), the others 'other'."""
    sheet = f" (sheet {profile['sheet']})" if profile["sheet"] else ""
    lines = [f"{profile['file']}{sheet}: {profile['rows']:,} rows, {profile['columns']} columns"]
    details = profile["column_details"]
    width = max([len("Column")] + [len(d["name"]) for d in details])
    if events:
        role_of = {c: role for role, columns in events["roles"].items() for c in columns}
        lines.append(f"{'Column':<{width}}  {'Activity role':<14} {'Empty':>7}")
        lines += [f"{d['name']:<{width}}  {role_of.get(d['name'], 'other'):<14} {d['missing']:>7.1%}"
                  for d in details]
    else:
        lines.append(f"{'Column':<{width}}  {'Role':<14} {'Sure':>5} {'Empty':>7}  Why")
        lines += [f"{d['name']:<{width}}  {d['role']:<14} {d['confidence']:>5.0%} "
                  f"{d['missing']:>7.1%}  {d['reason']}" for d in details]
    warnings = profile["warnings"]
    lines.append("Import warnings:" if warnings else "No import warnings.")
    lines.extend(f"  - {w}" for w in warnings)
    return "\n".join(lines)
