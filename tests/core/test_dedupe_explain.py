"""Explaining a match in plain words, field by field."""

from __future__ import annotations

import pandas as pd
from test_dedupe_link_people import two_lists

from core.dedupe.explain import explain_pair, strength
from core.dedupe.link import LinkConfig, explain_link, link_records
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


def test_explain_a_sales_line_linked_by_its_details():
    # Till lines carry a name and address but no customer id or e-mail: the link's scored
    # pairs say why a line is its customer's (a typo in the surname is only weak evidence)
    shop, _, _, _ = two_lists(0, 400)
    shop = shop.iloc[:240].reset_index(drop=True)
    p = shop.iloc[7]
    typo = {"first_name": p.first_name, "last_name": p.last_name[:-1] + ("y" if p.last_name[-1] == "x" else "x"),
            "street": p.street, "postcode": p.postcode, "phone": "", "amount": "12.50"}
    lines = pd.DataFrame([typo] * 3 + [{"first_name": r.first_name, "last_name": r.last_name,
                                        "street": r.street, "postcode": r.postcode, "phone": r.phone,
                                        "amount": "5"} for r in shop.iloc[20:60].itertuples()])
    lines.insert(0, "customer_id", ["", "", "", *[""] * 39, "S00059"])
    out, report = link_records(shop, lines, None, None, LinkConfig(id_column="customer_id"))
    assert out["matched_id"][:4].tolist() == ["S00007"] * 3 + ["S00020"]
    assert report["by_method"] == {"customer id": 1, "e-mail": 0, "matching details": 42}
    why = explain_link(report["scores"], 0)
    assert why.text() == ("same first name: strong; same postcode: strong; same street: medium; "
                          "surname one letter apart: weak")
    assert why.probability > 0.99
    # any record of the list can be asked about; a line the id settled has no scores
    other = explain_link(report["scores"], 0, 8)
    assert other.probability < 0.01 and "different first name: strongly against" in other.text()
    assert explain_link(report["scores"], len(lines) - 1) is None
