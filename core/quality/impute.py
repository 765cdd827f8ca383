"""Filling gaps in numeric features for segmentation, always with a visible missing flag.

A filled value is a guess, so every imputed column gets ``<column>_missing`` ("1" where
the value was guessed) and later steps can tell. Contact fields (names, e-mails, phones,
addresses, ...) are never filled: a guessed e-mail address is a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import ColumnError, LocalReachError
from core.jobs import JobContext, ensure_context
from core.quality.base import StepReport, as_text, check_columns
from core.roles import Role

METHODS = ("median", "most_frequent", "knn", "iterative")
CONTACT_ROLES = frozenset(
    {
        Role.CUSTOMER_ID, Role.FIRST_NAME, Role.LAST_NAME, Role.FULL_NAME, Role.EMAIL,
        Role.PHONE, Role.STREET, Role.CITY, Role.POSTCODE, Role.COUNTRY, Role.DATE_OF_BIRTH,
        Role.GENDER, Role.COMPANY, Role.ORDER_ID, Role.CONSENT, Role.OPT_OUT,
    }
)
FEATURE_ROLES = frozenset({Role.AMOUNT, Role.QUANTITY, Role.DISCOUNT, Role.OTHER})


@dataclass
class ImputeConfig:
    """Numeric columns to fill, how, and the suffix of the missing-flag columns."""

    columns: list[str] = field(default_factory=list)
    method: str = "median"
    neighbours: int = 5
    flag_suffix: str = "_missing"


def numeric_columns(df: pd.DataFrame, roles: dict[str, str]) -> list[str]:
    """Columns worth imputing: mostly numbers, some gaps, and not a contact field."""
    picked = []
    for col in df.columns:
        if roles.get(col, Role.OTHER) not in FEATURE_ROLES:
            continue
        text = as_text(df[col])
        filled = text[text != ""]
        if len(filled) and len(filled) < len(text):
            if pd.to_numeric(filled, errors="coerce").notna().mean() >= 0.9:
                picked.append(col)
    return picked


def _format(value: float, whole: bool) -> str:
    if whole:
        return str(int(round(value)))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def impute_missing(
    df: pd.DataFrame,
    config: ImputeConfig,
    ctx: JobContext | None = None,
    roles: dict[str, str] | None = None,
):
    """Fill empty (or unreadable) cells of numeric columns and add a missing flag per column."""
    ctx = ensure_context(ctx)
    roles = roles or {}
    if config.method not in METHODS:
        raise LocalReachError(f"Impute: unknown method '{config.method}'; use one of {', '.join(METHODS)}")
    columns = config.columns or numeric_columns(df, roles)
    check_columns(df, columns, "Impute")
    for col in columns:
        if roles.get(col) in CONTACT_ROLES:
            raise ColumnError(
                f"Impute: column '{col}' holds contact details ({roles[col]}); "
                "contact fields are never filled in, remove it from the list"
            )
    report = StepReport("Impute")
    out = df.copy(deep=False)
    if not columns:
        return out, report
    text = pd.DataFrame({c: as_text(df[c]) for c in columns})
    numbers = text.apply(pd.to_numeric, errors="coerce")
    missing = numbers.isna()
    for col in columns:
        if numbers[col].notna().sum() == 0:
            raise ColumnError(f"Impute: column '{col}' has no numbers to learn from; leave it out")
    ctx.progress(0, 1, "Filling gaps")
    # scikit-learn takes seconds to import: load it only when a user actually imputes.
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401  (registers the class)
    from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer

    if config.method in ("median", "most_frequent"):
        imputer = SimpleImputer(strategy=config.method)
    elif config.method == "knn":
        imputer = KNNImputer(n_neighbors=config.neighbours)
    else:
        imputer = IterativeImputer(max_iter=10, random_state=0)
    filled = imputer.fit_transform(numbers.to_numpy(dtype=float))
    ctx.progress(1, 1, "Filling gaps")
    for j, col in enumerate(columns):
        known = numbers[col].dropna()
        whole = bool(np.all(np.mod(known, 1) == 0))
        before = text[col]
        guesses = pd.Series([_format(v, whole) for v in filled[:, j]], index=df.index)
        after = before.where(~missing[col], guesses).astype(before.dtype)
        unreadable = (missing[col] & (before != "")).to_numpy()
        report.add_column(col, before, after, unreadable)
        out[col] = after
        flag = col + config.flag_suffix
        out[flag] = pd.Series(np.where(missing[col], "1", "0"), index=df.index, dtype=str)
        report.added_columns.append(flag)
    return out, report
