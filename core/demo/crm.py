"""CRM records: one record per person, plus noisy duplicate records for some people.

Originals are formatted on demand (``row(r)``) from the people arrays, so a million-person
CRM never holds a second copy of every string; duplicates (10-15% of people get one or
two) are built up front with the noise real exports show: nicknames, typos, case,
umlauts typed out, missing fields, e-mail and phone format variants, moved addresses.
"""

from __future__ import annotations

import numpy as np

from core.demo import noise
from core.demo.people import People, addresses
from core.demo.spec import DAYS, iso_days

CRM_COLUMNS = [
    "customer_id", "first_name", "last_name", "email", "phone", "street", "city",
    "postcode", "country", "date_of_birth", "gender", "consent", "created_at",
]  # fmt: skip
DUPLICATE_SHARE = 0.12
_ORIGINAL_PHONE_STYLES = [0.5, 0.4, 0.1, 0.0, 0.0, 0.0]


class Crm:
    """All CRM records of the demo: ``row(r)`` gives record ``r`` without its customer_id."""

    def __init__(self, rng: np.random.Generator, spec: dict, people: People, first_day: np.ndarray):
        self.spec, self.people = spec, people
        n = len(people)
        self.n_people = n
        self.dob = people.dob.astype(str)
        self.created = iso_days(first_day - rng.integers(0, 120, n))
        self.phone_style = rng.choice(len(_ORIGINAL_PHONE_STYLES), n, p=_ORIGINAL_PHONE_STYLES)
        # originals miss an e-mail, phone, birthday or gender now and then
        self.missing = rng.random((n, 4)) < np.array([0.03, 0.05, 0.05, 0.05])
        m = int(round(n * DUPLICATE_SHARE)) if n >= 5 else 0
        self.dup_people = rng.choice(n, m, replace=False) if m else np.empty(0, dtype=int)
        extra = 1 + (rng.random(m) < 0.3).astype(int)
        self.dup_person = np.repeat(self.dup_people, extra)
        self.dup_start = np.full(n, -1)
        self.dup_count = np.zeros(n, dtype=int)
        self.dup_start[self.dup_people] = n + np.cumsum(extra) - extra
        self.dup_count[self.dup_people] = extra
        self.dup_rows = self._duplicates(rng, first_day)

    def __len__(self) -> int:
        return self.n_people + len(self.dup_rows)

    def person_of(self) -> np.ndarray:
        """The true person of every record, in record order."""
        return np.concatenate([np.arange(self.n_people), self.dup_person])

    def row(self, r: int) -> list[str]:
        if r >= self.n_people:
            return self.dup_rows[r - self.n_people]
        p, miss = self.people, self.missing[r]
        country = self.spec["countries"][p.country[r]]
        phone = noise.phone(
            country["phone"]["code"],
            p.phone[r],
            len(country["phone"]["prefixes"][0]),
            int(self.phone_style[r]),
        )
        return [
            p.first[r], p.last[r], "" if miss[0] else p.email[r], "" if miss[1] else phone,
            p.street[r], p.city[r], p.postcode[r], country["names"][0],
            "" if miss[2] else str(self.dob[r]), "" if miss[3] else ("F" if p.female[r] else "M"),
            p.consent[r], str(self.created[r]),
        ]  # fmt: skip

    def _duplicates(self, rng: np.random.Generator, first_day: np.ndarray) -> list[list[str]]:
        people, persons = self.people, self.dup_person
        u = rng.random((len(persons), 18))
        moved: dict[int, tuple[str, str, str]] = {}
        for code, country in self.spec["countries"].items():
            idx = np.flatnonzero(people.country[persons] == code)
            for k, address in zip(
                idx, zip(*addresses(rng, country, len(idx)), strict=True), strict=True
            ):
                moved[int(k)] = address
        created = iso_days(
            first_day[persons] + (u[:, 17] * (DAYS - first_day[persons])).astype(int)
        )
        return [self._noisy(int(i), u[k], moved[k], str(created[k])) for k, i in enumerate(persons)]

    def _noisy(self, i: int, u: np.ndarray, moved: tuple[str, str, str], created: str) -> list[str]:
        """Record ``i`` as it was typed in again later: each field may drift, independently."""
        first, last, email, phone, street, city, postcode, country_name, dob, gender, consent, _ = (
            self.row(i)
        )
        country = self.spec["countries"][self.people.country[i]]
        nicknames = self.spec["nicknames"].get(first)
        if u[0] < 0.25 and nicknames:
            first = nicknames[int(u[1] * len(nicknames))]
        elif u[0] < 0.45:
            first = noise.typo(first, u[1], u[2])
        elif u[0] < 0.55:
            first = noise.case_variant(first, u[1])
        if u[3] < 0.12:
            last = noise.typo(last, u[4], u[5])
        elif u[3] < 0.2:
            last = noise.case_variant(last, u[4])
        elif u[3] < 0.35:
            last = noise.ascii_name(last)
        email = self.people.email[i]
        if u[6] < 0.15:
            email = ""
        elif u[6] < 0.35:
            local, domain = email.split("@")
            email = f"{local.title()}@{domain.upper() if u[7] < 0.3 else domain}"
        elif u[6] < 0.45:
            domains = country["domains"]
            local = noise.email_local(first, last, int(u[7] * 5), 1 + int(u[8] * 98))
            email = f"{local}@{domains[int(u[8] * len(domains))]}"
        elif u[6] < 0.5:
            email = f"{email} "
        if u[9] < 0.12:
            phone = ""
        else:
            style = (int(self.phone_style[i]) + 1 + int(u[10] * 5)) % noise.PHONE_STYLES
            spec = country["phone"]
            phone = noise.phone(spec["code"], self.people.phone[i], len(spec["prefixes"][0]), style)
        if u[11] < 0.15:
            street, city, postcode = moved
        elif u[11] < 0.45:
            street = noise.abbreviate(street, country["abbreviations"])
        if u[12] < 0.05:
            postcode = ""
        elif u[12] < 0.3:
            postcode = postcode.replace(" ", "")
        dob = str(self.dob[i])
        if u[13] < 0.12:
            dob = ""
        elif u[13] < 0.17 and int(dob[8:]) <= 12:
            dob = f"{dob[:5]}{dob[8:]}-{dob[5:7]}"
        if u[14] < 0.2:
            gender = ""
        if u[14] > 0.92:
            consent = "no" if consent == "yes" else "yes"
        if u[15] < 0.3:
            country_name = country["names"][1 + int(u[16] * (len(country["names"]) - 1))]
        return [
            first,
            last,
            email,
            phone,
            street,
            city,
            postcode,
            country_name,
            dob,
            gender,
            consent,
            created,
        ]
