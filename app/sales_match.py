"""Do the two files fit together? How many sales lines belong to a customer, and what
to do when few do -- said on the Import screen as soon as both files are in.

The count is the one the Duplicates step shows (:func:`core.dedupe.link.link_records`:
customer id, then e-mail, phone, name and postcode). With several customer lists the
customer table is the person table, and a sales line's customer id is one list's own id
(the webshop's customer number, the till's card number): it is looked up among every
list's records first (:func:`core.steps.link.link_sales_to_people`, as ``localreach
run`` does with ``[[sources]]``), so adding a list never loses a line a list's id matched.
"""

from __future__ import annotations

import pandas as pd

from app.actions.imports import LISTS_STATE
from core.compose.checks import plural
from core.dedupe.link import MATCHED_COLUMN, LinkConfig, link_records
from core.errors import LocalReachError
from core.jobs import JobContext

FEW = 0.5  # below this share of lines linked, say what to check


def link_sales(crm: pd.DataFrame, sales: pd.DataFrame, crm_roles: dict[str, str],
               sales_roles: dict[str, str], records: pd.DataFrame | None = None,
               ctx: JobContext | None = None, id_column: str | None = None
               ) -> tuple[pd.DataFrame, dict]:
    """The sales lines with ``matched_id`` (the customer's id) and the link's report;
    ``records`` (the person table's, with several lists) maps each list's own ids."""
    if records is None:
        return link_records(crm, sales, crm_roles, sales_roles, LinkConfig(id_column), ctx)
    from core.steps.link import LinkStepConfig, link_sales_to_people

    frames = {"crm": crm, "sales": sales, "records": records}
    person = id_column or next((c for c, r in crm_roles.items() if r == "customer_id"), None)
    config = LinkStepConfig(id_column=person)
    return link_sales_to_people(frames, {"crm": crm_roles, "sales": sales_roles}, config, ctx)


def linked_to_people(doc, frames: dict, sales_id: str | None) -> tuple[dict, str | None]:
    """The window's frames for the segment step, and the sales column saying who bought:
    with several customer lists, the sales lines linked to the person table
    (``matched_id``), as the link step links them in ``localreach run``."""
    records = (doc.state(LISTS_STATE) or {}).get("records")
    if records is None or "sales" not in frames or "crm" not in frames:
        return frames, sales_id
    sales = link_sales(frames["crm"], frames["sales"], doc.roles("crm"), doc.roles("sales"),
                       records)[0]
    return {**frames, "sales": sales}, MATCHED_COLUMN


def match_text(crm: pd.DataFrame, sales: pd.DataFrame, crm_roles: dict[str, str],
               sales_roles: dict[str, str], ctx: JobContext | None = None,
               records: pd.DataFrame | None = None) -> str:
    try:
        _, report = link_sales(crm, sales, crm_roles, sales_roles, records, ctx)
    except LocalReachError as exc:
        return (f"The sales lines cannot be matched to customers yet: {exc} On this screen, mark "
                "the column that holds the customer ID (or e-mail) in both files.")
    linked, rows = report["linked"], report["rows"]
    text = f"{linked:,} of {plural(rows, 'sales line')} belong to a customer in the list."
    if rows and linked / rows >= FEW:
        if report["unlinked"]:
            text += f" {report['unlinked']:,} match no one and are left out of the groups."
        return text
    left = next((c for c, r in crm_roles.items() if r == "customer_id"), None)
    right = report.get("right_id_column")
    if left and right:
        hint = (f"Check that '{right}' in the sales file holds the same customer numbers as "
                f"'{left}' in the customer list (the same leading zeros and prefixes).")
    else:
        hint = ("Mark the column that holds the customer ID (or e-mail) in both files, using "
                "the Customer list and Sales buttons above.")
    found = f"⚠ Only {text}" if linked else f"⚠ None of the {plural(rows, 'sales line')} belongs to a customer."
    return (f"{found} {hint} A sales file alone works too: its own customer numbers then make "
            "the groups.")
