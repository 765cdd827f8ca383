"""A sales file alone is a valid start: its own customer key makes the list of people.

When no customer list was imported, Segments groups the people the sales lines name:
one row per distinct customer id (else e-mail), carrying the first non-empty value of
each column that describes the person (name, e-mail, phone, ...), never the order lines'
own fields (dates, amounts, products).
"""

from __future__ import annotations

import pandas as pd

# Roles that describe an order line, not the person who placed it.
LINE_ROLES = {"order_id", "order_date", "amount", "unit_price", "currency", "quantity", "product", "category",
              "channel", "discount"}
KEY_ROLES = ("customer_id", "email")


def customer_key(roles: dict[str, str]) -> str | None:
    """The sales column that says who bought: the customer id, else the e-mail."""
    for wanted in KEY_ROLES:
        column = next((c for c, r in roles.items() if r == wanted), None)
        if column is not None:
            return column
    return None


def customers_from_sales(sales: pd.DataFrame, roles: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """(one row per customer of ``sales``, its roles); the key column keeps its name."""
    key = customer_key(roles)
    if key is None:
        raise ValueError("no customer key")  # callers check customer_key() first
    person = [c for c in sales.columns if c == key or roles.get(c, "other") not in LINE_ROLES | {"other"}]
    frame = sales[person].astype("string").apply(lambda s: s.str.strip()).replace("", pd.NA)
    frame = frame[frame[key].notna()].groupby(key, sort=False).first().reset_index()
    return frame.fillna("").astype(str), {c: roles[c] for c in person if c in roles}
