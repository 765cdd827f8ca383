"""Imputation fills numeric gaps, adds missing flags, and never touches contact fields."""

import pandas as pd
import pytest

from core.errors import ColumnError
from core.quality.impute import ImputeConfig, impute_missing

ROLES = {"email": "email", "phone": "phone", "amount": "amount", "quantity": "quantity"}


@pytest.fixture
def df():
    return pd.DataFrame(
        {
            "email": ["a@b.de", "", "c@d.de", "", "e@f.de"],
            "phone": ["", "030 1234567", "", "", ""],
            "amount": ["10", "", "30", "20", "60"],
            "quantity": ["2", "2", "", "4", "5"],
        }
    )


@pytest.mark.parametrize(
    ("method", "amount", "quantity"),
    [("median", "25", "3"), ("most_frequent", "10", "2"), ("knn", "15", "3")],
)
def test_fills_gaps_and_flags_them(df, method, amount, quantity):
    out, report = impute_missing(df, ImputeConfig(method=method, neighbours=2), roles=ROLES)
    assert out.loc[1, "amount"] == amount
    assert out.loc[2, "quantity"] == quantity
    assert out["amount_missing"].tolist() == ["0", "1", "0", "0", "0"]
    assert out["quantity_missing"].tolist() == ["0", "0", "1", "0", "0"]
    assert report.changed_cells == 2
    assert report.added_columns == ["amount_missing", "quantity_missing"]
    # contact fields stay exactly as they were, gaps included
    assert out["email"].tolist() == df["email"].tolist()
    assert out["phone"].tolist() == df["phone"].tolist()


def test_iterative_keeps_known_values(df):
    out, _ = impute_missing(df, ImputeConfig(method="iterative"), roles=ROLES)
    assert out.loc[[0, 2, 3, 4], "amount"].tolist() == ["10", "30", "20", "60"]
    assert out.loc[1, "amount"] != ""


def test_contact_columns_are_refused(df):
    with pytest.raises(ColumnError) as err:
        impute_missing(df, ImputeConfig(columns=["amount", "phone"]), roles=ROLES)
    assert str(err.value) == (
        "Impute: column 'phone' holds contact details (phone); "
        "contact fields are never filled in, remove it from the list"
    )
