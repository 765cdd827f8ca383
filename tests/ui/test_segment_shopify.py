"""A Shopify shop's two exports through Import and Segments: the customers export has
ids and e-mails, the orders export names the buyer by e-mail only, so the groups link the
orders by e-mail (it stopped with "no 'customer_id' column" before). Orders Shopify marks
cancelled, pending, refunded or voided are no spend."""

from pathlib import Path

from tests.ui.segments_support import import_and_find_groups

VENDORS = Path(__file__).resolve().parents[1] / "fixtures" / "vendors"


def test_shopify_customers_and_orders_find_groups(window, qtbot):
    files = {"crm": VENDORS / "shopify_customers.csv", "sales": VENDORS / "shopify_orders.csv"}
    assert import_and_find_groups(window, qtbot, files) == []
    assert window.document.roles("sales")["Email"] == "email"
    assert "Customer ID" not in window.document.frame("sales").columns
    segments = window.screens["segments"]
    out = window.document.frame("crm").set_index("Email")
    # kept orders: Anna #1001 59.90 + #1008 45.50; Ben #1002 25.00 (#1007 cancelled);
    # Daan #1006, partly refunded (#1004 pending); Chloe's order voided, Emma's refunded
    assert out.loc["anna.schmidt@example.de", ["frequency", "monetary"]].tolist() == [2, 105.4]
    assert out.loc["ben.okafor@example.co.uk", ["frequency", "monetary"]].tolist() == [1, 25.0]
    assert out.loc["daan@example.nl", ["frequency", "monetary"]].tolist() == [1, 80.0]
    assert segments.summary.text() == "3 people with orders in 3 named segments; 3 without any order."
