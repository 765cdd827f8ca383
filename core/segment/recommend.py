"""Next products per person: "people who bought X also bought Y", normalised for popularity.

Item-item cosine similarity over persons (not order lines, so one heavy buyer does not
dominate): co-buyers of X and Y divided by sqrt(buyers of X * buyers of Y). Raw counts
would recommend the best-seller to nearly everyone; the cosine asks how much more often Y
goes with X than its popularity alone explains. Each product keeps its
:data:`NEIGHBOURS` most similar products, built in blocks on a scipy.sparse matrix, so
memory grows with products x neighbours, not products squared. A person's score for Y is
the sum of Y's similarities to what they bought; ties and people without history fall
back to the most popular products.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

NEIGHBOURS = 100          # similar products kept per product
CELLS = 4_000_000         # dense cells per block (about 16 MB of float32)
COUNT = 3                 # products in next_products
SEPARATOR = "; "


def bought_matrix(lines: pd.DataFrame) -> tuple[sparse.csr_matrix, pd.Index, pd.Index]:
    """Persons x products 0/1 matrix from ``person`` / ``product`` lines, and both labels."""
    pairs = lines[["person", "product"]].dropna()
    pairs = pairs[pairs["product"].astype(str) != ""].drop_duplicates()
    person_codes, persons = pd.factorize(pairs["person"])
    product_codes, products = pd.factorize(pairs["product"])
    matrix = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=np.float32), (person_codes, product_codes)),
        shape=(len(persons), len(products)))
    return matrix, pd.Index(persons), pd.Index(products)


def item_similarity(owned: sparse.csr_matrix, normalise: bool = True,
                    neighbours: int = NEIGHBOURS) -> sparse.csr_matrix:
    """Products x products similarity, the ``neighbours`` best per row.

    ``normalise`` False keeps raw co-buyer counts (the plain co-occurrence baseline).
    """
    n = owned.shape[1]
    popularity = np.asarray(owned.sum(axis=0)).ravel()
    scale = 1.0 / np.sqrt(np.maximum(popularity, 1.0)) if normalise else np.ones(n)
    by_product = owned.T.tocsr()
    keep = min(neighbours, max(n - 1, 1))
    block = max(1, CELLS // max(n, 1))
    rows, cols, vals = [], [], []
    for start in range(0, n, block):
        stop = min(start + block, n)
        co = np.asarray((by_product[start:stop] @ owned).todense(), dtype=np.float32)
        co[np.arange(stop - start), np.arange(start, stop)] = 0.0
        co *= scale[start:stop, None] * scale[None, :]
        top = np.argpartition(-co, keep - 1, axis=1)[:, :keep] if keep < n else (
            np.broadcast_to(np.arange(n), co.shape))
        picked = np.take_along_axis(co, top, axis=1)
        mask = picked > 0
        rows.append(np.nonzero(mask)[0] + start)
        cols.append(top[mask])
        vals.append(picked[mask])
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(n, n))


def top_products(owned: sparse.csr_matrix, similarity: sparse.csr_matrix | None,
                 popularity: np.ndarray, count: int = COUNT, repeat: bool = False) -> np.ndarray:
    """Product numbers (persons x ``count``, -1 where none is left), best first.

    ``similarity`` None ranks by popularity alone (the most-popular baseline). ``repeat``
    lets people be offered what they already bought (consumables).
    """
    n_persons, n_products = owned.shape
    # Columns in popularity order: a stable sort then breaks ties towards the popular.
    order = np.argsort(-popularity, kind="stable")
    count = min(count, n_products)
    out = np.full((n_persons, count), -1, dtype=np.int64)
    chunk = max(1, CELLS // max(n_products, 1))
    for start in range(0, n_persons, chunk):
        rows = owned[start:start + chunk]
        scores = (np.asarray((rows @ similarity).todense(), dtype=np.float64)
                  if similarity is not None else np.zeros((rows.shape[0], n_products)))
        if not repeat:
            scores[rows.toarray() > 0] = -np.inf
        ranked = scores[:, order]
        best = np.argsort(-ranked, axis=1, kind="stable")[:, :count]
        found = np.isfinite(np.take_along_axis(ranked, best, axis=1))
        out[start:start + chunk] = np.where(found, order[best], -1)
    return out


def recommend_products(lines: pd.DataFrame, persons: pd.Index, count: int = COUNT,
                       repeat: bool = False) -> pd.DataFrame:
    """``next_products`` ("A; B; C") and ``next_best_product`` (the first) per person.

    ``lines`` has ``person`` and ``product`` columns (the linked sales lines); without a
    product column every person gets empty picks. People with no history get the most
    popular products.
    """
    result = pd.DataFrame({"next_products": "", "next_best_product": ""}, index=persons,
                          dtype=object)
    if lines.empty or "product" not in lines:
        return result
    owned, buyers, products = bought_matrix(lines)
    if len(products) == 0:
        return result
    full = sparse.vstack([owned, sparse.csr_matrix((1, owned.shape[1]), dtype=np.float32)])
    position = buyers.get_indexer(persons)  # -1: no history -> the empty last row
    full = full.tocsr()[np.where(position >= 0, position, owned.shape[0])]
    popularity = np.asarray(owned.sum(axis=0)).ravel()
    picks = top_products(full, item_similarity(owned), popularity, count, repeat)
    names = np.append(np.asarray(products, dtype=object), "")
    chosen = names[picks]  # -1 picks the "" at the end
    result["next_products"] = [SEPARATOR.join(p for p in row if p) for row in chosen]
    result["next_best_product"] = chosen[:, 0] if count else ""
    return result
