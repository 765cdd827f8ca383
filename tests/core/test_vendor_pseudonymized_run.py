"""Pseudonymising a tool's export: a column's role decides whether it is personal data, so
Shopify's "Accepts Email Marketing" stays a consent answer (it was tokenised as an e-mail,
and the merge then refused the run) and its "Default Address Zip" is a postcode, not a
street; the whole recipe runs on the export and mails exactly the people who said yes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from app import cli
from app.commands._common import roles_of
from core.io import read_table
from core.privacy.detect import ROLE_KINDS, detect_pii

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"
LISTS = sorted(p.name for p in VENDORS.glob("*.csv")
               if any(w in p.name for w in ("customers", "contacts", "people", "mailchimp")))
RECIPE = """name = "Shopify"
version = 1
[crm]
file = "shopify_customers.csv"
[sales]
file = "shopify_orders.csv"
[steps.clean]
[steps.pseudonymize]
[steps.dedupe]
[steps.link]
[steps.segment]
[steps.personas]
[steps.merge]
template = "winback.txt"
format = "csv"
"""


@pytest.mark.parametrize("name", LISTS)
def test_a_columns_role_decides_its_kind(name):
    df, _ = read_table(VENDORS / name)
    roles = roles_of(df)
    guesses = detect_pii(df, roles)
    for column, role in roles.items():
        if role in ROLE_KINDS:
            assert guesses[column].kind == ROLE_KINDS[role], (column, role)
    consent = [c for c, r in roles.items() if r in ("consent", "opt_out")]
    assert all(guesses[c].kind is None for c in consent)


def test_shopify_columns():
    df, _ = read_table(VENDORS / "shopify_customers.csv")
    kinds = {c: g.kind for c, g in detect_pii(df, roles_of(df)).items()}
    assert kinds["Accepts Email Marketing"] is None and kinds["Default Address Zip"] == "postcode"
    assert kinds["Default Address City"] is None and kinds["Default Address Country Code"] is None
    assert kinds["Email"] == "email" and kinds["Phone"] == "phone" and kinds["First Name"] == "name"
    assert kinds["Default Address Address2"] == "street"  # no role: its header still says so


@pytest.mark.parametrize("name, column", [
    ("shopify_customers.csv", "Default Address Province Code"), ("google_contacts.csv", "Address 1 - Region"),
    ("stripe_customers.csv", "Card Address State"), ("stripe_payments.csv", "Card Address City")])
def test_a_header_naming_an_address_region_is_not_a_street(name, column):
    """They were tokenised as streets by their 'Address'; their values are region codes and
    towns, no more personal than a city column."""
    df, _ = read_table(VENDORS / name)
    kinds = {c: g.kind for c, g in detect_pii(df, roles_of(df)).items()}
    assert kinds[column] is None
    streets = {"google_contacts.csv": "Address 1 - Street", "stripe_customers.csv": "Card Address Line1"}
    if name in streets:
        assert kinds[streets[name]] == "street"


def test_outlooks_german_second_and_third_e_mail_are_e_mails():
    """'E-Mail 2: Adresse' (no role, empty in the file) was taken for a street by its
    'Adresse': the header pattern missed 'E-Mail' once hyphens were read as '_'."""
    df, _ = read_table(VENDORS / "outlook_contacts_de.csv")
    kinds = {c: g.kind for c, g in detect_pii(df, roles_of(df)).items()}
    assert [kinds[c] for c in ("E-Mail-Adresse", "E-Mail 2: Adresse", "E-Mail 3: Adresse")] == ["email"] * 3
    assert kinds["Straße geschäftlich"] == "street" and kinds["Postleitzahl privat"] == "postcode"


def test_the_whole_recipe_runs_on_a_shopify_export(tmp_path, monkeypatch, capsys):
    for name in ("shopify_customers.csv", "shopify_orders.csv"):
        shutil.copy(VENDORS / name, tmp_path / name)
    shutil.copy(Path(__file__).parents[2] / "resources" / "templates" / "winback.txt", tmp_path)
    (tmp_path / "recipe.toml").write_text(RECIPE, encoding="utf-8")
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", "a long passphrase")
    out = tmp_path / "out"
    code = cli.main(["run", str(tmp_path / "recipe.toml"), "-o", str(out),
                     "--key-file", str(tmp_path / "k.lrkey")])
    assert code == 0, capsys.readouterr()
    sent = pd.read_csv(out / "messages" / "merge.csv", dtype=str)
    # Ben and Daan did not accept e-mail marketing; Anna's two records are one person
    assert sorted(sent["email"]) == ["anna.schmidt@example.de", "chloe.martin@example.fr",
                                     "emma.wilson@example.com.au"]
    source, _ = read_table(VENDORS / "shopify_customers.csv")
    pseudo = pd.read_csv(out / "customers_pseudonymized.csv", dtype=str, keep_default_na=False)
    assert pseudo["Accepts Email Marketing"].tolist() == source["Accepts Email Marketing"].tolist()
    assert pseudo["Default Address City"].tolist() == source["Default Address City"].fillna("").tolist()
    assert not set(pseudo["Email"]) & set(source["Email"])
    assert all(len(z) < len(str(o)) for z, o in zip(pseudo["Default Address Zip"],
                                                      source["Default Address Zip"].fillna(""), strict=True) if o)
