"""Two customer lists of partly the same people: typos, people who moved, changed or
missing e-mails, and family members at one address who are somebody else.

The lists come from the demo's people generator (households included); truth is
known, and precision and recall are asserted over several seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.dedupe.link import LinkConfig, link_records
from core.demo import noise
from core.demo.people import add_emails, add_households, addresses, make_people
from core.demo.spec import load_spec

COLUMNS = ["customer_id", "first_name", "last_name", "email", "phone", "street", "postcode",
           "city", "date_of_birth"]


def _row(folks, i: int) -> dict:
    return {"first_name": folks.first[i], "last_name": folks.last[i], "email": folks.email[i],
            "phone": folks.phone[i], "street": folks.street[i], "postcode": folks.postcode[i],
            "city": folks.city[i], "date_of_birth": str(folks.dob[i])}


def _noisy(rng, spec, folks, i: int) -> dict:
    """The same person as another list keeps them: one to three of the usual changes, and
    most often not the same e-mail address (else the e-mail alone would settle it).

    Someone who moved keeps their birthday: with a new address, no e-mail and no
    birthday only a name would be left, which nobody could link.
    """
    row = _row(folks, i)
    changes = list(rng.choice(["typo", "moved", "no_phone", "no_dob", "case"],
                              size=rng.integers(1, 4), replace=False))
    if "moved" in changes and "no_dob" in changes:
        changes.remove("no_dob")
    if rng.random() < 0.7:
        changes.append("email" if rng.random() < 0.5 else "no_email")
    for change in changes:
        if change == "typo":
            field = "first_name" if rng.random() < 0.5 else "last_name"
            row[field] = noise.typo(row[field], rng.random(), rng.random())
        elif change == "moved":
            country = spec["countries"][folks.country[i]]
            (street,), (city,), (postcode,) = addresses(rng, country, 1)
            row.update(street=street, city=city, postcode=postcode)
            row["phone"] = "" if rng.random() < 0.5 else row["phone"]
        elif change == "email":
            row["email"] = f"{noise.ascii_name(folks.first[i]).lower()}{rng.integers(100)}@mail.example"
        elif change == "no_email":
            row["email"] = ""
        elif change == "no_phone":
            row["phone"] = ""
        elif change == "no_dob":
            row["date_of_birth"] = ""
        else:
            row["last_name"] = noise.case_variant(row["last_name"], rng.random())
    return row


def two_lists(seed: int, people: int = 1500):
    """(shop, loyalty, truth): truth maps a loyalty id to its shop id, if any."""
    spec = load_spec()
    rng = np.random.default_rng(seed)
    folks = make_people(rng, spec, people)
    add_households(rng, spec, folks, share=0.15)
    add_emails(rng, spec, folks)
    order = rng.permutation(people)
    shop_people, both, loyalty_only = order[:900], order[:600], order[900:1300]
    shop = pd.DataFrame([_row(folks, i) for i in shop_people])
    shop.insert(0, "customer_id", [f"S{k:05d}" for k in range(len(shop))])
    loyalty_people = rng.permutation(np.r_[both, loyalty_only])
    loyalty = pd.DataFrame([_noisy(rng, spec, folks, i) for i in loyalty_people])
    loyalty.insert(0, "customer_id", [f"L{k:05d}" for k in range(len(loyalty))])
    shop_id = dict(zip(shop_people, shop["customer_id"], strict=True))
    truth = np.array([shop_id.get(i, "") for i in loyalty_people], dtype=object)
    # Family members: in the loyalty list only, at the address of someone in the shop's.
    home = {(folks.last[i], folks.street[i]) for i in shop_people}
    family = np.array([i not in shop_id and (folks.last[i], folks.street[i]) in home
                       for i in loyalty_people])
    return shop[COLUMNS], loyalty[COLUMNS], truth, family


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_noisy_customer_lists(seed):
    shop, loyalty, truth, family = two_lists(seed)
    assert family.sum() >= 15  # the hard negatives are really there
    out, report = link_records(shop, loyalty, None, None,
                               LinkConfig(id_column="customer_id", one_to_one=True))
    found = out["matched_id"].to_numpy(dtype=object)
    linked = found != ""
    tp = int(np.count_nonzero(linked & (found == truth)))
    precision, recall = tp / linked.sum(), tp / np.count_nonzero(truth != "")
    f1 = 2 * precision * recall / (precision + recall)
    # Measured over seeds 0-5: precision 0.998-1.000, recall 1.000 (about 190 of the 600
    # settled by e-mail, 410 by matching details); no family member linked.
    assert precision >= 0.98
    assert recall >= 0.98
    assert f1 >= 0.98
    assert not linked[family].any()
    assert report["by_method"]["e-mail"] > 0 and report["by_method"]["matching details"] > 0
