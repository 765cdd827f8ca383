"""Do the two files fit together? How many sales lines belong to a customer, and what
to do when few do -- said on the Import screen as soon as both files are in.

The count is the one the Duplicates step shows (:func:`core.dedupe.link.link_records`:
customer id, then e-mail, phone, name and postcode).
"""

from __future__ import annotations

import pandas as pd

from core.compose.checks import plural
from core.dedupe.link import LinkConfig, link_records
from core.errors import LocalReachError
from core.jobs import JobContext

FEW = 0.5  # below this share of lines linked, say what to check


def match_text(crm: pd.DataFrame, sales: pd.DataFrame, crm_roles: dict[str, str],
               sales_roles: dict[str, str], ctx: JobContext | None = None) -> str:
    try:
        _, report = link_records(crm, sales, crm_roles, sales_roles, LinkConfig(), ctx)
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
