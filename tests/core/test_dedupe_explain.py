"""Explaining a match in plain words, field by field."""

from __future__ import annotations

import pandas as pd
from test_dedupe_link_people import two_lists

from core.dedupe.explain import explain_pair, strength
from core.dedupe.pipeline import score_records


def test_explain_same_email_surname_typo_and_a_move():
    shop, _, _, _ = two_lists(0)
    shop = shop.drop(columns="customer_id")
    person = shop.iloc[0]
    moved = dict(person, last_name=person["last_name"] + "x", street="Neue Allee 7",
                 postcode="99999", city="Anderswo", phone="", date_of_birth="")
    df = pd.concat([shop, pd.DataFrame([moved])], ignore_index=True)
    scored = score_records(df)
    why = explain_pair(scored, 0, len(df) - 1)
    said = {r.field: r for r in why.reasons}
    assert said["email"].text() == "same e-mail: strong"
    assert said["last"].phrase == "surname one letter apart"
    assert said["last"].strength in ("weak", "medium")
    assert said["postcode"].text() == "different postcode: against"
    assert said["phone"].strength == "no evidence"
    assert said["dob"].phrase == "date of birth missing in one record"
    assert why.text().startswith("same e-mail: strong; ")
    assert "phone" not in why.text()
    assert why.probability > 0.9


def test_explain_family_member_and_strength_words():
    shop, _, _, _ = two_lists(0)
    shop = shop.drop(columns="customer_id")
    person = shop.iloc[0]
    sister = dict(person, first_name="Zenobia", email="", date_of_birth="1931-02-03")
    df = pd.concat([shop, pd.DataFrame([sister])], ignore_index=True)
    why = explain_pair(score_records(df), 0, len(df) - 1)
    said = {r.field: r for r in why.reasons}
    assert said["first"].text() == "different first name: strongly against"
    assert said["dob"].text() == "different date of birth: strongly against"
    assert said["street"].phrase == "same street" and said["street"].bits > 2
    assert why.probability < 0.01
    assert [strength(b) for b in (8, 3, 0.5, -1, -12)] == [
        "strong", "medium", "weak", "against", "strongly against"]
