"""Postal addresses for letters: who has a complete one, and its block in the country's order.

A letter goes by post, so its recipients are chosen by address, not by e-mail: a name
(or company), a street, a city and -- where the country uses them -- a postcode. The
block follows the destination country's convention (Universal Postal Union / national
posts): the UK and Ireland put the post town in capitals and the postcode on its own
last line; the US, Canada and Australia write "City POSTCODE" on one line; most of
Europe (DE, FR, AT, CH, NL, BE, ES, IT, ...) writes the postcode before the city. A
letter to another country than the sender's ends with the country's name in capitals.
"""

from __future__ import annotations

import pandas as pd

from core.quality.places import country_code

_OWN_LINE = {"GB", "IE"}
_CITY_FIRST = {"US", "CA", "AU", "NZ"}
_NO_POSTCODE = {"IE", "HK", "AE", "QA", "PA"}  # Eircode is optional in Ireland


def _column(frame: pd.DataFrame, roles: dict[str, str], role: str) -> pd.Series:
    column = next((c for c, r in roles.items() if r == role and c in frame.columns), None)
    if column is None:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].astype("string").fillna("").str.strip().astype(object)


def _names(frame: pd.DataFrame, roles: dict[str, str]) -> pd.Series:
    full = _column(frame, roles, "full_name")
    parts = (_column(frame, roles, "first_name") + " " + _column(frame, roles, "last_name")).str.strip()
    return full.where(full != "", parts)


def _countries(frame: pd.DataFrame, roles: dict[str, str]) -> pd.Series:
    raw = _column(frame, roles, "country")
    return raw.map({v: country_code(v) or "" for v in raw.unique()})


def complete_address(frame: pd.DataFrame, roles: dict[str, str]) -> pd.Series:
    """True where a letter can be addressed: a name or company, street, city, postcode."""
    named = (_names(frame, roles) != "") | (_column(frame, roles, "company") != "")
    postcode = _column(frame, roles, "postcode")
    needs = ~_countries(frame, roles).isin(_NO_POSTCODE)
    return (named & (_column(frame, roles, "street") != "") & (_column(frame, roles, "city") != "")
            & ((postcode != "") | ~needs)).astype(bool)


def address_blocks(frame: pd.DataFrame, roles: dict[str, str], region: str = "") -> dict:
    """Row label -> address lines, in the destination country's order (see module doc).

    A row without a country of its own is taken to be in ``region`` (the sender's)."""
    names, company = _names(frame, roles), _column(frame, roles, "company")
    street, city = _column(frame, roles, "street"), _column(frame, roles, "city")
    postcode, countries = _column(frame, roles, "postcode"), _countries(frame, roles)
    country_names = _column(frame, roles, "country")
    out = {}
    for label in frame.index:
        country = countries[label] or region.upper()
        lines = [v for v in (names[label], company[label], street[label]) if v]
        lines += _town_lines(city[label], postcode[label], country)
        if country and region and country != region.upper():
            lines.append(_country_name(country, country_names[label]).upper())
        out[label] = tuple(lines)
    return out


def _town_lines(city: str, postcode: str, country: str) -> list[str]:
    if country in _OWN_LINE:
        return [v for v in (city.upper(), postcode.upper()) if v]
    if country in _CITY_FIRST:
        return [f"{city} {postcode}".strip()]
    return [f"{postcode} {city}".strip()]


def _country_name(code: str, written: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or getattr(found, "name", None) or written or code


def page_size(locale: str) -> str:
    """"Letter" where the locale's country uses US Letter paper (US, Canada, Mexico, ...),
    else "A4"."""
    country = locale.replace("-", "_").split("_")[-1].upper() if "_" in locale.replace("-", "_") else ""
    return "Letter" if country in {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "PR"} else "A4"
