"""Which columns record consent, read from each distinct value once: number columns of
amounts or scores are never consent, 0/1 and true/false under a consent header are,
and a mixed column keeps 1, 1.0 and True apart (as its rows read them)."""

import numpy as np
import pandas as pd

from core.privacy.consent import consent_columns
from core.roles.consent import consent_meaning


def test_number_columns_and_flags():
    rng = np.random.default_rng(5)
    n = 2_000
    df = pd.DataFrame({
        "monetary": rng.gamma(2, 40, n),
        "recency_days": rng.integers(0, 700, n).astype(float),
        "newsletter": pd.array(rng.integers(0, 2, n), dtype="Int64"),
        "Accepts Marketing": rng.integers(0, 2, n).astype(bool),
        "status": pd.array(rng.choice(["subscribed", "unsubscribed", "cleaned"], n), dtype="str"),
        "email_invalid": pd.array(rng.choice(["yes", ""], n), dtype="str"),
        "record_ref": np.array([f"r{i}" for i in range(n)], dtype=object),
    })
    found = {m.column: (m.polarity, m.sure, m.source) for m in consent_columns(df)}
    assert found == {"newsletter": ("opt-in", True, "header"),
                     "Accepts Marketing": ("opt-in", True, "header"),
                     "status": ("opt-in", True, "values")}
    assert consent_meaning("monetary", df["monetary"]) is None
    assert consent_meaning("flag", pd.Series([0, 1, 1, None], dtype="Int64")).source == "guess"


def test_a_mixed_column_reads_each_value_as_its_row_does():
    values = pd.Series([1, "1", True, 1.0, "no", None] * 50, dtype=object)
    meaning = consent_meaning("newsletter", values)
    assert (meaning.polarity, meaning.sure) == ("opt-in", True)  # "1.0" is 1 in 5 answers
    more = pd.Series([1.0, 1.5, "no"] * 50, dtype=object)
    assert consent_meaning("newsletter", more).sure is False  # "1.0" and "1.5" are no answers
