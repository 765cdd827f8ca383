"""A sales file after Privacy (issue 13): the customer list's customer id (and e-mail)
turned into codes gives the sales lines' columns of those roles the same codes, in the
window and in ``localreach run``, so every order still finds its buyer; a new key
re-codes them with the list's.

The 40 Faker customers and their 84 orders of tests/core/test_window_events.py keyed by
customer id, with each buyer's e-mail, plus one order (A9999) by id 9999, whom the list
does not hold: 84 of 85 lines linked before Privacy.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from app.actions import imports, privacy, segments
from app.document import Document
from core.io import read_table
from core.privacy.keystore import KeyRef
from core.privacy.tokens import TOKEN_RE, fingerprint
from core.recipe import recipe_from_project, run_recipe
from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)
from tests.core.test_window_events import RFM, _files

KEY = b"k" * 32
LINKED = 84  # of the 85 sales lines
ALONE = 27  # customers whose e-mail no other customer has


def _window(folder: Path, columns: tuple[str, ...] = ("customer_id", "email")) -> Document:
    """The customers and their orders naming them by ``columns``, imported."""
    crm_path, sales_path = _files(folder)
    crm, sales = pd.read_csv(crm_path, dtype=str), pd.read_csv(sales_path, dtype=str)
    sales["email"] = sales["customer_id"].map(dict(zip(crm["customer_id"], crm["email"], strict=True)))
    sales.loc[len(sales)] = ["A9999", "9999", "2024-01-02", "10.00", "nobody@example.com"]
    sales.drop(columns=[c for c in ("customer_id", "email") if c not in columns]).to_csv(
        folder / "orders_with_email.csv", index=False)
    doc = Document()
    imports.import_file(doc, "crm", crm_path, {}, {}).run()
    imports.import_file(doc, "sales", folder / "orders_with_email.csv", {}, {}).run()
    segments.change_settings(doc, method="kmeans", k=3, features=RFM)
    return doc


def _pseudonymise(doc: Document, ref: KeyRef | None = None) -> None:
    """As a user sets it: the customer id becomes a code (the e-mail does by default)."""
    chosen = privacy.config(doc, "crm", privacy.guesses(doc.frame("crm"), doc.roles("crm")))
    privacy.set_policy(doc, "crm", chosen, "customer_id", "token", "Replace with a code")
    assert chosen.columns["email"].action == "token"
    privacy.pseudonymise(doc, "crm", chosen, KEY, ref or KeyRef("p1", fingerprint(KEY))).run()


def _orders(doc: Document, ids: list[str]) -> tuple[int, dict[str, tuple[float, float]]]:
    """(sales lines linked to a customer, each customer's orders and spend), then undone."""
    segments.find_groups(doc).run()
    linked = len(doc.frame("sales")) - segments.result(doc)["report"]["unmatched_sales_lines"]
    crm = doc.frame("crm")
    doc.undo_stack.undo()
    return linked, _per_person(ids, crm)


def _per_person(ids: list[str], crm: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return dict(zip(ids, zip(crm["frequency"].astype(float), crm["monetary"].astype(float), strict=True),
                    strict=True))


def test_the_sales_lines_keep_their_buyers_after_privacy_and_undo_brings_them_back(tmp_path):
    doc = _window(tmp_path)
    plain_crm, plain_sales = doc.frame("crm"), doc.frame("sales")
    ids = plain_crm["customer_id"].tolist()
    linked, before = _orders(doc, ids)
    assert linked == LINKED and sum(f for f, _ in before.values()) == LINKED

    _pseudonymise(doc)
    crm, sales = doc.frame("crm"), doc.frame("sales")
    for column in ("customer_id", "email"):
        assert crm[column].str.fullmatch(TOKEN_RE.pattern).all()
        code_of = dict(zip(plain_crm[column], crm[column], strict=True))
        # the sales lines carry the list's own codes; 9999 and its e-mail are no one's
        assert sales[column].iloc[:LINKED].tolist() == plain_sales[column].iloc[:LINKED].map(code_of).tolist()
        assert sales[column].iloc[LINKED] not in code_of.values()
    assert _orders(doc, ids) == (LINKED, before)

    doc.undo_stack.undo()  # pseudonymising: the list and the sales lines at once
    pd.testing.assert_frame_equal(doc.frame("sales"), plain_sales)
    assert doc.frame("crm")["customer_id"].tolist() == ids


def test_the_window_and_run_give_each_customer_the_same_orders_after_privacy(tmp_path):
    doc = _window(tmp_path)
    ids = doc.frame("crm")["customer_id"].tolist()
    _, before = _orders(doc, ids)
    _pseudonymise(doc)
    assert _orders(doc, ids) == (LINKED, before)
    run_recipe(recipe_from_project(doc.snapshot(), name="Shop"), tmp_path / "run", key=KEY)
    ran = read_table(tmp_path / "run" / "customers.csv")[0]
    assert ran["customer_id"].tolist() == doc.frame("crm")["customer_id"].tolist()
    assert _per_person(ids, ran) == before
    assert sum(f for f, _ in before.values()) == LINKED


def test_a_new_key_gives_the_sales_lines_the_lists_new_codes(tmp_path):
    doc = _window(tmp_path)
    ids, plain = doc.frame("crm")["customer_id"].tolist(), doc.frame("sales")
    _, before = _orders(doc, ids)
    ref = KeyRef("p1", fingerprint(KEY), str(tmp_path / "p1.lrkey"))
    ref.store("a long passphrase").save(KEY)
    _pseudonymise(doc, ref)
    old_codes, stranger = doc.frame("crm")["customer_id"].tolist(), doc.frame("sales").iloc[LINKED]
    privacy.rotate_key(doc, KEY, ref, "a long passphrase")
    code_of = dict(zip(ids, doc.frame("crm")["customer_id"], strict=True))
    assert set(code_of.values()).isdisjoint(old_codes)
    sales = doc.frame("sales")
    assert sales["customer_id"].iloc[:LINKED].tolist() == plain["customer_id"].iloc[:LINKED].map(code_of).tolist()
    # codes no customer had meet no one with either key: left as they are
    assert sales.iloc[LINKED][["customer_id", "email"]].tolist() == stranger[["customer_id", "email"]].tolist()
    assert _orders(doc, ids) == (LINKED, before)


def test_orders_named_by_e_mail_keep_their_buyers_in_the_run(tmp_path):
    # the run links these lines (matched_id: the list's plain ids) before it pseudonymises,
    # so matched_id takes the list's codes too; customers typed twice with one address
    # (1003 and 1010, ...) are counted otherwise by the window and the run once the e-mails
    # are codes (left alone here), so the others are compared, with the window after Privacy
    doc = _window(tmp_path, ("email",))
    ids = doc.frame("crm")["customer_id"].tolist()
    _pseudonymise(doc)
    linked, window = _orders(doc, ids)
    assert linked == LINKED
    run_recipe(recipe_from_project(doc.snapshot(), name="Shop"), tmp_path / "run", key=KEY)
    ran = read_table(tmp_path / "run" / "customers.csv")[0]
    alone = ~doc.frame("crm")["email"].duplicated(keep=False).to_numpy()
    assert alone.sum() == ALONE
    ran = ran[alone].reset_index(drop=True)
    assert _per_person(list(pd.Series(ids)[alone]), ran) == {i: window[i] for i in pd.Series(ids)[alone]}
    matched = read_table(tmp_path / "run" / "sales_linked.csv")[0]["matched_id"]
    assert (matched != "").sum() == LINKED
    assert set(matched[matched != ""]) <= set(doc.frame("crm")["customer_id"])
