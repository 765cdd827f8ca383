"""Next best product per person: "people who bought X also bought Y".

Item-to-item co-occurrence counted over persons (not order lines, so one heavy buyer does
not dominate); a person's score for product Y is the sum of co-occurrences of Y with what
they bought. Products the person already bought are never recommended.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

CHUNK = 50_000


def next_best_product(lines: pd.DataFrame, persons: pd.Index) -> pd.Series:
    """Best product each person has not bought yet ("" when nothing fits).

    ``lines`` has ``person`` and ``product`` columns (the linked sales lines).
    """
    result = pd.Series("", index=persons, dtype=object)
    if lines.empty or "product" not in lines:
        return result
    bought = lines[["person", "product"]].dropna()
    bought = bought[bought["product"] != ""].drop_duplicates()
    person_codes, person_index = pd.factorize(bought["person"])
    product_codes, products = pd.factorize(bought["product"])
    if len(products) < 2:
        return result
    owned = sparse.csr_matrix(
        (np.ones(len(bought), dtype=np.float32), (person_codes, product_codes)),
        shape=(len(person_index), len(products)))
    co = (owned.T @ owned).toarray()
    np.fill_diagonal(co, 0)
    # Ties go to the product bought by more people overall, then to the name.
    popularity = np.asarray(owned.sum(axis=0)).ravel()
    order = np.lexsort((np.asarray(products, dtype=str), -popularity))
    best = np.zeros(owned.shape[0], dtype=int)
    has_pick = np.zeros(owned.shape[0], dtype=bool)
    for start in range(0, owned.shape[0], CHUNK):  # bounded memory on big bases
        block = owned[start:start + CHUNK]
        scores = np.asarray(block @ co)
        scores[block.toarray() > 0] = -1  # never what they already have
        ranked = scores[:, order]
        best[start:start + CHUNK] = order[ranked.argmax(axis=1)]
        has_pick[start:start + CHUNK] = ranked.max(axis=1) > 0
    picks = pd.Series(np.where(has_pick, np.asarray(products, dtype=object)[best], ""),
                      index=person_index)
    result.loc[picks.index] = picks.to_numpy()
    return result
