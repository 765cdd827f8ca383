"""first_positions: each wanted key's first row in another list, by position."""

import numpy as np
import pandas as pd

from core.lookup import buyer_column, first_positions


def test_the_first_row_holding_a_key_missing_keys_never_match():
    keys = pd.Series(["b", None, "a", "b", np.nan, "c"], index=[10, 11, 12, 13, 14, 15], dtype="str")
    found = first_positions(keys, ["a", "b", "c", "z", None, np.nan])
    assert found.tolist() == [2, 0, 5, -1, -1, -1]  # positions, not the index labels


def test_object_keys_and_no_keys():
    assert first_positions(pd.Series(["x", "x"], dtype=object), np.array(["x"], dtype=object)).tolist() == [0]
    assert first_positions(pd.Series([], dtype=object), ["x"]).tolist() == [-1]


def test_the_buyer_is_the_link_steps_customer_else_the_lines_own():
    assert buyer_column(["customer_id", "matched_id", "product"]) == "matched_id"
    assert buyer_column(["product", "customer_id"]) == "customer_id"
    assert buyer_column(["email", "product"]) is None
