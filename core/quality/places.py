"""Countries to ISO 3166 alpha-2 codes, and postcodes written the way each country writes them.

Countries are recognised by code (DE, DEU), English name, official and common names,
their names in German, French, Spanish, Italian and Dutch (pycountry's translations),
and a few everyday forms ("UK", "USA", "Holland"). Postcodes follow a rule only for
countries where one is known; others are left as written.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pandas as pd
import pycountry

from core.jobs import JobContext
from core.quality.base import as_text, check_columns, map_cells

LANGUAGES = ("de", "fr", "es", "it", "nl")
EVERYDAY = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "usa": "US", "us": "US", "america": "US",
    "united states of america": "US", "holland": "NL", "the netherlands": "NL",
    "russia": "RU", "south korea": "KR", "korea": "KR", "czech republic": "CZ",
    "vietnam": "VN", "iran": "IR", "syria": "SY", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "moldova": "MD", "taiwan": "TW", "laos": "LA", "turkey": "TR",
}


def _key(text: str) -> str:
    """Case, accents, dots and spaces do not matter when naming a country."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z ]+", " ", text.replace(".", "")).split())


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    translations = []
    for lang in LANGUAGES:
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, [lang]))
        except OSError:
            continue
    for c in pycountry.countries:
        forms = [c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")]
        forms += [t.gettext(f) for t in translations for f in forms if f]
        for form in filter(None, forms):
            names.setdefault(_key(form), c.alpha_2)
        names[c.alpha_3.lower()] = c.alpha_2
    for c in pycountry.countries:
        names[c.alpha_2.lower()] = c.alpha_2  # codes win over any name
    names.update({_key(k): v for k, v in EVERYDAY.items()})
    return names


@lru_cache(maxsize=1 << 14)
def country_code(value: str) -> str | None:
    """ISO 3166 alpha-2 code for a country name or code, None when not recognised."""
    return _country_names().get(_key(value))


@dataclass
class CountryConfig:
    """Country columns to rewrite as two-letter ISO codes (DE, GB, US)."""

    columns: list[str] = field(default_factory=list)


def standardise_countries(df: pd.DataFrame, config: CountryConfig, ctx: JobContext | None = None):
    """Rewrite countries as ISO 3166 alpha-2 codes; unknown names are kept and counted."""
    return map_cells(df, config.columns, country_code, "Countries", ctx)


# Postcode rules: (pattern on the bare upper-case text without spaces/dashes, format).
_POSTCODE_RULES: dict[str, tuple[re.Pattern, str]] = {
    "DE": (re.compile(r"^(\d{5})$"), r"\1"),
    "FR": (re.compile(r"^(\d{5})$"), r"\1"),
    "IT": (re.compile(r"^(\d{5})$"), r"\1"),
    "ES": (re.compile(r"^(\d{5})$"), r"\1"),
    "US": (re.compile(r"^(\d{5})(?:(\d{4}))?$"), "ZIP"),
    "AT": (re.compile(r"^(\d{4})$"), r"\1"),
    "CH": (re.compile(r"^(\d{4})$"), r"\1"),
    "BE": (re.compile(r"^(\d{4})$"), r"\1"),
    "DK": (re.compile(r"^(\d{4})$"), r"\1"),
    "NO": (re.compile(r"^(\d{4})$"), r"\1"),
    "AU": (re.compile(r"^(\d{4})$"), r"\1"),
    "NL": (re.compile(r"^(\d{4})([A-Z]{2})$"), r"\1 \2"),
    "SE": (re.compile(r"^(\d{3})(\d{2})$"), r"\1 \2"),
    "PL": (re.compile(r"^(\d{2})(\d{3})$"), r"\1-\2"),
    "PT": (re.compile(r"^(\d{4})(\d{3})$"), r"\1-\2"),
    "CA": (re.compile(r"^([A-Z]\d[A-Z])(\d[A-Z]\d)$"), r"\1 \2"),
    "GB": (re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$"), r"\1 \2"),
    "IE": (re.compile(r"^([AC-FHKNPRTV-Y]\d{2}|D6W)([AC-FHKNPRTV-Y\d]{4})$"), r"\1 \2"),
}
_DIGITS = {"DE": 5, "FR": 5, "IT": 5, "ES": 5, "US": 5, "AT": 4, "CH": 4, "BE": 4, "DK": 4, "NO": 4, "AU": 4}


def format_postcode(value: str, country: str) -> str | None:
    """The postcode as ``country`` writes it; None when it breaks that country's rule.

    A missing leading zero (Excel turned "01067" into 1067) is put back.
    """
    rule = _POSTCODE_RULES.get(country.upper())
    text = re.sub(r"[\s\-]+", "", value.upper())
    if rule is None:
        return " ".join(value.split()) or None
    width = _DIGITS.get(country.upper())
    if width and text.isdigit() and len(text) == width - 1:
        text = text.zfill(width)
    pattern, fmt = rule
    m = pattern.match(text)
    if not m:
        return None
    if fmt == "ZIP":
        return m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
    return m.expand(fmt)


@dataclass
class PostcodeConfig:
    """Postcode columns; the country comes from ``country_column`` per row, else ``country``."""

    columns: list[str] = field(default_factory=list)
    country_column: str = ""
    country: str = "DE"


def row_countries(df: pd.DataFrame, country_column: str, default: str) -> pd.Series:
    """Each row's ISO country from ``country_column``, ``default`` where unknown or empty."""
    if not country_column:
        return pd.Series(default.upper(), index=df.index, dtype=str)
    text = as_text(df[country_column])
    codes = text.map({v: country_code(v) or "" for v in pd.unique(text.to_numpy())})
    return codes.where(codes != "", default.upper()).astype(str)


def standardise_postcodes(df: pd.DataFrame, config: PostcodeConfig, ctx: JobContext | None = None):
    """Format postcodes per country where a rule is known; breaking ones are kept and counted."""
    check_columns(df, [config.country_column] if config.country_column else [], "Postcodes")
    countries = row_countries(df, config.country_column, config.country)
    return map_cells(df, config.columns, format_postcode, "Postcodes", ctx, context=countries)
