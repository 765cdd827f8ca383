"""Real tools' exports: each fixture (exact headers from the tool's documentation, see
tests/fixtures/vendors/README.md) is recognised, every column gets its role, and orders
and spend are counted as the tool means them."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from app.cli import main
from core.compose.audience import who_may_be_contacted
from core.io import read_table
from core.privacy.consent import NoConsentInfo
from core.roles import detect_roles
from core.roles.vocabulary import Role as R
from core.vendors import recognise
from core.vendors.orders import in_cents, not_spend_reason, summarise_orders

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"

# fixture -> what it must give (tool, kind, roles, orders, who is left out), written down
# by hand from each file: see the comment at the top of expected.toml
EXPECTED = tomllib.loads((VENDORS / "expected.toml").read_text(encoding="utf-8"))


def test_every_fixture_is_written_down():
    assert sorted(EXPECTED) == sorted(p.name for p in VENDORS.glob("*.csv"))


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_export_recognised_with_every_role(fixture):
    df, report = read_table(VENDORS / fixture)
    match = recognise(df.columns)
    want = EXPECTED[fixture]
    assert match is not None
    assert (match.profile.tool, match.profile.kind) == (want["tool"], want["kind"])
    assert set(match.profile.headers) == set(df.columns)  # the fixture has the full header
    assert match.roles == {c: R(want["roles"].get(c, "other")) for c in df.columns}
    assert match.sentence.startswith("This looks like ")


@pytest.mark.parametrize("fixture", sorted(f for f, w in EXPECTED.items() if "orders" in w))
def test_orders_and_spend_as_the_tool_means_them(fixture):
    df, _report = read_table(VENDORS / fixture)
    summary = summarise_orders(df, recognise(df.columns))
    want = EXPECTED[fixture]["orders"]
    assert (summary.lines, len(summary.orders), summary.spend) == (
        want["lines"], want["counted"], Decimal(want["spend"]))
    assert {r: [summary.set_aside_orders[r], n] for r, n in summary.set_aside_lines.items()} == (
        want["set_aside"])
    assert summary.orders["order"].is_unique


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_who_is_left_out_of_a_mailing(fixture):
    """Opt-outs and missing consent by person, in the tool's own words; a suppression
    list's every row; a file without any consent column is refused until the user says
    on what basis its people may be written to."""
    df, _ = read_table(VENDORS / fixture)
    match = recognise(df.columns)
    want = EXPECTED[fixture]
    assert match.profile.suppression is want.get("suppression", False)
    roles = {c: str(r) for c, r in match.roles.items()}
    if want.get("consent") == "none":
        with pytest.raises(NoConsentInfo):
            who_may_be_contacted(df, roles)
        return
    if want.get("suppression"):
        return  # the rows are the list (test_vendor_round_trip: given as --suppression)
    allowed = who_may_be_contacted(df, roles)
    email = next(c for c, r in roles.items() if r == "email")
    left = allowed.reasons[~allowed.mask]
    assert dict(zip(df.loc[left.index, email].str.lower(), left, strict=True)) == want["left_out"]


def test_shopify_quirks():
    """Phones lose Shopify's leading apostrophe; only the first line item carries totals, and
    the refund of a partially refunded order is subtracted."""
    df, report = read_table(VENDORS / "shopify_customers.csv")
    assert df["Phone"].tolist()[:2] == ["+4915112345678", "+447700900123"]
    assert any("apostrophe" in w for w in report.warnings)
    orders, _ = read_table(VENDORS / "shopify_orders.csv")
    summary = summarise_orders(orders, recognise(orders.columns))
    spend = dict(zip(summary.orders["order"], summary.orders["amount"], strict=True))
    assert spend == {"#1001": Decimal("59.90"), "#1002": Decimal("25.00"),
                     "#1006": Decimal("80.00"), "#1008": Decimal("45.50")}  # fmt: skip
    assert summary.report() == [
        "4 order(s) from 13 line(s) count as spend.",
        "Set aside as no spend: 1 cancelled (1 line(s)), 1 pending (2 line(s)), "
        "1 refunded (1 line(s)), 1 voided (1 line(s)).",
    ]


def test_etsy_spend_is_what_was_kept_after_refunds():
    """Etsy's 'Adjusted Order Total' is the order total after a refund: Tom's #3005 was
    refunded in full (0.00: no spend), Amélie's #3006 in part (40.00 -> 25.00); orders
    without an adjustment keep their 'Order Total'. A file writing 0.00 in all three
    adjusted columns for "no adjustment" does not lose the order."""
    df, _ = read_table(VENDORS / "etsy_sold_orders.csv")
    summary = summarise_orders(df, recognise(df.columns))
    spend = dict(zip(summary.orders["order"], summary.orders["amount"], strict=True))
    assert spend == {"3001": Decimal("35.00"), "3002": Decimal("30.00"),
                     "3003": Decimal("20.50"), "3004": Decimal("30.00"),
                     "3006": Decimal("25.00")}  # fmt: skip
    assert summary.report()[1] == "Set aside as no spend: 1 refunded (1 line(s))."
    adjusted = ["Adjusted Order Total", "Adjusted Card Processing Fees",
                "Adjusted Net Order Amount"]
    df.loc[df["Order ID"] == "3001", adjusted] = "0.00"
    zeros = summarise_orders(df, recognise(df.columns))
    assert zeros.spend == Decimal("140.50") and "3001" in set(zeros.orders["order"])


def test_square_refunds_are_rows_of_their_own():
    """Square's Transactions export writes a refund as a row of its own (Event Type
    Refund, negative amounts): Olivia's grinder, paid and refunded under one Transaction
    ID, is no spend; Noah's partial refund is already off his Total Collected (25.00);
    the walk-in's cash sale counts, with no customer."""
    df, _ = read_table(VENDORS / "square_transactions.csv")
    summary = summarise_orders(df, recognise(df.columns))
    spend = dict(zip(summary.orders["order"], summary.orders["customer"], strict=True))
    assert "aX6yF2lv7Dc5WpEsQ8rG4uVjBiZZY" not in spend
    assert spend["bY7zG3mw8Ed6XqFtR9sH5vWkCjAZY"] == ""
    partial = summary.orders.set_index("order").loc["xU3vC9is4Az2TmBpN5oD1rSgYfWZY", "amount"]
    assert partial == Decimal("25.00")
    assert summary.report()[1] == "Set aside as no spend: 1 refunded (2 line(s))."


@pytest.mark.parametrize("fixture, stage", [("hubspot_deals.csv", "Deal Stage"),
                                            ("salesforce_opportunities.csv", "Stage")])
def test_a_crm_deal_is_spend_only_once_won(fixture, stage):
    """Only the won stage is spend; a stage the shop made up is an open deal, like the
    tool's own open stages, and a lost deal is lost."""
    df, _ = read_table(VENDORS / fixture)
    df[stage] = df[stage].replace({"Contract sent": "Waiting for PO",
                                   "Negotiation/Review": "Waiting for PO"})
    summary = summarise_orders(df, recognise(df.columns))
    won = EXPECTED[fixture]["orders"]
    assert (len(summary.orders), summary.spend) == (won["counted"], Decimal(won["spend"]))
    assert summary.set_aside_orders == {"lost": 1, "pending": won["set_aside"]["pending"][0]}


def test_zoho_sales_orders_with_line_items_count_each_order_once():
    """The same four sales orders exported with their line items (9 rows, Grand Total on
    every row of its order) give the same orders and spend as one row per order: the
    Approved 300.00 and the Delivered 150.00, each once."""
    def spend(name):
        df, _ = read_table(VENDORS / name)
        summary = summarise_orders(df, recognise(df.columns))
        return dict(zip(summary.orders["order"], summary.orders["amount"], strict=True))

    assert spend("zoho_sales_orders_items.csv") == spend("zoho_sales_orders.csv") == {
        "5725767000000501007": Decimal("300.00"), "5725767000000501008": Decimal("150.00")}


def test_salesforce_footer_is_not_people():
    df, report = read_table(VENDORS / "salesforce_contacts.csv")
    assert len(df) == 4 and report.set_aside == {"footer": 4}


@pytest.mark.parametrize(
    "status, reason",
    [("Storniert", "cancelled"), ("Rückerstattet", "refunded"), ("Annulé", "cancelled"),
     ("wc-on-hold", "pending"), ("voided", "voided"), ("Fehlgeschlagen", "failed"),
     ("paid", None), ("partially_refunded", None), ("completed", None), ("Bezahlt", None)],
)  # fmt: skip
def test_status_words_in_the_tools_languages(status, reason):
    assert not_spend_reason(status) == reason


def test_stripe_amounts_in_cents_when_the_header_says_so():
    assert in_cents("Amount (cents)") and in_cents("amount") and not in_cents("Amount")
    df, _ = read_table(VENDORS / "stripe_payments.csv")
    api = df.rename(columns={"Amount": "amount", "Amount Refunded": "amount_refunded"})
    api["amount"] = [str(int(Decimal(v) * 100)) for v in df["Amount"]]
    api["Amount Refunded"] = [str(int(Decimal(v) * 100)) for v in df["Amount Refunded"]]
    summary = summarise_orders(api.drop(columns="amount_refunded"), recognise(df.columns))
    assert summary.spend == Decimal("160.00")


def test_unknown_file_is_not_forced_into_a_tool():
    assert recognise(pd.Index(["Name", "Email", "Phone", "City"])) is None


@pytest.mark.parametrize("fixture", ["square_customers.csv",
                                     "square_customers_email_unsubscribed.csv"])
def test_detect_roles_takes_the_tools_roles(fixture):
    """The vendor profile wins over guessing (0.95); a custom column keeps its guess.
    Square's two ways of writing opt-outs: 'Email Subscription Status' (Subscribed /
    Unsubscribed, a consent) or 'Email Unsubscribed' (True / False, an opt-out)."""
    df, _ = read_table(VENDORS / fixture)
    df["Lieblingsfarbe"] = "blau"
    guesses = detect_roles(df)
    roles = EXPECTED[fixture]["roles"]
    assert {c: g.role for c, g in guesses.items() if c != "Lieblingsfarbe"} == {
        c: R(roles.get(c, "other")) for c in df.columns if c != "Lieblingsfarbe"
    }
    assert guesses["Instant Profile"].role is R.OTHER  # was taken for consent / a country
    assert {g.confidence for c, g in guesses.items() if c != "Lieblingsfarbe"} == {0.95}
    assert guesses["Lieblingsfarbe"].reason != guesses["City"].reason


def test_profile_command_names_the_tool_and_counts_orders(capsys):
    assert main(["profile", str(VENDORS / "woocommerce_orders.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:4] == [
        "This looks like a WooCommerce orders export (one row per item).",
        "4 order(s) from 13 line(s) count as spend.",
        "Set aside as no spend: 1 cancelled (2 line(s)), 1 failed (1 line(s)), "
        "1 pending (1 line(s)), 1 refunded (1 line(s)).",
    ]
    assert main(["profile", str(VENDORS / "hubspot_contacts.csv"), "--json"]) == 0
    tool = json.loads(capsys.readouterr().out)["tool"]
    assert tool == {"tool": "hubspot", "kind": "contacts",
                    "notes": ["This looks like a HubSpot contacts export."]}  # fmt: skip


@pytest.mark.parametrize("module", ["ui/screens/imports/screen.py", "ui/widgets/rerun_dialog.py"])
def test_file_dialogs_list_every_workbook_the_import_reads(module):
    """Read as text: core tests never import the GUI."""
    from core.io.read import WORKBOOK_SUFFIXES

    source = (Path(__file__).parents[2] / module).read_text(encoding="utf-8")
    line = next(s for s in source.splitlines() if s.startswith("FILE_FILTER = "))
    assert all(f"*{suffix}" in line.split(";;")[0] for suffix in WORKBOOK_SUFFIXES)


def test_an_orders_export_id_is_no_customer_id():
    """PrestaShop's customers and orders exports both have an 'ID' column: the orders' is
    the order's, so no order is linked to customer 1, 2... by it (it was: order 2 of
    Franck went to Michèle, customer 2). The orders name the buyer only as 'F. Chauvet',
    so nothing links, and the empty candidate list is no crash."""
    from core.dedupe.link import link_records

    crm, _ = read_table(VENDORS / "prestashop_customers.csv")
    orders, _ = read_table(VENDORS / "prestashop_orders.csv")
    roles = [{c: str(r) for c, r in recognise(f.columns).roles.items()} for f in (crm, orders)]
    linked, report = link_records(crm, orders, *roles)
    assert (linked["matched_id"].astype(str).str.strip() == "").all()
