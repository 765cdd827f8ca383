"""Who bought what, for the merge's product picks: each customer and product once, lines
without either left out, customers in order of first purchase, products sorted."""

import numpy as np
import pandas as pd
import pytest

from core.compose.recommend import RecommendConfig, _pairs, recommend


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pairs_are_the_distinct_purchases(seed):
    rng = np.random.default_rng(seed)
    n = 5_000
    sales = pd.DataFrame({
        "customer_id": pd.array(rng.choice([f"c{i}" for i in range(300)] + ["", None], n), dtype="str"),
        "product": pd.array(rng.choice([f"p{i:02d}" for i in range(40)] + [""], n), dtype="str"),
    })
    cust, prod, customers, products = _pairs(sales, RecommendConfig())
    lines = [(c, p) for c, p in zip(sales["customer_id"], sales["product"], strict=True)
             if isinstance(c, str) and c and p]
    distinct = list(dict.fromkeys(lines))
    assert [(customers[c], products[p]) for c, p in zip(cust, prod, strict=True)] == distinct
    assert list(customers) == list(dict.fromkeys(c for c, _ in lines))
    assert list(products) == sorted({p for _, p in lines})


def test_no_product_already_bought_is_offered():
    sales = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "a"],
                          "product": ["tea", "mug", "tea", "pot", "mug", "tea"]})
    picks = recommend(sales, RecommendConfig(count=2))
    assert picks["a"] == ["pot"] and set(picks["c"]) == {"tea", "pot"}
    assert all(p not in {"tea", "mug"} for p in picks["a"])
