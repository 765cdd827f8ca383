"""Two years of orders drawn from each person's latent behaviour.

Behaviours (``resources/demo/generator.json``) differ in how often, how recently, how much,
with what discount, through which channel and in which category people buy, so a
segmentation on recency/frequency/monetary/discount/channel/category can recover them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.demo.spec import DAYS, START

SALES_COLUMNS = [
    "order_id", "customer_id", "order_date", "product", "category", "channel",
    "quantity", "unit_price", "discount", "amount", "currency",
]  # fmt: skip


@dataclass
class Catalogue:
    names: np.ndarray
    categories: np.ndarray  # category name per product
    prices: np.ndarray
    category_names: list[str]
    first: np.ndarray  # first product index of each category
    count: np.ndarray  # products per category

    @classmethod
    def from_spec(cls, spec: dict) -> Catalogue:
        cats = list(spec["products"])
        items = [(name, cat, price) for cat in cats for name, price in spec["products"][cat]]
        count = np.array([len(spec["products"][c]) for c in cats])
        return cls(
            names=np.array([i[0] for i in items], dtype=object),
            categories=np.array([i[1] for i in items], dtype=object),
            prices=np.array([i[2] for i in items]),
            category_names=cats,
            first=np.cumsum(count) - count,
            count=count,
        )


@dataclass
class Orders:
    """One entry per order line, sorted by date; ``person`` is the buyer's index."""

    person: np.ndarray
    day: np.ndarray  # days since START
    product: np.ndarray
    channel: np.ndarray
    quantity: np.ndarray
    discount: np.ndarray
    amount: np.ndarray
    first_day: np.ndarray  # per person: day of the first order

    def __len__(self) -> int:
        return len(self.person)


def _season_days(u: np.ndarray) -> np.ndarray:
    """Days in the 20 Nov - 23 Dec gift season of either year."""
    starts = np.array([np.datetime64("2024-11-20"), np.datetime64("2025-11-20")]) - START
    year = (u * 2).astype(int)
    return starts.astype(int)[year] + ((u * 2 - year) * 34).astype(int)


def make_orders(
    rng: np.random.Generator, spec: dict, behaviour: np.ndarray, cat: Catalogue
) -> Orders:
    behaviours = spec["behaviours"]
    means = np.array([b["orders"] for b in behaviours])
    per_person = 1 + rng.poisson(np.maximum(means[behaviour] - 1, 0))
    person = np.repeat(np.arange(len(behaviour)), per_person)
    ob = behaviour[person]
    total = len(person)
    day = np.empty(total, dtype=np.int32)
    product = np.empty(total, dtype=np.int32)
    channel = np.empty(total, dtype=np.int8)
    quantity = np.empty(total, dtype=np.int32)
    rate = np.zeros(total)
    for b, spec_b in enumerate(behaviours):
        idx = np.flatnonzero(ob == b)
        k = len(idx)
        lo, hi = spec_b["window"]
        d = ((lo + rng.random(k) * (hi - lo)) * (DAYS - 1)).astype(np.int32)
        seasonal = rng.random(k) < spec_b["seasonal"]
        d[seasonal] = _season_days(rng.random(int(seasonal.sum())))
        day[idx] = d
        probs = np.array([spec_b["categories"].get(c, 0.0) for c in cat.category_names])
        c = rng.choice(len(probs), k, p=probs / probs.sum())
        product[idx] = cat.first[c] + (rng.random(k) * cat.count[c]).astype(int)
        channel[idx] = rng.choice(len(spec_b["channels"]), k, p=spec_b["channels"])
        quantity[idx] = 1 + rng.poisson(spec_b["quantity"], k)
        dlo, dhi = spec_b["discount"]
        has = rng.random(k) < spec_b["discount_p"]
        rate[idx] = np.where(has, np.round((dlo + rng.random(k) * (dhi - dlo)) * 20) / 20, 0.0)
    gross = quantity * cat.prices[product]
    discount = np.round(gross * rate, 2)
    amount = np.round(gross - discount, 2)
    first_day = np.minimum.reduceat(day, np.cumsum(per_person) - per_person)
    order = np.lexsort((person, day))
    return Orders(
        person=person[order], day=day[order], product=product[order], channel=channel[order],
        quantity=quantity[order], discount=discount[order], amount=amount[order], first_day=first_day,
    )  # fmt: skip
