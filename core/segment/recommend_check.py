"""How good are the recommendations? Hide each person's last new product and try to guess it.

Leave-last-out: for everyone with at least two different products, the product they
bought for the first time most recently is hidden; every recommender sees the rest and
offers its top 3. hit@1 / hit@3 = share of people whose hidden product is first / among
the three. Ours (popularity-normalised item-item) is set beside "most popular not yet
bought" and plain co-occurrence counts, so a user sees whether it earns its keep.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.segment.recommend import bought_matrix, item_similarity, top_products

RECOMMENDERS = ("item-item cosine", "most popular", "co-occurrence counts")


def hold_out_last(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """(training lines, hidden product per person) from lines with person/product/date."""
    firsts = (lines.dropna(subset=["person", "product"])
              .sort_values("date", kind="stable")
              .drop_duplicates(["person", "product"]))
    several = firsts["person"].map(firsts["person"].value_counts()) >= 2
    last = firsts[several].drop_duplicates("person", keep="last")
    train = firsts.drop(index=last.index)
    return train, pd.Series(last["product"].to_numpy(), index=last["person"].to_numpy())


def hit_rates(lines: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """hit@1 and hit@``count`` of each recommender on the hidden last products."""
    train, hidden = hold_out_last(lines)
    owned, persons, products = bought_matrix(train)
    popularity = np.asarray(owned.sum(axis=0)).ravel()
    rows = persons.get_indexer(hidden.index)
    target = products.get_indexer(hidden.to_numpy())  # -1: nobody else ever bought it
    similarities = {"item-item cosine": item_similarity(owned),
                    "most popular": None,
                    "co-occurrence counts": item_similarity(owned, normalise=False)}
    out = []
    for name in RECOMMENDERS:
        picks = top_products(owned[rows], similarities[name], popularity, count)
        hits = picks == target[:, None]
        out.append({"recommender": name, "people": len(target),
                    "hit@1": float(hits[:, 0].mean()), f"hit@{count}": float(hits.any(axis=1).mean()),
                    "distinct_first_picks": int(len(np.unique(picks[:, 0])))})
    return pd.DataFrame(out)
