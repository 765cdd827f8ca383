"""app/actions/imports without a window: how a tool's order lines count, the lists'
figures, and the clear refusals of 'Add another customer list'."""

from pathlib import Path

import pandas as pd
import pytest

from app.actions import imports
from app.document import Document
from core.errors import LocalReachError
from core.io import read_table

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"


def test_a_shopify_export_says_which_orders_were_left_out_and_why():
    df, _ = read_table(VENDORS / "shopify_orders.csv")
    assert imports.order_notes(df) == [
        "This looks like a Shopify orders export.",
        "4 orders from 13 lines count as spend.",
        "1 cancelled order left out (1 line): no money was taken or it was given back.",
        "1 pending order left out (2 lines): no money was taken or it was given back.",
        "1 refunded order left out (1 line): no money was taken or it was given back.",
        "1 voided order left out (1 line): no money was taken or it was given back.",
    ]


def test_a_plain_sales_file_has_no_order_notes():
    plain = pd.DataFrame({"Date": ["2024-01-01"], "Quantity": ["2"], "Amount": ["9.50"]})
    assert imports.order_notes(plain) == []


def test_another_list_needs_a_first_one_and_its_own_name(tmp_path):
    doc = Document()
    path = tmp_path / "news.csv"
    path.write_text("Email\na@example.org\n", encoding="utf-8")
    with pytest.raises(LocalReachError, match="Import a customer list first"):
        imports.add_customer_list(doc, path, {}, {}, "")
    doc.set_source("crm", pd.DataFrame({"Email": ["b@example.org", "c@example.org"]}), {"path": "/x/news.csv"},
                   {"Email": "email"}, "Import")
    assert imports.customer_lists(doc) == [("news", 2)]
    assert imports.list_name(doc, path) == "news 2"
    with pytest.raises(LocalReachError, match="already a list called 'news'"):
        imports.add_customer_list(doc, path, {}, {}, "news")
    assert imports.status_figure(doc) == "2 customer rows"


def test_linked_lists_and_the_region_are_saved_with_the_project(tmp_path):
    from app.project import open_document, save_document
    from tests.ui.test_import_lists_region import person

    shop, news = tmp_path / "shop.csv", tmp_path / "news.csv"
    shop.write_text("First name,Surname,Email,Phone\n" + "".join(
        f"{p['first']},{p['last']},{p['email']},+44 {p['phone'][1:]}\n" for p in map(person, range(12))))
    news.write_text("First name,Surname,Email\n" + "".join(
        f"{p['first']},{p['last']},{p['email']}\n" for p in map(person, range(8, 20))))
    doc = Document()
    imports.import_file(doc, "crm", shop, {}, {}).run()
    linked = imports.add_customer_list(doc, news, {}, {}, "news").run()
    assert (linked.people, linked.in_several) == (20, 4)
    path = save_document(doc, tmp_path / "p.lreach")
    again = Document()
    open_document(str(path), again)
    assert imports.customer_lists(again) == [("shop", 12), ("news", 12)]
    assert len(again.frame("crm")) == 20 and again.state("region")["code"] == "GB"
    assert again.state("lists")["lists"][1]["roles"] == {"First name": "first_name", "Surname": "last_name",
                                                         "Email": "email"}


def test_a_fix_made_on_the_person_table_is_made_again_when_a_third_list_is_linked(tmp_path):
    from app.actions import quality
    from tests.ui.test_import_lists_region import person

    files = {}
    for name, people, upper in (("shop", range(0, 10), True), ("news", range(5, 15), False),
                                ("till", range(12, 20), False)):
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text("First name,Surname,Email\n" + "".join(
            f"{p['first']},{p['last'].upper() if upper else p['last']},{p['email']}\n" for p in map(person, people)))
    doc = Document()
    imports.import_file(doc, "crm", files["shop"], {}, {}).run()
    imports.add_customer_list(doc, files["news"], {}, {}, "news").run()
    fix = next(f for f in quality.check(doc).run().fixes["crm"] if f["step"] == "names")
    quality.apply_fix(doc, "crm", fix).run()
    assert "SMITH" not in set(doc.frame("crm")["Surname"]) and "Smith" in set(doc.frame("crm")["Surname"])
    linked = imports.add_customer_list(doc, files["till"], {}, {}, "till").run()
    assert (linked.people, linked.fixes_skipped) == (20, 0)
    surnames = set(doc.frame("crm")["Surname"])
    assert "Smith" in surnames and not {s for s in surnames if s.isupper()}
