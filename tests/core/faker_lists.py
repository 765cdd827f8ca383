"""Customer lists made with Faker, with the truth kept: the test data of the duplicates
and linking tests.

:func:`contact_list` makes one small list (tens to hundreds of rows) full of the traps
small files have: the same person twice with a typo, a nickname, an e-mail in another
case or with stray spaces, or a new address after a move (same e-mail); family members
at one address (one surname, street and landline, their own first names and e-mails)
and namesakes (same first and last name, nothing else in common), who are other people.

:func:`make_lists` makes three lists of partly the same people, each a different system
with its own headers and its own customer ids: a webshop, a newsletter (no ids, few
fields) and a till's loyalty cards. The same person in two lists differs as people do: a
typo in a name, a move (new street, postcode and city; the birthday stays), another or no
e-mail. Family members live at one address with one surname and one landline, but are
different people. One shop customer registered twice. A newsletter is a list of e-mail
addresses: its rows keep theirs (a name alone would identify nobody). The till's sales
lines carry its card numbers, the webshop's orders its customer ids; neither has an e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass

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


# -- three lists of partly the same people ----------------------------------------------
SHOP = {"id": "customer_id", "first": "first_name", "last": "last_name", "email": "email",
        "phone": "phone", "street": "street", "postcode": "postcode", "city": "city",
        "dob": "date_of_birth"}
NEWS = {"first": "First Name", "last": "Surname", "email": "E-mail address"}
CARDS = {"id": "Card number", "first": "Given name", "last": "Family name", "email": "Mail",
         "phone": "Telephone", "street": "Address", "postcode": "Post code", "city": "Town",
         "dob": "Birthday"}


@dataclass
class Lists:
    frames: dict[str, pd.DataFrame]  # list name -> table with the list's own headers
    person: dict[str, np.ndarray]  # list name -> true person of each row
    headers: dict[str, dict[str, str]]  # list name -> field -> header
    orders: pd.DataFrame  # webshop orders: order_id, customer_id, order_date, amount
    till: pd.DataFrame  # till lines: Card number, Date, Amount
    order_person: np.ndarray  # true person of each webshop order
    till_person: np.ndarray  # true person of each till line


def _typo(rng, word: str) -> str:
    i = int(rng.integers(1, max(2, len(word) - 1)))
    kind = rng.integers(3)
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:] if i < len(word) else word + "e"


def _ascii(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalpha())


def make_lists(seed: int, people: int = 150, card_ids: str = "own") -> Lists:
    """Three lists of ``people`` people; ``card_ids`` "own" numbers the loyalty cards
    7000001, ... and "same" numbers them like the shop's ids (1001, ...): two systems
    whose ids look alike but mean different people."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    folks = []
    for p in range(people):
        if folks and rng.random() < 0.15:  # a family member at someone's address
            home = folks[int(rng.integers(len(folks)))]
            first = fake.first_name()
            folks.append({**home, "first": first, "dob": fake.date_of_birth(minimum_age=18).isoformat(),
                          "email": f"{_ascii(first)}.{_ascii(home['last'])}{p}@example.com"})
            continue
        first, last = fake.first_name(), fake.last_name()
        folks.append({"first": first, "last": last,
                      "email": f"{_ascii(first)}.{_ascii(last)}{p}@example.com",
                      "phone": fake.phone_number(), "street": fake.street_address(),
                      "postcode": fake.postcode(), "city": fake.city(),
                      "dob": fake.date_of_birth(minimum_age=18).isoformat()})

    def changed(p: int, kinds=("typo", "moved", "email", "none")) -> dict:
        row = dict(folks[p])
        change = rng.choice(kinds)
        if change == "typo":
            field = "first" if rng.random() < 0.5 else "last"
            row[field] = _typo(rng, row[field])
        elif change == "moved":
            row.update(street=fake.street_address(), postcode=fake.postcode(), city=fake.city())
        elif change == "email":
            row["email"] = "" if rng.random() < 0.5 else f"{_ascii(row['first'])}{p}@mail.example"
        return row

    order = rng.permutation(people)
    shop_people = list(order[: int(people * 0.7)])
    shop_people.append(shop_people[3])  # registered twice
    # The shop's newsletter: shop customers and a few who never bought (a newsletter row
    # is a name and an address, so one in two other lists must meet the shop's row).
    news_people = list(order[int(people * 0.4): int(people * 0.75)])
    card_people = list(order[int(people * 0.2): int(people * 0.3)]) + list(order[int(people * 0.75):])
    rows = {"shop": [folks[p] if i < len(shop_people) - 1 else changed(p)
                     for i, p in enumerate(shop_people)],
            "newsletter": [changed(p, ("typo", "none")) for p in news_people],
            "loyalty": [changed(p) for p in card_people]}
    person = {"shop": np.array(shop_people), "newsletter": np.array(news_people),
              "loyalty": np.array(card_people)}
    headers = {"shop": SHOP, "newsletter": NEWS, "loyalty": CARDS}
    frames = {}
    for name, records in rows.items():
        table = pd.DataFrame([{h: r[f] for f, h in headers[name].items() if f != "id"} for r in records])
        if name == "shop":
            table.insert(0, SHOP["id"], [str(1001 + k) for k in range(len(table))])
        elif name == "loyalty":
            first = 1001 if card_ids == "same" else 7000001
            table.insert(0, CARDS["id"], [str(first + k) for k in range(len(table))])
        frames[name] = table
    orders, order_person = _lines(rng, frames["shop"][SHOP["id"]], person["shop"],
                                  ["customer_id", "order_date", "amount"])
    orders.insert(0, "order_id", [f"W{k:05d}" for k in range(len(orders))])
    till, till_person = _lines(rng, frames["loyalty"][CARDS["id"]], person["loyalty"],
                               [CARDS["id"], "Date", "Amount"])
    return Lists(frames, person, headers, orders, till, order_person, till_person)


def _lines(rng, ids: pd.Series, persons: np.ndarray, columns: list[str]):
    """0-3 purchases per record: (lines, true person of each line)."""
    counts = rng.integers(0, 4, len(ids))
    who = np.repeat(np.arange(len(ids)), counts)
    days = rng.integers(0, 365, len(who))
    dates = (pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    amounts = [f"{a:.2f}" for a in rng.uniform(5, 200, len(who))]
    lines = pd.DataFrame({columns[0]: ids.to_numpy()[who], columns[1]: dates, columns[2]: amounts})
    return lines, persons[who]
