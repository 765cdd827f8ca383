"""Small contact lists (tens to hundreds of rows) made with Faker, with the truth kept.

Each list is full of the traps small files have: the same person twice with a typo, a
nickname, an e-mail in another case or with stray spaces, or a new address after a move
(same e-mail); family members at one address (one surname, street and landline, their
own first names and e-mails) and namesakes (same first and last name, nothing else in
common), who are other people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker import Faker
from rapidfuzz.distance import JaroWinkler, Levenshtein

from core.demo import noise
from core.normalise.names import fold, nicknames

COLUMNS = ["first_name", "last_name", "email", "phone", "street", "postcode", "city"]
DUPLICATES = ("typo", "nickname", "email_case", "moved")


def _address(fake: Faker) -> dict:
    return {"street": fake.street_address().replace("\n", ", "), "postcode": fake.postcode(),
            "city": fake.city(), "phone": fake.phone_number()}


def _email(rng, fake: Faker, first: str, last: str) -> str:
    local = f"{noise.ascii_name(first)}.{noise.ascii_name(last)}".lower().replace(" ", "")
    return f"{local}{rng.integers(10, 100)}@{fake.free_email_domain()}"


def _other_first(rng, fake: Faker, taken: list[str]) -> str:
    """A first name clearly unlike each of ``taken`` (a family member, not a typo)."""
    while True:
        a = fold(other := fake.first_name())
        if all(a[:1] != fold(t)[:1] and Levenshtein.distance(a, fold(t)) > 2
               and JaroWinkler.normalized_similarity(a, fold(t)) < 0.75 for t in taken):
            return other


def _duplicate(rng, fake: Faker, row: dict, kind: str) -> dict:
    """The same person entered again, changed the way ``kind`` says."""
    dup = dict(row)
    if kind == "typo":
        field = "first_name" if rng.random() < 0.5 else "last_name"
        dup[field] = noise.typo(dup[field], rng.random(), rng.random())
    elif kind == "nickname":
        nick = [k for k, v in nicknames().items() if v == fold(row["first_name"])]
        dup["first_name"] = str(rng.choice(nick)).title()
        dup["email"] = "" if rng.random() < 0.5 else _email(rng, fake, dup["first_name"],
                                                            row["last_name"])
    elif kind == "email_case":
        dup["email"] = f"  {row['email'].upper()} " if rng.random() < 0.5 else row["email"].title()
        dup["phone"] = "" if rng.random() < 0.5 else dup["phone"]
    else:  # moved: a new address and landline, the same e-mail
        dup.update(_address(fake))
        dup["phone"] = "" if rng.random() < 0.5 else dup["phone"]
    return dup


def contact_list(locale: str, seed: int, rows: int) -> tuple[pd.DataFrame, np.ndarray]:
    """(list, true person of each row), rows in a random order.

    About a fifth of the rows repeat a person (one of :data:`DUPLICATES` each), a tenth
    are family members of another row and one in twenty a namesake.
    """
    fake = Faker(locale)
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    formal = sorted(set(nicknames().values()))
    records: list[dict] = []
    person: list[int] = []
    masters: list[int] = []  # each person's own record: duplicates are made from it
    changes: dict[int, set] = {}  # the kinds of duplicate a person already has
    people = 0
    while len(records) < rows:
        kind = rng.choice(["new", "duplicate", "family", "namesake"], p=[0.65, 0.2, 0.1, 0.05])
        if kind == "new" or not records:
            # Some people have a first name that has nicknames, so a nickname duplicate can occur.
            first = str(rng.choice(formal)).title() if rng.random() < 0.3 else fake.first_name()
            last = fake.last_name()
            row = {"first_name": first, "last_name": last,
                   "email": _email(rng, fake, first, last), **_address(fake)}
            masters.append(len(records))
            records.append(row)
            person.append(people)
            people += 1
            continue
        i = masters[int(rng.integers(len(masters)))]
        base = records[i]
        if kind == "duplicate":
            # Two typo'd copies may be two typos apart: a different name, no longer a slip.
            usable = [k for k in DUPLICATES if k not in changes.setdefault(i, set()) - {"moved"}
                      and (k != "nickname" or fold(base["first_name"]) in formal)
                      and (k not in ("moved", "email_case") or base["email"])]
            if not usable:
                continue
            change = str(rng.choice(usable))
            changes[i].add(change)
            records.append(_duplicate(rng, fake, base, change))
            person.append(person[i])
            continue
        if kind == "family":
            home = [records[j]["first_name"] for j in masters if records[j]["street"] == base["street"]]
            first = _other_first(rng, fake, home)
            row = dict(base, first_name=first, email=_email(rng, fake, first, base["last_name"]))
        else:  # namesake: the same name, another person altogether
            row = {"first_name": base["first_name"], "last_name": base["last_name"],
                   "email": _email(rng, fake, base["last_name"], base["first_name"]),
                   **_address(fake)}
        masters.append(len(records))
        records.append(row)
        person.append(people)
        people += 1
    order = rng.permutation(len(records))
    df = pd.DataFrame(records, columns=COLUMNS).iloc[order].reset_index(drop=True)
    return df, np.asarray(person)[order]
