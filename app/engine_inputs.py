"""The customer and sales frames as the segment and persona engines expect them.

Columns are found by the roles chosen on import: the customer id column of the customer
list by its role, and sales columns are renamed to their role in a renamed view (the
document's frames are never changed).
"""

from __future__ import annotations

import pandas as pd

from app.document import Document

SALES_ROLES = {"customer_id", "email", "order_id", "order_date", "amount", "product", "category",
               "channel", "discount", "currency"}


def engine_inputs(doc: Document, default_id: str = "customer_id"
                  ) -> tuple[str, pd.DataFrame, pd.DataFrame | None]:
    """(customer id column, customer frame, sales frame with role-named columns)."""
    crm, sales = doc.frame("crm"), doc.frame("sales")
    id_column = next((c for c, r in doc.roles("crm").items() if r == "customer_id"), default_id)
    if sales is not None:
        renames = {c: r for c, r in doc.roles("sales").items()
                   if r in SALES_ROLES and c != r and r not in sales.columns}
        sales = sales.rename(columns=renames)
    return id_column, crm, sales


def recommendation_sales(doc: Document) -> pd.DataFrame | None:
    """The sales lines the merge recommends products from, role-named; None when they
    name no product or customer (a history of dates, quantities and amounts only): such
    a file still segments people, it just has nothing to recommend."""
    sales = engine_inputs(doc)[2]
    if sales is None or not {"customer_id", "product"} <= set(sales.columns):
        return None
    return sales
