"""Events with several customer lists: each event finds its person by the id or e-mail
of the list it came from (a shop's customer number, a loyalty card, a newsletter
address), not by the person table's own ``person_id``, through ``localreach run`` with
``[[sources]]`` and ``[events]``. Lists are Faker-made (faker_lists.make_lists), so the
true person of every record is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from faker_lists import CARDS, NEWS, make_lists
from test_recipe_sources import CARD_ROLES, SOURCES, _till, _truth_of_person

from app.cli import main
from core.io import read_table

HEADER = ("id,email,created_at,updated_at,completed_at,currency,total_price,"
          "buyer_accepts_marketing,abandoned_checkout_url,customer_id,line_items_title,"
          "line_items_quantity,line_items_price")  # Shopify's abandoned checkouts export


def _checkouts(keys: list[tuple[str, str]]) -> pd.DataFrame:
    """One abandoned checkout per (e-mail, customer id), ten days before the as-of day."""
    return pd.DataFrame([{
        **dict.fromkeys(HEADER.split(","), ""), "id": str(35071000001 + k), "email": email,
        "customer_id": cid, "created_at": "2024-12-20T10:00:00+00:00", "currency": "GBP",
        "total_price": "10.00", "line_items_title": "Beanie", "line_items_quantity": "1",
        "line_items_price": "10.00", "abandoned_checkout_url": f"https://shop.example/ac/{k}"}
        for k, (email, cid) in enumerate(keys)])


def _run(tmp_path, lists, events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    for name, frame in lists.frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    _till(lists).to_csv(tmp_path / "sales.csv", index=False)
    events.to_csv(tmp_path / "events.csv", index=False)
    (tmp_path / "r.toml").write_text(
        'name = "Three lists"\nregion = "GB"\n' + SOURCES + CARD_ROLES
        + '[sales]\nfile = "sales.csv"\nlist = "loyalty"\n[sales.roles]\nCustomer = "customer_id"\n'
          'Date = "order_date"\nAmount = "amount"\n'
        + '[events]\nfile = "events.csv"\n[steps.link]\n[steps.segment]\nas_of = "2024-12-30"\n',
        encoding="utf-8")
    assert main(["run", str(tmp_path / "r.toml"), "-o", str(tmp_path / "out")]) == 0
    return {n: read_table(tmp_path / "out" / f"{n}.csv")[0] for n in ("customers", "records")}


def _carts_per_true_person(out, lists) -> pd.Series:
    truth = _truth_of_person(out["records"], lists)
    customers = out["customers"]
    found = pd.Series(customers["carts_abandoned_30d"].astype(int).to_numpy(),
                      index=customers["person_id"].map(truth).to_numpy())
    assert found.index.is_unique  # one row per true person
    return found


@pytest.mark.parametrize("seed", [0, 1])
def test_events_find_their_person_by_each_lists_own_e_mail(tmp_path, seed):
    lists = make_lists(seed)
    rng = np.random.default_rng(seed)
    keys, expected = [], {}
    for name, column in (("shop", "email"), ("newsletter", NEWS["email"]), ("loyalty", CARDS["email"])):
        emails = lists.frames[name][column].fillna("")
        for i in rng.choice(len(emails), 8, replace=False):
            if emails.iloc[i]:
                keys.append((emails.iloc[i].upper() if i % 2 else emails.iloc[i], ""))
                person = lists.person[name][i]
                expected[person] = expected.get(person, 0) + 1
    out = _run(tmp_path, lists, _checkouts(keys))
    carts = _carts_per_true_person(out, lists)
    assert len(keys) >= 20 and carts.sum() == len(keys)  # every event found its person
    assert carts[carts > 0].to_dict() == expected
    assert (carts.drop(list(expected)) == 0).all()


def test_events_find_their_person_by_each_lists_own_id(tmp_path):
    # checkouts keyed by the shop's customer numbers and by loyalty card numbers
    lists = make_lists(0)
    shop, cards = lists.frames["shop"]["customer_id"], lists.frames["loyalty"][CARDS["id"]]
    keys = [("", shop.iloc[i]) for i in (0, 5, 9, 9)] + [("", cards.iloc[i]) for i in (1, 2, 2)]
    expected = pd.Series([lists.person["shop"][i] for i in (0, 5, 9, 9)]
                         + [lists.person["loyalty"][i] for i in (1, 2, 2)]).value_counts()
    carts = _carts_per_true_person(_run(tmp_path, lists, _checkouts(keys)), lists)
    assert carts[carts > 0].sort_index().to_dict() == expected.sort_index().to_dict()
    assert carts.sum() == 7


def test_an_id_that_is_different_people_in_two_lists_finds_nobody(tmp_path):
    # the till numbers its cards like the shop numbers its customers: 1001 is two people
    lists = make_lists(0, card_ids="same")
    shop, cards = lists.frames["shop"]["customer_id"], lists.frames["loyalty"][CARDS["id"]]
    both = sorted(set(shop) & set(cards))[:3]
    only = sorted(set(shop) - set(cards))[:2]
    carts = _carts_per_true_person(_run(tmp_path, lists, _checkouts([("", i) for i in both + only])),
                                   lists)
    assert carts.sum() == 2
    assert sorted(carts[carts > 0].index) == sorted(lists.person["shop"][shop.isin(only).to_numpy()])


def test_the_window_finds_the_events_of_three_lists_as_run_does(tmp_path):
    # Import's shop list + two more lists + sales, then an events file keyed by the shop's
    # customer numbers and the loyalty cards: the sentence counts them, Segments puts each
    # person's carts on them, and the project's recipe gives every person the same carts
    from test_recipe_window_lists import _files, _window

    from app.actions import imports, segments
    from core.recipe import load_recipe, recipe_from_project, run_recipe, save_recipe

    lists = _files(tmp_path, 0)
    shop, cards = lists.frames["shop"]["customer_id"], lists.frames["loyalty"][CARDS["id"]]
    keys = [("", shop.iloc[i]) for i in (0, 5, 9, 9)] + [("", cards.iloc[i]) for i in (1, 2)] + [("", "404")]
    _checkouts(keys).to_csv(tmp_path / "events.csv", index=False)
    doc = _window(tmp_path)
    imports.add_events(doc, tmp_path / "events.csv").run()
    assert imports.events_text(doc).run().endswith(": 6 of 7 events belong to a customer.")
    segments.find_groups(doc).run()
    window = doc.frame("crm")
    truth = _truth_of_person(doc.state("lists")["records"].astype({"row": int}), lists)
    carts = pd.Series(window["carts_abandoned_30d"].astype(int).to_numpy(),
                      index=window["person_id"].map(truth).to_numpy())
    expected = pd.Series([lists.person["shop"][i] for i in (0, 5, 9, 9)]
                         + [lists.person["loyalty"][i] for i in (1, 2)]).value_counts()
    assert carts[carts > 0].sort_index().to_dict() == expected.sort_index().to_dict()

    save_recipe(recipe_from_project(doc.snapshot(), "Three lists"), tmp_path / "r.toml")
    recipe, base = load_recipe(tmp_path / "r.toml")
    run_recipe(recipe, tmp_path / "run", base=base)
    ran = read_table(tmp_path / "run" / "customers.csv")[0].set_index("person_id")
    mine = window.set_index("person_id")["carts_abandoned_30d"].astype(int)
    assert (ran.loc[mine.index, "carts_abandoned_30d"].astype(int) == mine).all()
