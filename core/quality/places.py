"""The countries and postcodes steps, and each row's country.

Countries become ISO 3166 alpha-2 codes (:mod:`core.normalise.countries` says which
names are known); postcodes are written as their row's country writes them
(:mod:`core.normalise.postcodes`), the project's region standing in for rows that
name no country.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.jobs import JobContext
from core.normalise.countries import country_code
from core.normalise.postcodes import format_postcode
from core.quality.base import as_text, check_columns, map_cells


@dataclass
class CountryConfig:
    """Country columns to rewrite as two-letter ISO codes (DE, GB, US)."""

    columns: list[str] = field(default_factory=list)


def standardise_countries(df: pd.DataFrame, config: CountryConfig, ctx: JobContext | None = None):
    """Rewrite countries as ISO 3166 alpha-2 codes; unknown names are kept and counted."""
    return map_cells(df, config.columns, country_code, "Countries", ctx)


@dataclass
class PostcodeConfig:
    """Postcode columns; the country comes from ``country_column`` per row, else ``country``
    (the project's region; None when unknown, and such postcodes are only tidied)."""

    columns: list[str] = field(default_factory=list)
    country_column: str = ""
    country: str | None = None


def row_countries(df: pd.DataFrame, country_column: str, default: str | None) -> pd.Series:
    """Each row's ISO country from ``country_column``, ``default`` where unknown or empty
    ("" when there is no default: the row's country is not known)."""
    default = (default or "").upper()
    if not country_column:
        return pd.Series(default, index=df.index, dtype=str)
    text = as_text(df[country_column])
    codes = text.map({v: country_code(v) or "" for v in pd.unique(text.to_numpy())})
    return codes.where(codes != "", default).astype(str)


def standardise_postcodes(df: pd.DataFrame, config: PostcodeConfig, ctx: JobContext | None = None):
    """Format postcodes per country where a rule is known; breaking ones are kept and counted."""
    check_columns(df, [config.country_column] if config.country_column else [], "Postcodes")
    countries = row_countries(df, config.country_column, config.country)
    return map_cells(df, config.columns, format_postcode, "Postcodes", ctx, context=countries)
