"""A window project with several customer lists ("Add another customer list" on Import)
becomes a recipe with ``[[sources]]``: saved, loaded and run, it finds the window's
people -- every list's record in the same person, the same golden records -- and gives
each person the window's orders and spend (issue 13 + 15).

The lists are Faker-made (:func:`faker_lists.make_lists`): a webshop, a newsletter with
no ids and other headers, a till's loyalty cards with their own card numbers; the one
sales file holds the webshop's orders (its customer ids) and the till's lines (card
numbers), so a line finds its person through either list's ids, as the window looks
them up in every list (no ``[sales] list``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from faker_lists import CARDS, make_lists

from app.actions import imports, segments
from app.document import Document
from app.rerun import rerun_project
from core.io import read_table
from core.recipe import load_recipe, recipe_from_project, run_recipe, save_recipe

LISTS = ("shop", "newsletter", "loyalty")
SEEDS = (0, 1)
LINES = {0: (261, 26084.09), 1: (241, 25033.07)}  # sales lines and their amounts, per seed


def _files(folder, seed: int) -> dict:
    """Each list and the sales file written to ``folder``; the lists' data (with truth)."""
    lists = make_lists(seed)
    for name in LISTS:
        lists.frames[name].to_csv(folder / f"{name}.csv", index=False)
    till = lists.till.set_axis(["customer_id", "order_date", "amount"], axis=1)
    pd.concat([lists.orders.drop(columns="order_id"), till], ignore_index=True).to_csv(
        folder / "sales.csv", index=False)
    return lists


def _window(folder) -> Document:
    """Import the shop's list, add the other two (the card number marked as the loyalty
    list's customer id), import the sales file, find the RFM groups."""
    doc = Document()
    imports.import_file(doc, "crm", folder / "shop.csv", {}, {}).run()
    for name in LISTS[1:]:
        frame = read_table(folder / f"{name}.csv")[0]
        roles = imports.detected_roles(frame)
        if name == "loyalty":
            roles[CARDS["id"]] = "customer_id"
        imports.add_customer_list(doc, folder / f"{name}.csv", {}, roles, name).run()
    imports.import_file(doc, "sales", folder / "sales.csv", {}, {}).run()
    segments.find_groups(doc).run()
    return doc


def _people(records: pd.DataFrame) -> dict[str, frozenset]:
    """Person -> the (list, row) of each of their records."""
    pairs = zip(records["list"].astype(str), records["row"].astype(int), strict=True)
    people: dict[str, set] = {}
    for person, pair in zip(records["person_id"].astype(str), pairs, strict=True):
        people.setdefault(person, set()).add(pair)
    return {p: frozenset(r) for p, r in people.items()}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_window_project_with_three_lists_runs_as_the_same_people(tmp_path, seed):
    lists = _files(tmp_path, seed)
    doc = _window(tmp_path)
    save_recipe(recipe_from_project(doc.snapshot(), "Three lists"), tmp_path / "r.toml")
    recipe, base = load_recipe(tmp_path / "r.toml")
    assert [s["name"] for s in recipe.sources] == list(LISTS) and not recipe.crm
    assert recipe.sources[2]["roles"][CARDS["id"]] == "customer_id"
    assert "list" not in recipe.sales  # the window looks a line's id up in every list
    assert recipe.config("clean")["lists_steps"] == {n: [] for n in LISTS}  # linked as imported
    report = run_recipe(recipe, tmp_path / "run", base=base)

    window = doc.frame("crm").set_index("person_id")
    ran = read_table(tmp_path / "run" / "customers.csv")[0].set_index("person_id")
    records = read_table(tmp_path / "run" / "records.csv")[0]
    assert len(ran) == len(window) == records["person_id"].nunique() == report["people"]
    assert len(records) == sum(len(lists.frames[n]) for n in LISTS) == 211
    assert len(window) == len(set(np.concatenate([lists.person[n] for n in LISTS]))) == 150  # the true people
    assert _people(records) == _people(doc.state("lists")["records"])  # each record, same person
    golden = ["first_name", "last_name", "email", "phone", "street", "postcode", "city"]
    assert (ran.loc[window.index, golden].fillna("") == window[golden].fillna("")).all().all()
    assert ran.loc[window.index, "segment"].astype(str).tolist() == window["segment"].astype(str).tolist()
    for column in ("frequency", "monetary"):
        mine = pd.to_numeric(window[column]).fillna(0).round(2)
        assert (mine == pd.to_numeric(ran.loc[window.index, column]).fillna(0).round(2)).all(), column
    sales = read_table(tmp_path / "run" / "sales_linked.csv")[0]
    linked = (sales["matched_id"].fillna("") != "").sum()
    # every line linked to a person, in the window and in the run
    assert pd.to_numeric(window["frequency"]).fillna(0).sum() == linked == len(sales) == LINES[seed][0]
    assert round(pd.to_numeric(window["monetary"]).fillna(0).sum(), 2) == LINES[seed][1]


def test_the_rerun_dialogs_path_runs_a_three_list_project_on_next_months_shop_list(tmp_path):
    """File > Run this project on new files: the new customer list is the shop's (the list
    imported first), with three new customers; the newsletter and the cards are read again."""
    _files(tmp_path, 0)
    doc = _window(tmp_path)
    shop = read_table(tmp_path / "shop.csv")[0]
    new = pd.DataFrame({"customer_id": ["9001", "9002", "9003"], "first_name": ["Zora", "Ymke", "Xaver"],
                        "last_name": ["Quast", "Pohl", "Oster"],
                        "email": ["zq@example.org", "yp@example.org", "xo@example.org"]})
    pd.concat([shop, new], ignore_index=True).fillna("").to_csv(tmp_path / "shop_next.csv", index=False)
    report = rerun_project(doc.snapshot(), tmp_path / "shop_next.csv", tmp_path / "sales.csv", tmp_path / "out")

    assert report["changes"]["new_people"] == 3 and report["changes"]["gone_records"] == 0
    records = read_table(tmp_path / "out" / "records.csv")[0]
    newcomers = records[(records["list"] == "shop") & (records["row"].astype(int) > len(shop))]
    changes = read_table(tmp_path / "out" / "changes.csv")[0]
    assert set(changes.loc[changes["change"] == "new", "customer_ids"]) == set(newcomers["person_id"])
    # every record the window knew keeps its person
    known = records.drop(newcomers.index)
    assert _people(known) == _people(doc.state("lists")["records"])
    assert report["people"] == len(doc.frame("crm")) + 3
