"""The Import screen's sentence on an events file (issue 14): its format, and how many
of its events find a customer through the list's column of the events' key, as the
segment step joins them (e-mails in any case; keys the list lacks belong to nobody)."""

from __future__ import annotations

from pathlib import Path

from app.actions import imports
from app.document import Document
from core.io import read_table

FIXTURES = Path(__file__).parents[1] / "fixtures"
EVENTS = FIXTURES / "events"
CUSTOMERS = FIXTURES / "vendors" / "shopify_customers.csv"


def _sentence(events: Path, crm=None, roles: dict | None = None) -> str:
    doc = Document()
    if crm is not None:
        doc.set_source("crm", crm, {"path": str(CUSTOMERS)}, roles or imports.detected_roles(crm), "Import")
    imports.add_events(doc, events).run()
    return imports.events_text(doc).run()


def test_shopify_checkouts_find_their_customers_by_e_mail_in_any_case():
    crm, _ = read_table(CUSTOMERS)
    assert _sentence(EVENTS / "shopify_abandoned_checkouts.csv", crm) == (
        "This looks like a Shopify abandoned checkouts export: 7 of 7 events belong to a customer.")
    # without Ben's record his two checkouts (one spelt in capitals) are nobody's
    assert _sentence(EVENTS / "shopify_abandoned_checkouts.csv", crm.drop(index=1)) == (
        "This looks like a Shopify abandoned checkouts export: 5 of 7 events belong to a customer.")


def test_a_visits_log_counts_actions_and_waits_for_a_customer_list():
    assert _sentence(EVENTS / "matomo_visits_log.csv") == (
        "This looks like a Matomo visits log export (Live.getLastVisitsDetails as CSV): 19 events; "
        "import a customer list to find whose they are.")


def test_a_customer_list_without_the_events_key_says_what_to_mark():
    crm, _ = read_table(CUSTOMERS)
    roles = {**imports.detected_roles(crm), "Email": "other"}
    assert _sentence(EVENTS / "shopify_abandoned_checkouts.csv", crm, roles) == (
        "This looks like a Shopify abandoned checkouts export. Finding whose the events are "
        "needs an e-mail address: mark one column as E-mail address.")
    assert imports.events_text(Document()) is None
