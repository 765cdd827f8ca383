"""Countries to ISO 3166 alpha-2 codes, however a file names them.

Recognised: codes (DE, DEU), English, official and common names, the names in German,
French, Spanish, Italian and Dutch (pycountry's translations), and a few everyday forms
("UK", "USA", "Holland"). Case, accents, dots and spaces do not matter.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache, lru_cache

import pycountry

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
