"""A Shopify shop's two exports through Import and Segments: the customers export has
ids and e-mails, the orders export names the buyer by e-mail only, so the groups link the
orders by e-mail (it stopped with "no 'customer_id' column" before). Orders Shopify marks
cancelled, pending, refunded or voided are no spend."""

from pathlib import Path

VENDORS = Path(__file__).resolve().parents[1] / "fixtures" / "vendors"


def test_shopify_customers_and_orders_find_groups(window, qtbot):
    imports = window.screens["import"]
    for target, name in (("crm", "shopify_customers.csv"), ("sales", "shopify_orders.csv")):
        imports.preview_file(target, VENDORS / name)
        qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=30000)
        imports.import_pending()
        qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=30000)
    assert window.document.roles("sales")["Email"] == "email"
    assert "Customer ID" not in window.document.frame("sales").columns
    errors = []
    segments = window.screens["segments"]
    segments.show_error = errors.append
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None or bool(errors), timeout=30000)
    assert errors == []
    out = window.document.frame("crm").set_index("Email")
    # kept orders: Anna #1001 59.90 + #1008 45.50; Ben #1002 25.00 (#1007 cancelled);
    # Daan #1006, partly refunded (#1004 pending); Chloe's order voided, Emma's refunded
    assert out.loc["anna.schmidt@example.de", ["frequency", "monetary"]].tolist() == [2, 105.4]
    assert out.loc["ben.okafor@example.co.uk", ["frequency", "monetary"]].tolist() == [1, 25.0]
    assert out.loc["daan@example.nl", ["frequency", "monetary"]].tolist() == [1, 80.0]
    assert segments.summary.text() == "3 people with orders in 3 named segments; 3 without any order."
