"""Back into the tools and round again, from the command line: clean -> dedupe -> link ->
segment -> export-to on each customers + orders pair (Shopify, Stripe, WooCommerce,
Zoho, Pipedrive, Square, HubSpot, Salesforce); every import file has exactly the
headers its tool's import documentation lists (tests/fixtures/vendors/README.md) and is
recognised again with the same people; next month's Mailchimp and HubSpot exports keep
everyone who left the list out."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from core.compose.outputs.vendor_files import TOOLS
from core.io import read_table
from core.vendors import recognise

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"
HEADERS = {
    "mailchimp": ["Email Address", "First Name", "Last Name", "Tags"],
    "hubspot": ["Email", "First Name", "Last Name", "LocalReach Segment", "LocalReach Persona"],
    "shopify": ["First Name", "Last Name", "Email", "Tags"],
    "klaviyo": ["Email", "First Name", "Last Name", "localreach_segment", "localreach_persona"],
    "google": ["First Name", "Last Name", "Labels", "E-mail 1 - Label", "E-mail 1 - Value"],
}
# pair -> (customers, orders, id column, orders per person by e-mail, export-to options,
#          recipients). Shopify: Anna's #1001 and #1008 (her second record is the same
# person), Ben's #1002 (#1007 cancelled), Daan's #1006 (#1004 pending); Ben and Daan did
# not accept e-mail marketing. Stripe: Isabel (two customer records) paid 3 times, Karl
# once (his refunded payment is no order), Paul's failed and incomplete payments count
# nothing; a Stripe list holds no consent, so the legal basis is recorded.
PAIRS = {
    "shopify": ("shopify_customers.csv", "shopify_orders.csv", "Customer ID",
                {"anna.schmidt@example.de": 2, "ben.okafor@example.co.uk": 1,
                 "daan@example.nl": 1, "chloe.martin@example.fr": 0,
                 "emma.wilson@example.com.au": 0}, [],
                ["anna.schmidt@example.de", "chloe.martin@example.fr",
                 "emma.wilson@example.com.au"]),
    "stripe": ("stripe_customers.csv", "stripe_payments.csv", "id",
               {"isabel.costa@example.pt": 3, "karl.berg@example.se": 1,
                "paul.meyer@example.at": 0}, ["--consent", "none=allow"],
               ["isabel.costa@example.pt", "karl.berg@example.se", "paul.meyer@example.at"]),
    # WooCommerce: Jörg's #2001 and #2008 (#2003 cancelled), Sophie's #2002 and #2005 (her
    # second account is the same person, one recipient); Lars' refunded and Mia's failed
    # and on-hold guest orders count nothing; no consent column, so the basis is given.
    "woocommerce": ("woocommerce_customers.csv", "woocommerce_orders.csv", "customer_id",
                    {"joerg.weber@example.de": 2, "sophie.lambert@example.be": 2,
                     "sophie.l@example.be": 2, "lars.jansen@example.nl": 0,
                     "mia.keller@example.ch": 0}, ["--consent", "none=allow"],
                    ["joerg.weber@example.de", "lars.jansen@example.nl", "mia.keller@example.ch",
                     "sophie.lambert@example.be"]),
    # Zoho: Veronica's Approved order (her Created one is not yet spend), Agostino's
    # Delivered one; Ágata's was Cancelled. Agostino opted out.
    "zoho": ("zoho_contacts.csv", "zoho_sales_orders.csv", "Record Id",
             {"veronica.roccabonella@example.it": 1, "v.roccabonella@example.it": 1,
              "agostino.ferretti@example.it": 1, "agata.casanova@example.es": 0}, [],
             ["agata.casanova@example.es", "veronica.roccabonella@example.it"]),
    # the same sales orders with their line items (several rows an order): same counts
    "zoho_items": ("zoho_contacts.csv", "zoho_sales_orders_items.csv", "Record Id",
                   {"veronica.roccabonella@example.it": 1, "v.roccabonella@example.it": 1,
                    "agostino.ferretti@example.it": 1, "agata.casanova@example.es": 0}, [],
                   ["agata.casanova@example.es", "veronica.roccabonella@example.it"]),
    # Pipedrive: Milo's two won deals, Ivan's won one (his open one and Twan's lost one
    # are no spend); Twan unsubscribed, Ivan gave no consent.
    "pipedrive": ("pipedrive_people.csv", "pipedrive_deals.csv", "Person - ID",
                  {"milo.moet@ponci.example.nl": 2, "twan@kwaadland.example.nl": 0,
                   "ivan.seifert@conradi.example.de": 1, "nico.forstner@kollmann.example.at": 0},
                  [], ["milo.moet@ponci.example.nl", "nico.forstner@kollmann.example.at"]),
    # Square: Noah's two payments (one partly refunded), Olivia's two under her two
    # records (her refunded grinder is no order), Ava's one; a walk-in's cash sale links
    # to nobody. Olivia unsubscribed, Ava has no subscription status.
    "square": ("square_customers.csv", "square_transactions.csv", "Square Customer ID",
               {"noah.smith@example.com": 2, "olivia.brown@example.com": 2,
                "liam.nguyen@example.com": 0, "ava.garcia@example.com": 1}, [],
               ["liam.nguyen@example.com", "noah.smith@example.com"]),
    # HubSpot: Grace's two closed-won deals (one under each of her records), Jan's one;
    # Hans' lost and open deals and Inès' open one count nothing. Hans and Jan
    # unsubscribed from all email.
    "hubspot": ("hubspot_contacts.csv", "hubspot_deals.csv", "Record ID",
                {"grace@example.com": 2, "hans.zimmer@example.de": 0,
                 "ines.dubois@example.fr": 0, "jan.kowalski@example.pl": 1}, [],
                ["grace@example.com", "ines.dubois@example.fr"]),
    # Salesforce: Priya's two Closed Won (one a record each), Rosa's one (her deal in
    # Negotiation/Review is open), Quentin's Closed Lost; Priya opted out on one of her
    # records and Quentin on his, so Rosa alone is mailed.
    "salesforce": ("salesforce_contacts.csv", "salesforce_opportunities.csv", "Contact ID",
                   {"priya.patel@example.co.uk": 2, "p.patel@example.co.uk": 2,
                    "quentin.moreau@example.fr": 0, "rosa.fischer@example.de": 1}, [],
                   ["rosa.fischer@example.de"]),
}  # fmt: skip


def _run(*argv) -> None:
    assert main([str(a) for a in argv]) == 0


def _segmented(tmp: Path, customers: str, orders: str, id_column: str) -> Path:
    _run("clean", VENDORS / customers, "-o", tmp / "c.csv")
    _run("clean", VENDORS / orders, "-o", tmp / "o.csv")
    _run("dedupe", tmp / "c.csv", "-o", tmp / "d.csv")
    _run("link", tmp / "d.csv", tmp / "o.csv", "-o", tmp / "l.csv")
    _run("segment", tmp / "d.csv", "--sales", tmp / "l.csv", "--id-column", id_column,
         "-o", tmp / "s.csv")
    return tmp / "s.csv"


def _emails(path: Path) -> list[str]:
    df, _ = read_table(path)
    match = recognise(df.columns)
    column = next(c for c, r in match.roles.items() if r == "email")
    return sorted(df[column].str.lower())


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_clean_dedupe_segment_export_on_each_pair(pair, tmp_path, capsys):
    customers, orders, id_column, per_person, options, recipients = PAIRS[pair]
    segmented, _ = read_table(_segmented(tmp_path, customers, orders, id_column))
    email = next(c for c, r in recognise(segmented.columns).roles.items() if r == "email")
    orders_of = {}
    for e, n in zip(segmented[email].str.lower(), segmented["frequency"], strict=True):
        orders_of[e] = max(orders_of.get(e, 0), int(float(n or 0)))
    assert orders_of == per_person
    # every tool's file on the first pairs; the later ones (a CLI run costs seconds) go
    # to Mailchimp only: their point is the orders and who is left out
    for tool in TOOLS if pair in ("shopify", "stripe") else ("mailchimp",):
        out = tmp_path / f"{tool}.csv"
        _run("export-to", tool, tmp_path / "s.csv", "-o", out, *options)
        assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(HEADERS[tool])
        back, _ = read_table(out)
        match = recognise(back.columns)
        assert (match.profile.tool, match.profile.kind) == (tool, "import")
        assert _emails(out) == recipients


def test_next_months_mailchimp_export_keeps_who_left_out(tmp_path):
    """Luca is subscribed in one file and unsubscribed in the other: the unsubscribed and
    cleaned exports are suppression lists, so only Kate and Mara go back."""
    sub = VENDORS / "mailchimp_subscribed.csv"
    assert recognise(read_table(sub)[0].columns).profile.kind == "subscribed"
    out = tmp_path / "mailchimp.csv"
    _run("export-to", "mailchimp", sub, "-o", out,
         "--suppression", VENDORS / "mailchimp_unsubscribed.csv",
         "--suppression", VENDORS / "mailchimp_cleaned.csv")
    assert _emails(out) == ["kate.ryan@example.ie", "mara.ionescu@example.ro"]
    assert main(["export-to", "mailchimp", str(VENDORS / "mailchimp_unsubscribed.csv"),
                 "-o", str(tmp_path / "x.csv")]) == 2  # a suppression list is no audience


def test_next_months_hubspot_export_honours_unsubscribed_from_all_email(tmp_path):
    """Hans unsubscribed from all e-mail; Grace's two records (GRACE@...) are one person."""
    out = tmp_path / "hubspot.csv"
    _run("export-to", "hubspot", VENDORS / "hubspot_contacts.csv", "-o", out)
    assert _emails(out) == ["grace@example.com", "ines.dubois@example.fr"]


@pytest.mark.parametrize("fixture, recipients", [
    ("square_customers.csv", ["liam.nguyen@example.com", "noah.smith@example.com"]),
    ("square_customers_email_unsubscribed.csv",
     ["emilie.tremblay@example.ca", "noah.gagnon@example.ca", "olivia.chen@example.ca"]),
])  # fmt: skip
def test_square_unsubscribed_people_are_never_mailed(fixture, recipients, tmp_path):
    """Olivia Brown ('Unsubscribed') and Liam MacDonald ('Email Unsubscribed' True, both
    of his records) are left out; Ava, with no subscription status, too."""
    out = tmp_path / "mailchimp.csv"
    _run("export-to", "mailchimp", VENDORS / fixture, "-o", out)
    assert _emails(out) == recipients


def test_values_go_to_the_tool_unchanged(tmp_path):
    """A name that looks like a formula is no formula to Mailchimp: no apostrophe added."""
    crm = tmp_path / "crm.csv"
    crm.write_text("email,first_name,last_name,consent,segment\n"
                   "a@example.com,=Ann,-Lee,yes,Champions\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    _run("export-to", "mailchimp", crm, "-o", out)
    assert out.read_text(encoding="utf-8").splitlines()[1] == "a@example.com,=Ann,-Lee,Champions"


def test_the_tool_list_the_help_shows_is_every_import_profile():
    from core.vendors.profiles import IMPORTS

    assert TOOLS == tuple(IMPORTS)
