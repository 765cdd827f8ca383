"""Synthetic people (names, addresses, phones, e-mails, latent behaviour) and households.

Arrays are column-wise (one numpy array per attribute) so a million people take seconds;
households make the hard negatives a deduplicator must not merge: family members who
share a surname, an address and a landline but have their own first name and birthday.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.demo import noise
from core.demo.spec import REF_DAY


@dataclass
class People:
    country: np.ndarray  # country code, e.g. "DE"
    female: np.ndarray  # bool
    first: np.ndarray
    last: np.ndarray
    dob: np.ndarray  # datetime64[D]
    street: np.ndarray  # formatted "Hauptstraße 12" / "12 High Street"
    city: np.ndarray
    postcode: np.ndarray
    phone: np.ndarray  # national significant number, digits only
    email: np.ndarray
    consent: np.ndarray  # "yes" / "no"
    behaviour: np.ndarray  # index into spec["behaviours"]

    def __len__(self) -> int:
        return len(self.first)


def addresses(rng: np.random.Generator, country: dict, size: int) -> tuple[list, list, list]:
    """``size`` random (street, city, postcode) triples for one country."""
    names = country["streets"]
    street_idx = rng.integers(0, len(names), size)
    numbers = rng.integers(1, 120, size)
    streets = [
        noise.street(country["street_style"], names[s], int(n))
        for s, n in zip(street_idx, numbers, strict=True)
    ]
    cities = country["cities"]
    city_idx = rng.integers(0, len(cities), size)
    u = rng.random((size, 4))
    postcodes = []
    for ci, (a, b, c, d) in zip(city_idx, u, strict=True):
        entry = cities[ci]
        if country["postcode_style"] == "uk":
            outward = entry[1 + int(a * (len(entry) - 1))]
            postcodes.append(
                f"{outward} {int(b * 9) + 1}{_UK_INWARD[int(c * 20)]}{_UK_INWARD[int(d * 20)]}"
            )
        else:
            postcodes.append(f"{entry[1] + int(a * (entry[2] - entry[1] + 1)):05d}")
    return streets, [cities[i][0] for i in city_idx], postcodes


_UK_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def _phones(rng: np.random.Generator, country: dict, size: int) -> list[str]:
    spec = country["phone"]
    prefixes = rng.integers(0, len(spec["prefixes"]), size)
    numbers = rng.integers(0, 10 ** spec["digits"], size)
    digits = spec["digits"]
    return [f"{spec['prefixes'][p]}{n:0{digits}d}" for p, n in zip(prefixes, numbers, strict=True)]


def make_people(rng: np.random.Generator, spec: dict, n: int) -> People:
    codes = list(spec["countries"])
    weights = np.array([spec["countries"][c]["weight"] for c in codes])
    cidx = rng.choice(len(codes), n, p=weights / weights.sum())
    female = rng.random(n) < 0.5
    cols = {
        k: np.empty(n, dtype=object)
        for k in ("first", "last", "street", "city", "postcode", "phone")
    }
    for k, code in enumerate(codes):
        c = spec["countries"][code]
        idx = np.flatnonzero(cidx == k)
        fem, mal = np.array(c["female"], dtype=object), np.array(c["male"], dtype=object)
        pick = rng.random(len(idx))
        cols["first"][idx] = np.where(
            female[idx], fem[(pick * len(fem)).astype(int)], mal[(pick * len(mal)).astype(int)]
        )
        last = np.array(c["last"], dtype=object)
        cols["last"][idx] = last[rng.integers(0, len(last), len(idx))]
        streets, cities, postcodes = addresses(rng, c, len(idx))
        cols["street"][idx], cols["city"][idx], cols["postcode"][idx] = streets, cities, postcodes
        cols["phone"][idx] = _phones(rng, c, len(idx))
    age_days = (np.clip(rng.normal(46, 15, n), 18, 89) * 365.25).astype(int) + rng.integers(
        0, 365, n
    )
    behaviours = spec["behaviours"]
    shares = np.array([b["share"] for b in behaviours])
    return People(
        country=np.array(codes, dtype=object)[cidx],
        female=female,
        dob=REF_DAY - age_days.astype("timedelta64[D]"),
        email=np.empty(n, dtype=object),
        consent=np.where(rng.random(n) < 0.72, "yes", "no").astype(object),
        behaviour=rng.choice(len(behaviours), n, p=shares / shares.sum()),
        **cols,
    )


def add_households(
    rng: np.random.Generator, spec: dict, people: People, share: float = 0.06
) -> int:
    """Move a share of people in with another person: same surname, address and phone.

    The newcomer gets a first name from the household's country that differs from the
    head's, keeping its own birthday and behaviour. Returns how many moved in.
    """
    n = len(people)
    k = int(n * share) if n >= 10 else 0
    if k == 0:
        return 0
    order = rng.permutation(n)
    joiners, pool = order[:k], order[k:]
    heads = pool[rng.integers(0, len(pool), k)]
    for name in ("country", "last", "street", "city", "postcode", "phone"):
        column = getattr(people, name)
        column[joiners] = column[heads]
    pick = rng.random(k)
    for j, h, u in zip(joiners, heads, pick, strict=True):
        c = spec["countries"][people.country[j]]
        names = c["female"] if people.female[j] else c["male"]
        i = int(u * len(names))
        if names[i] == people.first[h]:
            i = (i + 1) % len(names)
        people.first[j] = names[i]
    return k


def add_emails(rng: np.random.Generator, spec: dict, people: People) -> None:
    """Personal addresses from the person's own names, unique across the base."""
    n = len(people)
    patterns = rng.integers(0, 5, n)
    numbers = rng.integers(1, 99, n)
    domain_pick = rng.random(n)
    seen: set[str] = set()
    for i in range(n):
        domains = spec["countries"][people.country[i]]["domains"]
        local = noise.email_local(
            people.first[i], people.last[i], int(patterns[i]), int(numbers[i])
        )
        domain = domains[int(domain_pick[i] * len(domains))]
        address, extra = f"{local}@{domain}", 1
        while address in seen:
            extra += 1
            address = f"{local}{extra}@{domain}"
        seen.add(address)
        people.email[i] = address
