"""The UCI Online Retail histories as `localreach segment` reads them.

Online Retail (2010-11) and Online Retail II (2009-11) are the public sales histories RFM
tutorials use. Their headers, as the UCI archive documents them: InvoiceNo (II: Invoice),
StockCode, Description, Quantity, InvoiceDate, UnitPrice (II: Price), CustomerID (II:
Customer ID), Country. A line has no amount: it is Quantity x UnitPrice. An invoice
starting with "C" is a cancellation (negative quantity), a quarter of the lines have no
customer, and CSV copies write the ids as floats ("13085.0"). The rows below are the
files' own first lines, with a cancellation and a walk-in sale added.
"""

from __future__ import annotations

import pandas as pd
import pytest

from app.cli import main
from core.errors import ColumnError
from core.roles import Role, detect_roles
from core.steps.segment import sales_view

HEADER_II = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country"
LINES_II = [
    "489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom",
    "489434,79323P,PINK CHERRY LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,United Kingdom",
    "489435,22350,CAT BOWL ,12,2009-12-01 07:46:00,2.55,13085.0,United Kingdom",
    "489436,48173C,DOOR MAT BLACK FLOCK ,10,2009-12-01 09:06:00,5.95,13078.0,United Kingdom",
    "489436,21755,LOVE BUILDING BLOCK WORD,18,2009-12-01 09:06:00,5.45,13078.0,United Kingdom",
    # the cancellation of one mat: a credit, not a third order of 13078
    "C489449,48173C,DOOR MAT BLACK FLOCK ,-1,2009-12-01 10:33:00,5.95,13078.0,United Kingdom",
    "489437,22143,CHRISTMAS CRAFT HEART DECORATIONS,6,2009-12-01 09:08:00,2.1,15362.0,United Kingdom",
    "489438,21329,DINOSAURS  WRITING SET ,28,2009-12-01 09:24:00,0.98,18102.0,United Kingdom",
    "489439,22065,CHRISTMAS PUDDING TRINKET POT ,12,2009-12-01 09:28:00,1.45,12682.0,France",
    # a walk-in sale: no customer
    "489488,22350,CAT BOWL ,2,2009-12-01 11:34:00,2.95,,United Kingdom",
    "489530,22350,CAT BOWL ,4,2009-12-02 13:00:00,2.55,13078.0,United Kingdom",
    "C489535,D,Discount,-1,2009-12-02 13:20:00,9.00,15362.0,United Kingdom",
    "489600,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,1,2009-12-03 09:00:00,7.95,15362.0,United Kingdom",
]
# per customer: (orders, spend after the credits), worked out by hand from the lines above
EXPECTED = {
    "13085.0": (2, 12 * 6.95 + 12 * 6.75 + 12 * 2.55),
    "13078.0": (2, 10 * 5.95 + 18 * 5.45 - 5.95 + 4 * 2.55),
    "15362.0": (2, 6 * 2.1 - 9.00 + 7.95),
    "18102.0": (1, 28 * 0.98),
    "12682.0": (1, 12 * 1.45),
}


@pytest.fixture
def retail_ii(tmp_path):
    path = tmp_path / "online_retail_II.csv"
    path.write_text("\n".join([HEADER_II, *LINES_II]) + "\n", encoding="utf-8")
    return path


def _segment(path, out) -> pd.DataFrame:
    assert main(["segment", str(path), "-o", str(out)]) == 0
    return pd.read_csv(out, dtype=str, keep_default_na=False)


def test_roles_of_both_versions_headers():
    old = pd.DataFrame({"InvoiceNo": ["536365"], "StockCode": ["85123A"],
                        "Description": ["WHITE HANGING HEART T-LIGHT HOLDER"], "Quantity": ["6"],
                        "InvoiceDate": ["12/1/2010 8:26"], "UnitPrice": ["2.55"],
                        "CustomerID": ["17850"], "Country": ["United Kingdom"]})
    roles = {c: g.role for c, g in detect_roles(old).items()}
    assert roles["UnitPrice"] == Role.UNIT_PRICE
    assert roles["StockCode"] == Role.OTHER  # a product code, not a postcode to tidy
    assert roles["InvoiceNo"] == Role.ORDER_ID and roles["CustomerID"] == Role.CUSTOMER_ID
    new = pd.read_csv(pd.io.common.StringIO("\n".join([HEADER_II, *LINES_II])), dtype=str)
    roles = {c: g.role for c, g in detect_roles(new).items()}
    assert roles["Price"] == Role.UNIT_PRICE and roles["Customer ID"] == Role.CUSTOMER_ID
    assert roles["Invoice"] == Role.ORDER_ID and roles["Quantity"] == Role.QUANTITY


def test_segment_counts_orders_and_nets_the_credits(retail_ii, tmp_path, capsys):
    out = _segment(retail_ii, tmp_path / "segmented.csv")
    said = capsys.readouterr().out
    assert said.startswith("5 people, 5 with orders.")  # the walk-in sale is no one
    assert "1 sales line matched no customer." in said
    assert len(out) == len(LINES_II)  # every line kept, in order
    assert list(out["Invoice"]) == [line.split(",")[0] for line in LINES_II]
    per = out[out["Customer ID"] != ""].drop_duplicates("Customer ID").set_index("Customer ID")
    for customer, (orders, spend) in EXPECTED.items():
        assert int(per.loc[customer, "frequency"]) == orders, customer
        assert float(per.loc[customer, "monetary"]) == pytest.approx(spend, abs=0.005), customer
    walk_in = out[out["Customer ID"] == ""]
    assert len(walk_in) == 1 and (walk_in[["segment", "frequency", "monetary"]] == "").all(axis=None)


def test_what_was_given_back_is_never_recommended(retail_ii, tmp_path):
    out = _segment(retail_ii, tmp_path / "segmented.csv")
    picks = {p for cell in out["next_products"] for p in cell.split("; ") if p}
    assert picks  # the others' purchases are offered
    assert "Discount" not in picks  # only ever on a credit line


def test_a_line_total_wins_over_the_unit_price():
    sales = pd.DataFrame({"order_date": ["2024-01-02"], "Qty": ["3"], "Unit price": ["2.50"],
                          "Line total": ["7.00"]})  # a discount: 3 x 2.50 would be 7.50
    roles = {"order_date": "order_date", "Qty": "quantity", "Unit price": "unit_price",
             "Line total": "amount"}
    assert sales_view(sales, roles)["amount"].tolist() == ["7.00"]
    roles["Line total"] = "other"
    assert sales_view(sales, roles)["amount"].tolist() == [7.5]
    del roles["Qty"]  # no quantity: one item a line
    assert sales_view(sales, roles)["amount"].tolist() == [2.5]


def test_neither_an_amount_nor_a_unit_price_is_named_as_the_amount_to_mark():
    sales = pd.DataFrame({"order_date": ["2024-01-02"], "Qty": ["3"]})
    with pytest.raises(ColumnError, match="needs an amount of money: mark one column as Amount of money"):
        sales_view(sales, {"order_date": "order_date", "Qty": "quantity"})


def test_german_unit_prices_times_quantities(tmp_path):
    """Einzelpreis with decimal commas and Menge: the line amounts a German till exports."""
    lines = pd.DataFrame({"Kundennummer": ["K1", "K1", "K2"],
                          "Bestelldatum": ["03.01.2024", "10.02.2024", "11.02.2024"],
                          "Menge": ["2", "1", "4"], "Einzelpreis": ["12,50", "3,20", "1,05"]})
    roles = {c: g.role for c, g in detect_roles(lines).items()}
    assert roles["Einzelpreis"] == Role.UNIT_PRICE
    lines.to_csv(tmp_path / "kasse.csv", index=False, sep=";")
    out = _segment(tmp_path / "kasse.csv", tmp_path / "out.csv")
    spend = dict(zip(out["Kundennummer"], out["monetary"].astype(float), strict=True))
    assert spend == {"K1": pytest.approx(28.20), "K2": pytest.approx(4.20)}


def test_merge_offers_nothing_given_back_and_reads_products_trimmed(retail_ii, tmp_path, capsys):
    """`merge --sales` without a segment step picks from the lines itself: it offered
    13085 the "Discount" of 15362's credit line, and "DOOR MAT BLACK FLOCK " with the
    file's trailing space. It now reads the lines as the segment step does."""
    crm = tmp_path / "crm.csv"
    crm.write_text("Customer ID,Email,Email consent\n13085,a@x.org,yes\n13078,b@x.org,yes\n"
                   "15362,c@x.org,yes\n", encoding="utf-8")
    template = tmp_path / "t.txt"
    template.write_text("Subject: Hi\n\n{{ recommendations | join('; ') }}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["merge", str(crm), "--template", str(template), "--sales", str(retail_ii),
                 "-o", str(out), "--format", "csv"]) == 0
    capsys.readouterr()
    sent = pd.read_csv(out / "merge.csv", dtype=str, keep_default_na=False).set_index("email")
    offered = {to: body.strip().split("; ") for to, body in sent["body"].items()}
    assert offered["a@x.org"] == ["CHRISTMAS CRAFT HEART DECORATIONS", "DOOR MAT BLACK FLOCK",
                                  "LOVE BUILDING BLOCK WORD"]
    assert offered["b@x.org"] == ["PINK CHERRY LIGHTS", "15CM CHRISTMAS GLASS BALL 20 LIGHTS",
                                  "CHRISTMAS CRAFT HEART DECORATIONS"]
    assert all(p == p.strip() and p != "Discount" for picks in offered.values() for p in picks)


def test_charges_count_as_spend_but_are_never_offered(tmp_path, capsys):
    """UCI's POSTAGE (bought with most orders from abroad) was offered to the others as
    their next product."""
    postage = ["489439,POST,POSTAGE,3,2009-12-01 09:28:00,18.00,12682.0,France",
               "489434,POST,POSTAGE,1,2009-12-01 07:45:00,18.00,13085.0,United Kingdom",
               "489600,POST,POSTAGE,1,2009-12-03 09:00:00,18.00,15362.0,United Kingdom"]
    path = tmp_path / "online_retail_II.csv"
    path.write_text("\n".join([HEADER_II, *LINES_II, *postage]) + "\n", encoding="utf-8")
    out = _segment(path, tmp_path / "segmented.csv")
    assert "Never offered as a next product, being charges rather than products: POSTAGE." in (
        capsys.readouterr().out)
    picks = {p for cell in out["next_products"] for p in cell.split("; ") if p}
    assert "POSTAGE" not in picks and len(picks) >= 5
    per = out[out["Customer ID"] != ""].drop_duplicates("Customer ID").set_index("Customer ID")
    assert float(per.loc["12682.0", "monetary"]) == pytest.approx(12 * 1.45 + 3 * 18.00)
    assert int(per.loc["12682.0", "frequency"]) == 1  # the postage is on the same invoice
