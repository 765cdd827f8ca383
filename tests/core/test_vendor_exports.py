"""Real tools' exports: each fixture (exact headers from the tool's documentation, see
tests/fixtures/vendors/README.md) is recognised, every column gets its role, and orders
and spend are counted as the tool means them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from app.cli import main
from core.io import read_table
from core.roles import detect_roles
from core.roles.vocabulary import Role as R
from core.vendors import recognise
from core.vendors.orders import in_cents, not_spend_reason, summarise_orders

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"

# fixture -> (tool, kind, every column that is not OTHER with its role)
EXPECTED = {
    "shopify_customers.csv": ("shopify", "customers", {
        "Customer ID": R.CUSTOMER_ID, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
        "Email": R.EMAIL, "Accepts Email Marketing": R.CONSENT,
        "Default Address Company": R.COMPANY, "Default Address Address1": R.STREET,
        "Default Address City": R.CITY, "Default Address Country Code": R.COUNTRY,
        "Default Address Zip": R.POSTCODE, "Default Address Phone": R.PHONE, "Phone": R.PHONE,
        "Total Spent": R.AMOUNT}),
    "shopify_orders.csv": ("shopify", "orders", {
        "Name": R.ORDER_ID, "Email": R.EMAIL, "Accepts Marketing": R.CONSENT,
        "Currency": R.CURRENCY, "Total": R.AMOUNT, "Discount Amount": R.DISCOUNT,
        "Created at": R.ORDER_DATE, "Lineitem quantity": R.QUANTITY, "Lineitem name": R.PRODUCT,
        "Billing Name": R.FULL_NAME, "Billing Address1": R.STREET, "Billing Company": R.COMPANY,
        "Billing City": R.CITY, "Billing Zip": R.POSTCODE, "Billing Country": R.COUNTRY,
        "Billing Phone": R.PHONE, "Phone": R.PHONE, "Source": R.CHANNEL}),
    "woocommerce_orders.csv": ("woocommerce", "orders", {
        "order_id": R.ORDER_ID, "order_date": R.ORDER_DATE, "discount_total": R.DISCOUNT,
        "order_total": R.AMOUNT, "order_currency": R.CURRENCY, "customer_id": R.CUSTOMER_ID,
        "billing_first_name": R.FIRST_NAME, "billing_last_name": R.LAST_NAME,
        "billing_company": R.COMPANY, "billing_email": R.EMAIL, "billing_phone": R.PHONE,
        "billing_address_1": R.STREET, "billing_postcode": R.POSTCODE, "billing_city": R.CITY,
        "billing_country": R.COUNTRY, "item_name": R.PRODUCT, "item_quantity": R.QUANTITY}),
    "etsy_sold_order_items.csv": ("etsy", "orders", {
        "Sale Date": R.ORDER_DATE, "Item Name": R.PRODUCT, "Buyer": R.CUSTOMER_ID,
        "Quantity": R.QUANTITY, "Discount Amount": R.DISCOUNT, "Item Total": R.AMOUNT,
        "Currency": R.CURRENCY, "Ship Name": R.FULL_NAME, "Ship Address1": R.STREET,
        "Ship City": R.CITY, "Ship Zipcode": R.POSTCODE, "Ship Country": R.COUNTRY,
        "Order ID": R.ORDER_ID}),
    "square_customers.csv": ("square", "customers", {
        "Square Customer ID": R.CUSTOMER_ID, "First Name": R.FIRST_NAME,
        "Last Name": R.LAST_NAME, "Email Address": R.EMAIL, "Phone Number": R.PHONE,
        "Company Name": R.COMPANY, "Street Address 1": R.STREET, "City": R.CITY,
        "Postal Code": R.POSTCODE, "Birthday": R.DATE_OF_BIRTH, "Total Spend": R.AMOUNT,
        "Email Subscription Status": R.CONSENT}),
    "stripe_customers.csv": ("stripe", "customers", {
        "id": R.CUSTOMER_ID, "Email": R.EMAIL, "Name": R.FULL_NAME,
        "Card Address Line1": R.STREET, "Card Address City": R.CITY,
        "Card Address Country": R.COUNTRY, "Card Address Zip": R.POSTCODE,
        "Currency": R.CURRENCY, "Total Spend": R.AMOUNT}),
    "stripe_payments.csv": ("stripe", "payments", {
        "id": R.ORDER_ID, "Created (UTC)": R.ORDER_DATE, "Amount": R.AMOUNT,
        "Currency": R.CURRENCY, "Description": R.PRODUCT, "Card Name": R.FULL_NAME,
        "Card Address Country": R.COUNTRY, "Customer ID": R.CUSTOMER_ID,
        "Customer Email": R.EMAIL}),
    "hubspot_contacts.csv": ("hubspot", "contacts", {
        "Record ID": R.CUSTOMER_ID, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
        "Email": R.EMAIL, "Phone Number": R.PHONE, "Company Name": R.COMPANY,
        "Street Address": R.STREET, "City": R.CITY, "Postal Code": R.POSTCODE,
        "Country/Region": R.COUNTRY, "Unsubscribed from all email": R.OPT_OUT}),
    "mailchimp_subscribed.csv": ("mailchimp", "subscribed", {
        "Email Address": R.EMAIL, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
        "Address": R.STREET, "Phone Number": R.PHONE, "CC": R.COUNTRY, "LEID": R.CUSTOMER_ID,
        "OPTIN_TIME": R.CONSENT}),
    "mailchimp_unsubscribed.csv": ("mailchimp", "unsubscribed", {
        "Email Address": R.EMAIL, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
        "Address": R.STREET, "Phone Number": R.PHONE, "CC": R.COUNTRY, "LEID": R.CUSTOMER_ID,
        "UNSUB_TIME": R.OPT_OUT}),
    "mailchimp_cleaned.csv": ("mailchimp", "cleaned", {
        "Email Address": R.EMAIL, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
        "Address": R.STREET, "Phone Number": R.PHONE, "CC": R.COUNTRY, "LEID": R.CUSTOMER_ID,
        "CLEAN_TIME": R.OPT_OUT}),
    "salesforce_contacts.csv": ("salesforce", "contacts", {
        "Contact ID": R.CUSTOMER_ID, "Salutation": R.GENDER, "First Name": R.FIRST_NAME,
        "Last Name": R.LAST_NAME, "Account Name": R.COMPANY, "Mailing Street": R.STREET,
        "Mailing City": R.CITY, "Mailing Zip/Postal Code": R.POSTCODE,
        "Mailing Country": R.COUNTRY, "Phone": R.PHONE, "Mobile": R.PHONE, "Email": R.EMAIL,
        "Email Opt Out": R.OPT_OUT, "Lead Source": R.CHANNEL, "Birthdate": R.DATE_OF_BIRTH}),
    "google_contacts.csv": ("google", "contacts", {
        "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME, "Organization Name": R.COMPANY,
        "Birthday": R.DATE_OF_BIRTH, "E-mail 1 - Value": R.EMAIL, "Phone 1 - Value": R.PHONE,
        "Phone 2 - Value": R.PHONE, "Address 1 - Street": R.STREET,
        "Address 1 - City": R.CITY, "Address 1 - Postal Code": R.POSTCODE,
        "Address 1 - Country": R.COUNTRY}),
    "outlook_contacts.csv": ("outlook", "contacts", {
        "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME, "Title": R.GENDER,
        "E-mail Address": R.EMAIL, "Home Phone": R.PHONE, "Business Phone": R.PHONE,
        "Mobile Phone": R.PHONE, "Company": R.COMPANY, "Home Street": R.STREET,
        "Home City": R.CITY, "Home Postal Code": R.POSTCODE, "Home Country/Region": R.COUNTRY,
        "Birthday": R.DATE_OF_BIRTH}),
    "outlook_contacts_de.csv": ("outlook", "contacts (German)", {
        "Anrede": R.GENDER, "Vorname": R.FIRST_NAME, "Nachname": R.LAST_NAME,
        "Firma": R.COMPANY, "Straße privat": R.STREET, "Ort privat": R.CITY,
        "Postleitzahl privat": R.POSTCODE, "Land/Region privat": R.COUNTRY,
        "Telefon geschäftlich": R.PHONE, "Telefon privat": R.PHONE, "Mobiltelefon": R.PHONE,
        "E-Mail-Adresse": R.EMAIL, "Geburtstag": R.DATE_OF_BIRTH}),
}  # fmt: skip

# fixture -> (lines, orders counted, spend, set aside by reason as (orders, lines))
ORDERS = {
    "shopify_orders.csv": (13, 4, "210.40", {
        "voided": (1, 1), "pending": (1, 2), "refunded": (1, 1), "cancelled": (1, 1)}),
    "woocommerce_orders.csv": (13, 4, "200.00", {
        "cancelled": (1, 2), "refunded": (1, 1), "failed": (1, 1), "pending": (1, 1)}),
    "etsy_sold_order_items.csv": (7, 4, "100.00", {}),
    "stripe_payments.csv": (7, 4, "160.00", {"failed": (1, 1), "refunded": (1, 1), "pending": (1, 1)}),
}  # fmt: skip


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_export_recognised_with_every_role(fixture):
    df, report = read_table(VENDORS / fixture)
    match = recognise(df.columns)
    tool, kind, roles = EXPECTED[fixture]
    assert match is not None
    assert (match.profile.tool, match.profile.kind) == (tool, kind)
    assert set(match.profile.headers) == set(df.columns)  # the fixture has the full header
    assert match.roles == {c: roles.get(c, R.OTHER) for c in df.columns}
    assert match.sentence.startswith("This looks like ")


@pytest.mark.parametrize("fixture", sorted(ORDERS))
def test_orders_and_spend_as_the_tool_means_them(fixture):
    df, _report = read_table(VENDORS / fixture)
    summary = summarise_orders(df, recognise(df.columns))
    lines, orders, spend, aside = ORDERS[fixture]
    assert (summary.lines, len(summary.orders), summary.spend) == (lines, orders, Decimal(spend))
    assert {r: (summary.set_aside_orders[r], n) for r, n in summary.set_aside_lines.items()} == aside
    assert summary.orders["order"].is_unique


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


def test_detect_roles_takes_the_tools_roles(tmp_path):
    """The vendor profile wins over guessing (0.95); a custom column keeps its guess."""
    df, _ = read_table(VENDORS / "square_customers.csv")
    df["Lieblingsfarbe"] = "blau"
    guesses = detect_roles(df)
    _tool, _kind, roles = EXPECTED["square_customers.csv"]
    assert {c: g.role for c, g in guesses.items() if c != "Lieblingsfarbe"} == {
        c: roles.get(c, R.OTHER) for c in df.columns if c != "Lieblingsfarbe"
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
