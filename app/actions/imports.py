"""The Import screen's actions: preview a file, import it, load the demo, set a role,
add another customer list (linked into one person table), check the sales match, add
an events file (web analytics, abandoned checkouts: kept as ``events`` with its activity
roles, for the segment step's behaviour).

The project holds one customer table, ``crm``, which every later step reads. With one
list it is that list; once a second list is added it is the person table that links
them, as ``localreach run`` does with ``[[sources]]`` (:func:`core.steps.link.join_lists`:
duplicates within and across lists, one golden record per person, ``person_id`` its
customer id). The lists themselves, each with its name and roles, and which person each
list's records are, are kept in the ``lists`` state row, so that a third list is linked
with the first two and a sales line carrying any list's own id finds its person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from app.actions import Action
from app.document import Document
from app.region import detected_in, store_detected_region
from core.errors import LocalReachError
from core.io import ImportOptions, list_sheets, preview_table, read_stacked, read_table
from core.resources import resource_path
from core.roles import detect_roles
from core.steps.activity import EVENTS, events_found, events_match, events_roles

TARGETS = {"crm": "customer list", "sales": "sales file"}
LISTS_STATE = "lists"  # {"lists": [{name, frame, roles, source}], "provenance": frame, "fixes_at_link": n}
QUALITY_STATE = "quality"  # the Quality step's row: {"applied": {table: [fix, ...]}}
PREVIEW_ROWS = 200  # rows of every sheet shown before importing all of them
FROM = " (from)"  # a person table's provenance columns (core.dedupe.people.FROM_SUFFIX)
LIST_COLUMN = "list"  # the lists a person was found in (core.dedupe.people.LIST_COLUMN)


@dataclass
class Preview:
    frame: pd.DataFrame
    warnings: list[str]
    roles: dict[str, str]
    sheets: list[str]


@dataclass
class Imported:
    """What an import changed: the table, its size, and sentences for the import report."""

    target: str
    rows: int
    columns: int
    notes: list[str] = field(default_factory=list)


@dataclass
class Linked:
    """Several customer lists linked into one person table."""

    lists: list[tuple[str, int]]  # (name, rows) of each list
    people: int
    in_several: int  # people found in more than one list
    to_review: int  # possible matches below the threshold, for the Duplicates step
    fixes_skipped: int = 0  # Quality fixes that no longer fit the new person table


def options(settings: dict) -> ImportOptions:
    """The screen's choices (encoding, delimiter, sheet, header_row; None = automatic)."""
    return ImportOptions(**{k: settings.get(k) for k in ("encoding", "delimiter", "sheet", "header_row")})


def detected_roles(frame: pd.DataFrame) -> dict[str, str]:
    return {c: g.role.value for c, g in detect_roles(frame).items()}


def _read(path: Path, settings: dict, ctx):
    reader = read_stacked if settings.get("all_sheets") else read_table
    return reader(path, options(settings), ctx)


def preview(path: Path, settings: dict, list_them: bool) -> Action:
    """The first rows of ``path`` with the detected roles (and its sheets, for a workbook)."""

    def work(ctx) -> Preview:
        sheets = list_sheets(path) if list_them else []
        if settings.get("all_sheets"):
            frame, report = read_stacked(path, options(settings), ctx)
            frame = frame.head(PREVIEW_ROWS)
        else:
            frame, report = preview_table(path, options(settings))
        return Preview(frame, list(report.warnings), detected_roles(frame), sheets)

    return Action(f"Reading {path.name}…", work)


def order_notes(frame: pd.DataFrame) -> list[str]:
    """Plain sentences on how a sales file's lines count as orders: the tool it came from,
    and the orders left out as no spend, by reason ("12 refunded orders left out")."""
    from core.compose.checks import plural
    from core.vendors import recognise
    from core.vendors.orders import count_orders

    match = recognise(frame.columns)
    notes = [match.sentence] if match is not None else []
    if match is not None and not match.profile.orders:
        return notes
    summary = count_orders(frame)[1]
    if summary is None:
        return notes
    notes.append(f"{plural(len(summary.orders), 'order')} from {plural(summary.lines, 'line')} "
                 "count as spend.")
    for reason, lines in sorted(summary.set_aside_lines.items()):
        orders = summary.set_aside_orders[reason]
        notes.append(f"{plural(orders, f'{reason} order')} left out ({plural(lines, 'line')}): "
                     "no money was taken or it was given back.")
    return notes


def _notes(target: str, frame: pd.DataFrame) -> list[str]:
    return order_notes(frame) if target == "sales" else []


def import_file(doc: Document, target: str, path: Path, settings: dict, roles: dict[str, str]) -> Action:
    """Import ``path`` as the customer list or the sales file: one undo step, one audit row.
    Replacing the customer list forgets the lists linked before; the region found in the
    data is stored with the project when it has none yet."""

    def work(ctx):  # the roles and the region are found here: 455 + 50 ms at 100k rows
        frame, report = _read(path, settings, ctx)
        kept = roles if set(roles) == set(frame.columns) else detected_roles(frame)
        return frame, report, _notes(target, frame), kept, {target: detected_in(target, frame, kept)}

    def apply(result) -> Imported:
        frame, report, notes, kept, region = result
        text = f"Import {TARGETS[target]}"
        doc.undo_stack.beginMacro(text)
        store_detected_region(doc, region)
        doc.set_source(target, frame, {**asdict(report), "options": asdict(options(settings)), "notes": notes},
                       kept, text)
        if target == "crm" and doc.state(LISTS_STATE) is not None:
            doc.set_state(LISTS_STATE, None, text)
        doc.undo_stack.endMacro()
        doc.audit("import", {"target": target, "options": asdict(options(settings))}, 0, len(frame), None, frame)
        return Imported(target, len(frame), frame.shape[1], notes)

    return Action(f"Importing {path.name}…", work, apply)


def load_demo(doc: Document) -> Action:
    """The shipped demo customer list and sales, in one undo step."""
    paths = {"crm": resource_path("demo", "crm.xlsx"), "sales": resource_path("demo", "sales.csv")}

    def work(ctx):
        out = {}
        for i, (target, path) in enumerate(paths.items()):
            ctx.progress(i, len(paths), f"Reading {path.name}…")
            frame, report = read_table(path, None, ctx)
            roles = detected_roles(frame)
            out[target] = (frame, report, roles, _notes(target, frame), detected_in(target, frame, roles))
        return out

    def apply(result) -> list[Imported]:
        doc.undo_stack.beginMacro("Load the demo data")
        store_detected_region(doc, {target: found for target, (*_rest, found) in result.items()})
        for target, (frame, report, roles, notes, _found) in result.items():
            doc.set_source(target, frame, {**asdict(report), "options": {}, "notes": notes}, roles,
                           f"Import {target}")
        doc.set_state(LISTS_STATE, None, "Load the demo data")
        doc.undo_stack.endMacro()
        for target, (frame, *_rest) in result.items():
            doc.audit("import", {"target": target, "demo": True}, 0, len(frame), None, frame)
        return [Imported(t, len(f), f.shape[1], n) for t, (f, _r, _ro, n, _g) in result.items()]

    return Action("Loading the demo shop…", work, apply)


def set_role(doc: Document, target: str, column: str, role: str, label: str) -> bool:
    """Say what an imported column holds (one undo step); False when it already did."""
    roles = doc.roles(target)
    if roles.get(column) == role:
        return False
    roles[column] = role
    doc.set_roles(target, roles, f"Set '{column}' to {label}")
    return True


# -- several customer lists --------------------------------------------------------------
def _list_entries(doc: Document) -> list[dict]:
    """The customer lists as stored, else the one imported customer list."""
    stored = (doc.state(LISTS_STATE) or {}).get("lists")
    if stored:
        return list(stored)
    crm, source = doc.frame("crm"), doc.source("crm") or {}
    if crm is None or source.get("from_sales"):
        return []
    return [{"name": Path(source.get("path") or "customer list").stem, "frame": crm,
             "roles": doc.roles("crm"), "source": source}]


def customer_lists(doc: Document) -> list[tuple[str, int]]:
    """(name, rows) of each customer list of the project, in the order they came."""
    return [(e["name"], len(e["frame"])) for e in _list_entries(doc)]


def list_name(doc: Document, path: Path) -> str:
    """A name for a new list: the file's name, numbered when another list has it."""
    taken = {name for name, _rows in customer_lists(doc)}
    name, n = path.stem, 2
    while name in taken:
        name, n = f"{path.stem} {n}", n + 1
    return name


def person_table(entries: list[dict], ctx, decisions: list[dict] | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str], dict]:
    """(people, records, the people's roles, report) as ``localreach run`` makes them from
    ``[[sources]]`` (:func:`core.steps.link.join_lists`): ``person_id`` is the customer
    id, and ``records`` says which person each list's own customer ids are, so sales
    lines carrying any of a person's ids are that person's. ``decisions``: the Duplicates
    screen's answers about the lists' records (by record key)."""
    from core.steps.importing import SOURCE_PREFIX
    from core.steps.link import LinkStepConfig, join_lists

    frames = {SOURCE_PREFIX + e["name"]: e["frame"] for e in entries}
    roles = {SOURCE_PREFIX + e["name"]: e["roles"] for e in entries}
    out, out_roles, report = join_lists(frames, roles, LinkStepConfig(decisions=decisions), ctx)
    return out["crm"], out["records"], out_roles["crm"], report


def fixes_since_link(doc: Document) -> tuple[list[dict], int]:
    """(the Quality fixes to make again on a new person table, where they start): those
    made on the person table since the lists were first linked (earlier ones are in the
    first list's frame)."""
    fixes = (doc.state(QUALITY_STATE) or {}).get("applied", {}).get("crm", [])
    start = (doc.state(LISTS_STATE) or {}).get("fixes_at_link", len(fixes))
    return fixes[start:], start


def link_lists(every: list[dict], again: list[dict], ctx, decisions: list[dict] | None = None) -> tuple:
    """The person table of ``every`` list, with the fixes ``again`` made on it: what
    :func:`store_link` keeps."""
    people, records, table_roles, link = person_table(every, ctx, decisions)
    origin = [c for c in people.columns if c.endswith(FROM)]
    table = people.drop(columns=origin).astype(str)
    if LIST_COLUMN not in table.columns:  # the Duplicates step names each record's list by it
        table = table.rename(columns={"lists": LIST_COLUMN})
    table_roles = {c: table_roles.get(c, "other") for c in table.columns}
    table, skipped = _fix_again(table, again, table_roles, ctx)
    return every, people[["person_id", *origin]], records, table, table_roles, link, skipped


def store_link(doc: Document, linked: tuple, fixes_at_link: int, text: str,
               step: str = "link lists", **answer) -> Linked:
    """Keep a :func:`link_lists` result: the lists and their records, the person table as
    the customer list (inside the caller's undo macro), one audit row (by ``step``, with
    the ``answer`` that made it, counts only)."""
    every, provenance, records, table, table_roles, link, skipped = linked
    doc.set_state(LISTS_STATE, {"lists": every, "provenance": provenance, "records": records,
                                "fixes_at_link": fixes_at_link}, text)
    doc.set_source("crm", table, {"path": "", "linked_lists": [e["name"] for e in every],
                                  "warnings": [], "notes": []}, table_roles, text)
    doc.audit(step, {**answer, "lists": len(every), "records": link["records"], "people": link["people"],
                     "in_several_lists": link["people_in_several_lists"]},
              link["records"], link["people"], None, table)
    return Linked([(e["name"], len(e["frame"])) for e in every], link["people"],
                  link["people_in_several_lists"], link["to_review"], skipped)


def add_customer_list(doc: Document, path: Path, settings: dict, roles: dict[str, str], name: str) -> Action:
    """Import another customer list and link every list into one person table (the
    project's customer table from then on), with the Duplicates screen's answers about
    the lists' records; one undo step takes the list back. The Quality fixes made on the
    person table since the first link are made again on the new one (a fix whose columns
    are gone is left out and counted)."""
    entries = _list_entries(doc)
    again, fixes_at_link = fixes_since_link(doc)
    decisions = list_decisions(doc)
    name = name.strip() or list_name(doc, path)
    if not entries:
        raise LocalReachError("Import a customer list first; the next one is then linked to it.")
    if name in {e["name"] for e in entries}:
        raise LocalReachError(f"There is already a list called '{name}': give this one another name.")

    def work(ctx):
        frame, report = _read(path, settings, ctx)
        kept = roles if set(roles) == set(frame.columns) else detected_roles(frame)
        new = {"name": name, "frame": frame, "roles": kept,
               "source": {**asdict(report), "options": asdict(options(settings))}}
        linked = link_lists([*entries, new], again, ctx, decisions)
        table, table_roles = linked[3], linked[4]
        return linked, {"crm": detected_in("crm", table, table_roles)}

    def apply(result) -> Linked:
        linked, region = result
        text = f"Add the customer list '{name}'"
        doc.undo_stack.beginMacro(text)
        store_detected_region(doc, region)  # first: the refresh as the table lands finds it
        linked = store_link(doc, linked, fixes_at_link, text)
        doc.undo_stack.endMacro()
        return linked

    return Action(f"Linking {path.name} with the other lists…", work, apply)


def list_decisions(doc: Document) -> list[dict] | None:
    """The Duplicates screen's answers about the lists' records (keyed ones only)."""
    if not (doc.state(LISTS_STATE) or {}).get("lists"):
        return None
    stored = (doc.state("duplicates") or {}).get("decisions") or []
    return [d for d in stored if isinstance(d.get("left"), str)] or None


def _fix_again(table: pd.DataFrame, fixes: list[dict], roles: dict[str, str], ctx) -> tuple[pd.DataFrame, int]:
    from core.quality.steps import run_step

    skipped = 0
    for fix in fixes:
        try:
            table = run_step(table, fix, ctx, roles)[0]
        except LocalReachError:
            skipped += 1
    return table, skipped


def lists_text(doc: Document) -> str:
    """The lists and the people they make, for the Import screen; "" with one list."""
    lists = customer_lists(doc)
    if len(lists) < 2:
        return ""
    parts = ", ".join(f"{name} ({rows:,} rows)" for name, rows in lists)
    crm = doc.frame("crm")
    return f"{len(lists)} customer lists: {parts}; linked into {len(crm):,} people."


def status_figure(doc: Document) -> str:
    """The sidebar's Import figure: each customer list with its rows, the people they
    make when there are several, the sales rows ("·" between parts)."""
    parts = []
    lists = customer_lists(doc)
    if len(lists) > 1:
        parts += [f"{name}: {rows:,} rows" for name, rows in lists]
        parts.append(f"{len(doc.frame('crm')):,} people")
    elif doc.frame("crm") is not None:
        parts.append(f"{len(doc.frame('crm')):,} customer rows")
    if doc.frame("sales") is not None:
        parts.append(f"{len(doc.frame('sales')):,} sales rows")
    if doc.frame(EVENTS) is not None:
        parts.append(f"{len(doc.frame(EVENTS)):,} events")
    return " · ".join(parts)


# -- an events file ----------------------------------------------------------------------------
def add_events(doc: Document, path: Path) -> Action:
    """Import an events file (web analytics, a shop's abandoned checkouts) with its
    activity roles as recognised: one undo step, one audit row. A file that is no events
    file is one line saying what one needs."""
    def work(ctx):
        frame, report = read_table(path, None, ctx)
        roles = events_roles(frame)
        events_match(frame, roles)  # no events file: what one needs, before anything changes
        return frame, report, roles

    def apply(result) -> Imported:
        frame, report, roles = result
        text = "Add the events file"
        doc.set_source(EVENTS, frame, {**asdict(report), "options": {}, "notes": []}, roles, text)
        doc.audit("import", {"target": EVENTS, "options": {}}, 0, len(frame), None, frame)
        return Imported(EVENTS, len(frame), frame.shape[1])

    return Action(f"Importing {path.name}…", work, apply)


def events_text(doc: Document) -> Action | None:
    """The events file in one sentence: its format and how many of its events belong to
    a customer, found by the segment step's own join; None without an events file."""
    events = doc.frame(EVENTS)
    if events is None:
        return None
    roles, crm, crm_roles = doc.roles(EVENTS), doc.frame("crm"), doc.roles("crm")
    records = (doc.state(LISTS_STATE) or {}).get("records")  # several lists: their own ids
    from app.actions import privacy  # (privacy's actions import nothing of Import's)

    coded = privacy.applied(doc, "crm")

    def work(ctx) -> str:
        try:
            found = events_found(events, roles, crm, crm_roles, records)
            if coded and found.matched == 0:  # its ids are plain, the list's are codes now
                return (f"{found.sentence} The customer list was pseudonymised before this file "
                        "came in: undo Privacy, add the events file, then pseudonymise again.")
            return found.sentence
        except LocalReachError as exc:  # the customer list has no column of the events' key
            return f"{events_match(events, roles).sentence} {exc}"

    return Action("Finding whose the events are…", work)


# -- do the files fit together? ------------------------------------------------------------
def sales_match(doc: Document) -> Action | None:
    """How many sales lines belong to a customer, and what to do if few do; None when
    there is nothing to match (one file, or customers taken from the sales file)."""
    from app.sales_match import match_text

    crm, sales = doc.frame("crm"), doc.frame("sales")
    if crm is None or sales is None or (doc.source("crm") or {}).get("from_sales"):
        return None
    args = (crm, sales, doc.roles("crm"), doc.roles("sales"))
    records = (doc.state(LISTS_STATE) or {}).get("records")
    return Action("Linking sales lines to customers…", lambda ctx: match_text(*args, ctx, records))
