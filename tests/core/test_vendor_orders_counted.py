"""Orders as the tool means them wherever spend and orders are computed: the segment
step (and personas, through the same features) counts a tool's orders once, and never
counts cancelled, voided, failed, pending or refunded orders -- also in the role-named
view the Segments screen reads, and in any sales file with a status column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from core.io import read_table
from core.roles import detect_roles
from core.segment.features import FeatureConfig, build_features
from core.vendors.orders import count_orders, orders_export

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"
ENGINE_ROLES = {"customer_id", "email", "order_id", "order_date", "amount", "product"}
# fixture -> (lines kept, spend)
KEPT = {"shopify_orders.csv": (8, "210.40"), "woocommerce_orders.csv": (8, "200.00"),
        "etsy_sold_order_items.csv": (7, "100.00"), "stripe_payments.csv": (4, "160.00"),
        "zoho_sales_orders_items.csv": (5, "450.00"), "square_transactions.csv": (6, "134.96"),
        "hubspot_deals.csv": (3, "6900"), "salesforce_opportunities.csv": (3, "23500.00"),
        "etsy_sold_orders_gb.csv": (5, "118.80"), "pipedrive_deals.csv": (3, "2450")}


def _role_view(df: pd.DataFrame) -> pd.DataFrame:
    """The columns renamed to their roles, as ui/segment_inputs.engine_inputs does."""
    roles = {c: str(g.role) for c, g in detect_roles(df).items()}
    return df.rename(columns={c: r for c, r in roles.items()
                              if r in ENGINE_ROLES and c != r and r not in df.columns})


@pytest.mark.parametrize("fixture", sorted(KEPT))
@pytest.mark.parametrize("view", [False, True])
def test_counted_lines_sum_to_the_tools_spend(fixture, view):
    df, _ = read_table(VENDORS / fixture)
    df = _role_view(df) if view else df
    out, summary = count_orders(df)
    lines, spend = KEPT[fixture]
    assert len(out) == lines and summary.spend == Decimal(spend)
    assert sum(Decimal(a) for a in out["amount"]) == Decimal(spend)
    assert {"order_date", "amount"} <= set(out.columns)


def test_a_plain_sales_file_named_by_roles_is_no_tools_export():
    plain = pd.Index(["order_id", "order_date", "amount", "email", "product", "status"])
    assert orders_export(plain) is None


def test_any_sales_file_with_a_status_column():
    sales = pd.DataFrame({
        "order_id": ["1", "1", "2", "3", "4"], "amount": ["10", "5", "7", "8", "9"],
        "Bestellstatus": ["Abgeschlossen", "", "Storniert", "bezahlt", "Rückerstattet"]})
    out, summary = count_orders(sales)
    assert out["order_id"].tolist() == ["1", "1", "3"] and summary.spend == Decimal(23)
    assert summary.report() == ["2 order(s) from 5 line(s) count as spend.",
                                "Set aside as no spend: 1 cancelled (1 line(s)), "
                                "1 refunded (1 line(s))."]
    assert count_orders(sales.drop(columns="Bestellstatus"))[1] is None


def test_segment_features_count_each_shopify_order_once():
    """Anna: #1001 (2 lines, 59.90) and #1008 (3 lines, 45.50); Ben: #1002 (his #1007 was
    cancelled); Daan: #1006, 100.00 less 20.00 refunded (his #1004 is pending); Chloé's
    voided #1003 and Emma's refunded #1005 count nothing."""
    crm, _ = read_table(VENDORS / "shopify_customers.csv")
    sales, _ = read_table(VENDORS / "shopify_orders.csv")
    sales["Created at"] = sales["Created at"].str[:10]  # ISO days, as the Quality step writes
    crm = crm.rename(columns={"Customer ID": "customer_id", "Email": "email"})
    feats = build_features(crm, _role_view(sales), FeatureConfig())
    email = dict(zip(crm["customer_id"], crm["email"].str.lower(), strict=True))
    got = {email[p]: (int(row.orders), round(float(row.monetary), 2))
           for p, row in feats.table.iterrows() if row.orders > 0}
    assert got == {"anna.schmidt@example.de": (2, 105.40), "ben.okafor@example.co.uk": (1, 25.0),
                   "daan@example.nl": (1, 80.0)}
    assert feats.set_aside == [
        "4 order(s) from 13 line(s) count as spend.",
        "Set aside as no spend: 1 cancelled (1 line(s)), 1 pending (2 line(s)), "
        "1 refunded (1 line(s)), 1 voided (1 line(s)).",
    ]


def test_profile_says_what_a_status_column_sets_aside(tmp_path, capsys):
    from app.cli import main

    path = tmp_path / "sales.csv"
    path.write_text("order_id,amount,status\n1,10,paid\n2,5,refunded\n", encoding="utf-8")
    assert main(["profile", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[1:3] == [
        "1 order(s) from 2 line(s) count as spend.",
        "Set aside as no spend: 1 refunded (1 line(s)).",
    ]
