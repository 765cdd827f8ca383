"""Next products per person: "people who bought X also bought Y", normalised for popularity.

Item-item cosine similarity over persons (not order lines, so one heavy buyer does not
dominate): co-buyers of X and Y divided by sqrt(buyers of X * buyers of Y). Raw counts
would recommend the best-seller to nearly everyone; the cosine asks how much more often Y
goes with X than its popularity alone explains. Each product keeps its
:data:`NEIGHBOURS` most similar products, built in blocks on a scipy.sparse matrix, so
memory grows with products x neighbours, not products squared. A person's score for Y is
the sum of Y's similarities to what they bought; ties and people without history fall
back to what their group (segment) buys most when the groups are given, then to the most
popular products. This is the one place that picks products: the segment step's
``next_products`` and the merge's ``recommendations`` are the same picks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from core.segment.services import charges

NEIGHBOURS = 100          # similar products kept per product
CELLS = 4_000_000         # dense cells per block (about 16 MB of float32)
COUNT = 3                 # products in next_products
SEPARATOR = "; "


def outside_buyers(sales: pd.DataFrame, lines: np.ndarray) -> np.ndarray:
    """Who bought each of ``lines`` (positions in the role-named ``sales``), lines no one
    in the customer list bought: they still tell which products go together. The line's
    own customer id, trimmed, says which lines one buyer bought -- a customer of another
    list, or the order of a linked export; a line without one is a buyer of its own, so
    id-less lines make no one shopper of everything. The segment step's and the merge's
    picks read outsiders this one way."""
    own = (sales["customer_id"].iloc[lines].astype("string").str.strip().fillna("")
           .to_numpy(dtype=object) if "customer_id" in sales.columns
           else np.full(len(lines), "", dtype=object))
    alone = np.array([f"line {i}" for i in lines], dtype=object)
    return np.where(own != "", "sales " + own, alone)


def bought_matrix(lines: pd.DataFrame) -> tuple[sparse.csr_matrix, pd.Index, pd.Index]:
    """Persons x products 0/1 matrix from ``person`` / ``product`` lines, and both labels;
    a charge (postage, a fee: :mod:`core.segment.services`) is no product."""
    pairs = lines[["person", "product"]].dropna()
    pairs = pairs[pairs["product"].astype(str) != ""].drop_duplicates()
    product_codes, products = pd.factorize(pairs["product"])
    charge = charges(products)
    if charge.any():
        pairs = pairs[~charge[product_codes]]
        product_codes, products = pd.factorize(pairs["product"])
    person_codes, persons = pd.factorize(pairs["person"])
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


def _group_shares(owned: sparse.csr_matrix, groups: np.ndarray) -> np.ndarray:
    """Groups x products: each product's buyers in the group, as a share of the group's
    best seller's (``groups``: each person's group number)."""
    member = sparse.csr_matrix((np.ones(len(groups)), (groups, np.arange(len(groups)))),
                               shape=(groups.max() + 1, len(groups)))
    per_group = np.asarray((member @ owned).todense())
    return per_group / np.maximum(per_group.max(axis=1, keepdims=True), 1.0)


def top_products(owned: sparse.csr_matrix, similarity: sparse.csr_matrix | None,
                 popularity: np.ndarray, count: int = COUNT, repeat: bool = False,
                 groups: np.ndarray | None = None) -> np.ndarray:
    """Product numbers (persons x ``count``, -1 where none is left), best first.

    ``similarity`` None ranks by popularity alone (the most-popular baseline). ``repeat``
    lets people be offered what they already bought (consumables). ``groups`` (each
    person's group number) breaks ties, and fills in for people without history, with
    what their group buys most (a thousandth of a score: it decides only between
    near-equal neighbours).
    """
    n_persons, n_products = owned.shape
    shares = _group_shares(owned, groups) if groups is not None and n_persons else None
    # Columns in popularity order: a stable sort then breaks ties towards the popular.
    order = np.argsort(-popularity, kind="stable")
    count = min(count, n_products)
    out = np.full((n_persons, count), -1, dtype=np.int64)
    chunk = max(1, CELLS // max(n_products, 1))
    for start in range(0, n_persons, chunk):
        rows = owned[start:start + chunk]
        scores = (np.asarray((rows @ similarity).todense(), dtype=np.float64)
                  if similarity is not None else np.zeros((rows.shape[0], n_products)))
        if shares is not None:
            scores += shares[groups[start:start + chunk]] * 1e-3
        if not repeat:
            scores[rows.toarray() > 0] = -np.inf
        ranked = scores[:, order]
        best = np.argsort(-ranked, axis=1, kind="stable")[:, :count]
        found = np.isfinite(np.take_along_axis(ranked, best, axis=1))
        out[start:start + chunk] = np.where(found, order[best], -1)
    return out


def product_picks(lines: pd.DataFrame, persons: pd.Index, count: int = COUNT,
                  repeat: bool = False, groups=None) -> list[list[str]]:
    """Up to ``count`` products for each of ``persons``, best first.

    ``lines`` has ``person`` and ``product`` columns (sales lines; people not in
    ``persons`` still tell which products go together); ``groups`` holds each person's
    group (segment), in the order of ``persons``. Without a product column nobody gets
    a pick; people with no history get what their group, else everyone, buys most.
    """
    distinct, which = _distinct_picks(lines, persons, count, repeat, groups)
    return [list(distinct[i]) for i in which]


def _distinct_picks(lines, persons, count, repeat, groups) -> tuple[list[list[str]], np.ndarray]:
    """:func:`product_picks` as its distinct lists and each person's position among them:
    many people share their picks, and the names are listed once per distinct list."""
    if lines.empty or "product" not in lines or count <= 0:
        return [[]], np.zeros(len(persons), dtype=np.intp)
    owned, buyers, products = bought_matrix(lines)
    if len(products) == 0:
        return [[]], np.zeros(len(persons), dtype=np.intp)
    full = sparse.vstack([owned, sparse.csr_matrix((1, owned.shape[1]), dtype=np.float32)])
    position = buyers.get_indexer(persons)  # -1: no history -> the empty last row
    full = full.tocsr()[np.where(position >= 0, position, owned.shape[0])]
    popularity = np.asarray(owned.sum(axis=0)).ravel()
    codes = None if groups is None else pd.factorize(pd.Series(groups, dtype=object).fillna(""))[0]
    picks = top_products(full, item_similarity(owned), popularity, count, repeat, codes)
    rows, which = np.unique(picks, axis=0, return_inverse=True)
    names = np.append(np.asarray(products, dtype=object), "")
    return [[p for p in row if p] for row in names[rows].tolist()], which.ravel()  # -1: the "" at the end


def recommend_products(lines: pd.DataFrame, persons: pd.Index, count: int = COUNT,
                       repeat: bool = False, groups=None) -> pd.DataFrame:
    """``next_products`` ("A; B; C") and ``next_best_product`` (the first) per person:
    :func:`product_picks` as two columns."""
    distinct, which = _distinct_picks(lines, persons, count, repeat, groups)
    joined = np.array([SEPARATOR.join(row) for row in distinct], dtype=object)
    first = np.array([row[0] if row else "" for row in distinct], dtype=object)
    return pd.DataFrame({"next_products": joined[which], "next_best_product": first[which]},
                        index=persons, dtype=object)
