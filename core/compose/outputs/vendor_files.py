"""Import-ready files for the tools the people came from: Mailchimp, HubSpot, Shopify,
Klaviyo and Google Contacts, one row per contactable person.

Each file has exactly the headers of its profile in :data:`core.vendors.profiles.IMPORTS`
(the tool's import documentation, cited in tests/fixtures/vendors/README.md), so it is
recognised again when it comes back. The person's segment and persona travel as the
tool's tags (Mailchimp, Shopify), labels (Google) or two properties (HubSpot, Klaviyo).

Values are written unchanged. These files are read by another program, not by a
spreadsheet, so no formula-guard apostrophe goes before a value starting with = + - @:
the tool would store the apostrophe as part of the name. Formula safety for files meant
for Excel stays where those are written: :func:`core.io.write_table` (every table the
other commands write, and merge's .csv/.xlsx) prefixes such text with ``'`` in CSV and
writes XLSX cells as plain strings. Open a file from here in the tool, not in Excel.
"""

from __future__ import annotations

import csv
import os

import pandas as pd

from core.atomic import atomic_open
from core.roles import Role
from core.vendors.profiles import IMPORTS

# The tools, as a literal so that `localreach export-to --help` lists them without
# importing this module (app.commands.constant); a test checks it matches IMPORTS.
TOOLS = ("mailchimp", "hubspot", "shopify", "klaviyo", "google")
GOOGLE_GROUP = "* myContacts"  # the label every contact of a Google export carries


def _tags(labels: list[str], quote: bool) -> str:
    """A tag list: comma-separated; Mailchimp wants a tag holding a comma in quotes."""
    return ", ".join(f'"{t}"' if quote and "," in t else t for t in labels if t)


def _row(tool: str, person: pd.Series) -> list[str]:
    labels = [person["segment"], person["persona"]]
    email, first, last = person["email"], person["first_name"], person["last_name"]
    if tool == "mailchimp":
        return [email, first, last, _tags(labels, quote=True)]
    if tool == "shopify":
        return [first, last, email, _tags(labels, quote=False)]
    if tool == "google":
        return [first, last, " ::: ".join([GOOGLE_GROUP, *filter(None, labels)]), "* Home", email]
    return [email, first, last, *labels]  # hubspot, klaviyo: two properties


def _column(frame: pd.DataFrame, roles: dict[str, str], role: Role) -> pd.Series | None:
    column = next((c for c in frame.columns if roles.get(c) == role), None)
    return frame[column].astype(str) if column is not None else None


def people(recipients: pd.DataFrame, roles: dict[str, str], email: str,
           personas: dict[str, dict] | None = None) -> pd.DataFrame:
    """email, first_name, last_name, segment, persona of each recipient (one per person,
    as :func:`core.compose.audience.select` gives them). A full name alone is split at
    its last space; the persona is the name of the segment's persona."""
    empty = pd.Series("", index=recipients.index)
    first = _column(recipients, roles, Role.FIRST_NAME)
    last = _column(recipients, roles, Role.LAST_NAME)
    if first is None and last is None and (full := _column(recipients, roles, Role.FULL_NAME)) is not None:
        parts = full.str.strip().str.rsplit(" ", n=1)
        first = parts.str[0].fillna("")
        last = parts.map(lambda p: p[1] if len(p) > 1 else "")
    segment = (recipients["segment"].astype(str) if "segment" in recipients.columns else empty)
    persona = segment.map(lambda s: str((personas or {}).get(s, {}).get("name", "")))
    return pd.DataFrame({
        "email": recipients[email].astype(str), "first_name": empty if first is None else first,
        "last_name": empty if last is None else last, "segment": segment, "persona": persona,
    }).fillna("")


def write_vendor_file(tool: str, persons: pd.DataFrame, path: str | os.PathLike) -> int:
    """Write ``persons`` (from :func:`people`) as ``tool``'s import file; returns the rows."""
    profile = IMPORTS[tool]
    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(profile.headers)
        writer.writerows(_row(tool, p) for _, p in persons.iterrows())
    return len(persons)
