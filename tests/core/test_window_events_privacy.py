"""An events file after the window's Privacy step (issue 14): pseudonymising the customer
list gives the events' customer ids the list's tokens, as ``localreach run`` does, so each
person keeps their abandoned carts; one undo puts the plain list and events back.

The 40 Faker customers and GA4 events of tests/core/test_window_events.py; the orders
name their buyer by e-mail (as a Shopify orders export does), so people are counted by
e-mail and the customer id may become a code: 1001 and 1030 are one person (Deborah,
typed twice with one address) with 2 carts left in the last 7 days, the others have none.
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
from tests.core.test_window_events import GA4, RFM, _files

KEY = b"k" * 32
CARTS = {**{str(1001 + i): 0 for i in range(40)}, "1001": 2, "1030": 2}


def _window(folder: Path) -> Document:
    """Customers, orders by e-mail and the GA4 events imported; Segments set to use carts."""
    crm_path, sales_path = _files(folder)
    crm, sales = pd.read_csv(crm_path, dtype=str), pd.read_csv(sales_path, dtype=str)
    sales.insert(1, "email", sales.pop("customer_id").map(dict(zip(crm["customer_id"], crm["email"],
                                                                   strict=True))))
    sales.to_csv(folder / "orders_by_email.csv", index=False)
    doc = Document()
    imports.import_file(doc, "crm", crm_path, {}, {}).run()
    imports.import_file(doc, "sales", folder / "orders_by_email.csv", {}, {}).run()
    imports.add_events(doc, GA4).run()
    segments.change_settings(doc, method="kmeans", k=3, features=[*RFM, "carts_abandoned_7d"],
                             crm_columns=["carts_abandoned_7d"])
    return doc


def _pseudonymise(doc: Document, ref: KeyRef | None = None) -> None:
    """As a user sets it: the customer id becomes a code, the e-mail stays (orders use it)."""
    chosen = privacy.config(doc, "crm", privacy.guesses(doc.frame("crm"), doc.roles("crm")))
    privacy.set_policy(doc, "crm", chosen, "customer_id", "token", "Replace with a code")
    privacy.set_policy(doc, "crm", chosen, "email", "keep", "Keep as it is")
    privacy.pseudonymise(doc, "crm", chosen, KEY, ref or KeyRef("p1", fingerprint(KEY))).run()


def _carts(doc: Document, ids: list[str]) -> dict[str, int]:
    segments.find_groups(doc).run()
    return dict(zip(ids, doc.frame("crm")["carts_abandoned_7d"].tolist(), strict=True))


def test_the_events_keep_their_people_after_privacy_and_undo_brings_them_back(tmp_path):
    doc = _window(tmp_path)
    plain_crm, plain_events = doc.frame("crm"), doc.frame("events")
    ids = plain_crm["customer_id"].tolist()
    assert _carts(doc, ids) == CARTS
    doc.undo_stack.undo()  # the groups

    _pseudonymise(doc)
    codes = doc.frame("crm")["customer_id"]
    assert codes.str.fullmatch(TOKEN_RE.pattern).all()
    code_of = dict(zip(ids, codes, strict=True))
    events = doc.frame("events")["user_id"]
    assert events.tolist() == [code_of.get(v, "") for v in plain_events["user_id"].fillna("")]
    assert (events != "").sum() == 25 and events.nunique() == 4  # 1001's, 1002's, 1003's and none
    assert imports.events_text(doc).run().endswith(": 25 of 28 events belong to a customer.")
    assert _carts(doc, ids) == CARTS

    doc.undo_stack.undo()  # the groups
    doc.undo_stack.undo()  # pseudonymising: the list and the events at once
    pd.testing.assert_frame_equal(doc.frame("events"), plain_events)
    assert doc.frame("crm")["customer_id"].tolist() == ids


def test_the_window_and_run_give_the_same_carts_after_privacy(tmp_path):
    doc = _window(tmp_path)
    ids = doc.frame("crm")["customer_id"].tolist()
    _pseudonymise(doc)
    window = _carts(doc, ids)
    run_recipe(recipe_from_project(doc.snapshot(), name="Shop"), tmp_path / "run", key=KEY)
    ran = read_table(tmp_path / "run" / "customers.csv")[0]
    assert ran["customer_id"].tolist() == doc.frame("crm")["customer_id"].tolist()
    assert dict(zip(ids, ran["carts_abandoned_7d"].astype(int), strict=True)) == window == CARTS


def test_a_new_key_gives_the_events_the_lists_new_codes(tmp_path):
    doc = _window(tmp_path)
    ids, plain = doc.frame("crm")["customer_id"].tolist(), doc.frame("events")["user_id"].fillna("")
    ref = KeyRef("p1", fingerprint(KEY), str(tmp_path / "p1.lrkey"))
    ref.store("a long passphrase").save(KEY)
    _pseudonymise(doc, ref)
    old_codes = doc.frame("crm")["customer_id"].tolist()
    privacy.rotate_key(doc, KEY, ref, "a long passphrase")
    code_of = dict(zip(ids, doc.frame("crm")["customer_id"], strict=True))
    assert set(code_of.values()).isdisjoint(old_codes)
    assert doc.frame("events")["user_id"].tolist() == [code_of.get(v, "") for v in plain]
    assert _carts(doc, ids) == CARTS


def test_privacy_after_segments_runs_again_as_a_recipe(tmp_path):
    # Privacy visited after Segments lists the columns Segments added (sessions_7d, ...)
    # as "keep"; the recipe's pseudonymise step runs before Segments, where they do not
    # exist yet, and a "keep" for a missing column asks nothing (it stopped the run with
    # "Column 'sessions_7d' is not in the table")
    doc = _window(tmp_path)
    segments.find_groups(doc).run()
    assert "sessions_7d" in doc.frame("crm").columns
    _pseudonymise(doc)
    kept = privacy.state(doc)["configs"]["crm"]["columns"]
    assert kept["sessions_7d"]["action"] == "keep"
    report = run_recipe(recipe_from_project(doc.snapshot(), name="Shop"), tmp_path / "run", key=KEY)
    ran = read_table(tmp_path / "run" / "customers.csv")[0]
    assert ran["customer_id"].str.fullmatch(TOKEN_RE.pattern).all()
    assert dict(zip(ran["email"], ran["carts_abandoned_7d"].astype(int), strict=True)) == dict(
        zip(doc.frame("crm")["email"], doc.frame("crm")["carts_abandoned_7d"].astype(int), strict=True))
    assert report is not None


def test_an_events_file_added_after_privacy_says_what_to_do(tmp_path):
    # its ids are plain and the list's are codes: nothing matches, and the sentence says why
    doc = _window(tmp_path)
    doc.undo_stack.undo()  # Segments' settings
    doc.undo_stack.undo()  # the events file
    assert doc.frame("events") is None
    _pseudonymise(doc)
    imports.add_events(doc, GA4).run()
    assert imports.events_text(doc).run() == (
        "This looks like a Google Analytics 4 BigQuery events export (flattened): 0 of 28 events "
        "belong to a customer. The customer list was pseudonymised before this file came in: "
        "undo Privacy, add the events file, then pseudonymise again.")
    doc.undo_stack.undo()  # the events file
    doc.undo_stack.undo()  # Privacy
    assert not privacy.applied(doc, "crm")
    imports.add_events(doc, GA4).run()
    assert imports.events_text(doc).run().endswith(": 25 of 28 events belong to a customer.")
