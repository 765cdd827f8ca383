"""Column roles from the values themselves: what share of a column looks like what.

Works on a sample of the non-empty values (every value is text, as ``core.io`` reads
it), so a million-row column costs the same as a thousand-row one. Returns raw shares
and scores; :mod:`core.roles` weighs them against the header and the other columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from core.resources import resource_path
from core.roles.vocabulary import Role

SAMPLE = 3000

_EMAIL = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
_PHONE = r"(?:\+|00|0|\()[\d\s()./-]{5,}|\d{2,5}[\s/-]\d[\d\s/-]{4,}"
_POSTCODE = r"\d{4,5}|[A-Za-z]{1,2}\d[A-Za-z\d]?\s?\d[A-Za-z]{2}|\d{4}\s?[A-Za-z]{2}|\d{2}-\d{3}|\d{3}\s\d{2}"
_ISO_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?"
_EU_DATE = r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:,? \d{1,2}:\d{2}(?::\d{2})?)?"
_COMPACT_DATE = r"((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
_TOKEN = r"{kind}_v\d+_[0-9a-f]{{32}}"
_MONEY_MARKS = re.compile(r"(?i)eur|usd|gbp|chf|€|\$|£|\s|\u00a0|'")
_ID = r"[A-Za-z]{0,5}[-_/#]?\d{2,}[A-Za-z0-9_/-]*|[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}"
# A short code a header may call an id ("7", "C1" in a list of nine): not evidence of an
# id by itself (quantities look so too), but no reason to doubt the header either.
_CODE = r"[A-Za-z]{0,5}[-_/#]?\d+[A-Za-z0-9_/-]*"
_STREET = re.compile(
    r"(?i)(?=.*\d)(?=.*[a-zäöüéèàç]{2}).*\b(?:str|str\.|strasse|straße|weg|platz|allee|gasse|ring|"
    r"damm|ufer|chaussee|road|rd|street|st|avenue|ave|lane|ln|drive|dr|way|close|court|crescent|"
    r"place|square|rue|av|bd|boulevard|chemin|impasse|allée|quai|route|calle|via|viale|laan|"
    r"straat|plein|gracht)\b|\w+(?:strasse|straße|str\.|weg|platz|allee|gasse)\s*\d"
)
_COMPANY = re.compile(
    r"(?i)\b(?:gmbh|ag|kg|ohg|gbr|ug|e\.?\s?k|ltd|limited|llc|inc|corp|plc|sa|sarl|sas|srl|spa|"
    r"bv|nv|ab|oy|as|aps|co\.?)\b\.?"
)
_BOOL = {
    "yes", "no", "y", "n", "true", "false", "t", "f", "1", "0", "ja", "nein", "j", "oui",
    "non", "si", "sí", "x", "wahr", "falsch", "opt-in", "opt-out", "opt in", "opt out",
    "subscribed", "unsubscribed", "granted", "denied", "ok", "-", "vrai", "faux",
}  # fmt: skip
_GENDER = {
    "m", "f", "w", "d", "x", "male", "female", "man", "woman", "männlich", "weiblich", "divers",
    "diverse", "mann", "frau", "herr", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx",
    "m.", "mme", "mme.", "mlle", "madame", "monsieur", "homme", "femme", "hombre", "mujer", "sr",
    "sra", "other", "unknown", "non-binary", "nonbinary", "h", "fem", "masc",
}  # fmt: skip
_CURRENCY = {
    "eur", "usd", "gbp", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "jpy", "cad", "aud",
    "€", "$", "£", "euro", "euros",
}  # fmt: skip
_CHANNEL = {
    "online", "web", "webshop", "website", "shop", "online shop", "onlineshop", "store",
    "in store", "in-store", "instore", "retail", "app", "mobile app", "mobile", "phone",
    "telephone", "telefon", "email", "e-mail", "mail", "mail order", "catalogue", "catalog",
    "katalog", "marketplace", "amazon", "ebay", "pos", "filiale", "laden", "boutique",
    "magasin", "en ligne", "social", "instagram", "facebook", "b2b", "wholesale", "direct",
    "partner", "field sales", "außendienst", "showroom", "outlet", "market", "markt",
}  # fmt: skip
_COUNTRY_EXTRA = {
    "deutschland", "allemagne", "germania", "alemania", "frankreich", "frankrijk", "francia",
    "royaume-uni", "vereinigtes königreich", "großbritannien", "england", "scotland", "wales",
    "uk", "great britain", "espagne", "spanien", "españa", "italie", "italien", "österreich",
    "autriche", "schweiz", "suisse", "svizzera", "niederlande", "pays-bas", "nederland",
    "belgien", "belgique", "belgië", "polen", "pologne", "polska", "usa", "u.s.",
    "république française", "dänemark", "danmark", "schweden", "sverige", "norwegen", "norge",
    "irland", "irlande", "éire", "portugal", "tschechien", "luxemburg",
}  # fmt: skip


@cache
def _word_list(name: str) -> frozenset[str]:
    text = resource_path("names", name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


@cache
def _countries() -> frozenset[str]:
    import pycountry

    names = set(_COUNTRY_EXTRA)
    for c in pycountry.countries:
        names.update({c.alpha_2.casefold(), c.alpha_3.casefold(), c.name.casefold()})
        names.update(
            getattr(c, a).casefold() for a in ("common_name", "official_name") if hasattr(c, a)
        )
    return frozenset(names)


@dataclass
class ColumnFacts:
    """What one column's values look like: shares in [0, 1] and role scores."""

    filled: int = 0  # non-empty values in the sample
    unique: float = 0.0  # distinct / filled
    distinct: int = 0
    shares: dict[str, float] = field(default_factory=dict)
    years: tuple[float, float, float] | None = None  # 10th, 50th, 90th percentile year
    scores: dict[Role, tuple[float, str]] = field(default_factory=dict)

    def share(self, name: str) -> float:
        return self.shares.get(name, 0.0)


def sample(values: pd.Series) -> pd.Series:
    """Up to :data:`SAMPLE` non-empty, stripped values spread evenly over the column."""
    if len(values) > 4 * SAMPLE:  # look at evenly spread rows only, never the whole column
        values = values.iloc[np.linspace(0, len(values) - 1, 4 * SAMPLE).astype(int)]
    text = values.astype("string").fillna("").str.strip()
    text = text[text != ""]
    if len(text) > SAMPLE:
        text = text.iloc[np.linspace(0, len(text) - 1, SAMPLE).astype(int)]
    return text.astype(object).reset_index(drop=True)


def _years(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(is-a-date mask, year) for ISO, day.month.year and YYYYMMDD values."""
    year = pd.Series(np.nan, index=s.index)
    ok = pd.Series(False, index=s.index)
    if not s.str.match(r"\d").any():  # names, e-mails, categories: no date can start here
        return ok, year
    for pattern, y, a, b in ((_ISO_DATE, 0, 1, 2), (_EU_DATE, 2, 0, 1), (_COMPACT_DATE, 0, 1, 2)):
        parts = s.str.extract(f"^{pattern}$")
        if parts.empty:
            continue
        yy = pd.to_numeric(parts[y], errors="coerce")
        yy = yy.where(yy >= 100, np.where(yy <= 30, 2000 + yy, 1900 + yy))
        first, second = (
            pd.to_numeric(parts[a], errors="coerce"),
            pd.to_numeric(parts[b], errors="coerce"),
        )
        valid = yy.between(1900, 2100) & (
            (first.between(1, 12) & second.between(1, 31))
            | (first.between(1, 31) & second.between(1, 12))
        )
        new = valid & ~ok
        year[new] = yy[new]
        ok |= valid
    return ok, year


def _number(value: str) -> float:
    """``"1.234,56 €"`` / ``"1,234.56"`` / ``"12,5"`` / ``"-3"`` -> float; NaN if not a number."""
    text = _MONEY_MARKS.sub("", value).rstrip("%")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in text:
        text = (
            text.replace(",", ".")
            if re.fullmatch(r"-?\d+,\d{1,2}", text)
            else text.replace(",", "")
        )
    try:
        return float(text) if re.fullmatch(r"[-+]?\d+(\.\d+)?", text) else float("nan")
    except ValueError:
        return float("nan")


def _scaled(share: float, floor: float, base: float, top: float) -> float:
    """0 below ``floor``; from ``base`` rising to ``top`` as the share reaches 1."""
    return 0.0 if share < floor else round(base + (top - base) * share, 3)


def column_facts(values: pd.Series) -> ColumnFacts:
    """Shares of value shapes, computed once per distinct value and weighted by its count."""
    counts = sample(values).value_counts(sort=False)
    facts = ColumnFacts(filled=int(counts.sum()))
    if counts.empty:
        return facts
    s = pd.Series(counts.index, dtype=object)
    weight = counts.to_numpy() / counts.sum()
    facts.distinct = len(s)
    facts.unique = facts.distinct / facts.filled
    low = s.str.casefold()
    digits = s.str.count(r"\d")
    tokens = s.str.split(r"[\s,]+")
    n_tokens = tokens.str.len()
    is_date, year = _years(s)
    numbers = s.map(_number)
    names = _word_list("first_names.txt")
    first_hit = tokens.map(lambda t: t[0].casefold() in names)
    any_hit = tokens.map(lambda t: t[0].casefold() in names or t[-1].casefold() in names)
    masks = {  # a pseudonym (email_v1_...) still says what it stands for
        "email": s.str.fullmatch(_EMAIL) | s.str.fullmatch(_TOKEN.format(kind="email")),
        "phone": (s.str.fullmatch(_PHONE) & digits.between(7, 15) & ~is_date)
        | s.str.fullmatch(_TOKEN.format(kind="phone")),
        "postcode": s.str.fullmatch(_POSTCODE),
        "date": is_date,
        "number": numbers.notna(),
        "bool": low.isin(_BOOL),
        "gender": low.isin(_GENDER),
        "currency": low.isin(_CURRENCY),
        "country": low.isin(_countries()),
        "channel": low.isin(_CHANNEL),
        "city": low.isin(_word_list("cities.txt")),
        "street": s.str.contains(_STREET),
        "company": s.str.contains(_COMPANY),
        "id": s.str.fullmatch(_ID) & ~is_date,
        "code": (s.str.fullmatch(_ID) | s.str.fullmatch(_CODE)) & ~is_date,
        "text": s.str.fullmatch(r"[^\d@]*[^\W\d_][^\d@]*"),
        "multi_word": n_tokens > 1,
        "percent": s.str.fullmatch(r"-?\d+([.,]\d+)?\s?%"),
        "first_name": first_hit & (n_tokens == 1),
        "full_name": any_hit & (n_tokens > 1) & (digits == 0),
    }
    facts.shares = {k: float((m.to_numpy(dtype=bool) * weight).sum()) for k, m in masks.items()}
    if is_date.any():
        years = np.repeat(year[is_date].to_numpy(), counts.to_numpy()[is_date.to_numpy()])
        facts.years = tuple(float(v) for v in np.percentile(years, [10, 50, 90]))
    number_values = pd.Series(np.repeat(numbers.to_numpy(), counts.to_numpy()))
    facts.scores = _value_scores(facts, number_values)
    return facts


def _pct(share: float) -> str:
    return f"{share:.0%} of values"


def _value_scores(f: ColumnFacts, numbers: pd.Series) -> dict[Role, tuple[float, str]]:
    sc: dict[Role, tuple[float, str]] = {}

    def put(role: Role, score: float, why: str) -> None:
        if score > sc.get(role, (0.0, ""))[0]:
            sc[role] = (score, why)

    sh = f.share
    if sh("bool") >= 0.9 and f.distinct <= 4:  # a yes/no flag (email_invalid) is no contact field
        put(Role.CONSENT, 0.55, "values are yes/no flags")
        return sc
    put(
        Role.EMAIL,
        _scaled(sh("email"), 0.3, 0.35, 0.95),
        f"{_pct(sh('email'))} look like e-mail addresses",
    )
    put(
        Role.PHONE,
        _scaled(sh("phone"), 0.3, 0.3, 0.9),
        f"{_pct(sh('phone'))} look like phone numbers",
    )
    if sh("postcode") >= 0.5 and sh("phone") < 0.3:
        put(
            Role.POSTCODE,
            _scaled(sh("postcode"), 0.5, 0.3, 0.75),
            f"{_pct(sh('postcode'))} look like postcodes",
        )
    if sh("gender") >= 0.9 and f.distinct <= 6:
        put(Role.GENDER, 0.8, "values are genders or salutations")
    if sh("currency") >= 0.9:
        put(Role.CURRENCY, 0.85, "values are currency codes")
    if sh("country") >= 0.8 and f.distinct <= 60:
        put(Role.COUNTRY, 0.8, "values are country names or codes")
    if sh("channel") >= 0.8 and f.distinct <= 15:
        put(Role.CHANNEL, 0.75, "values are sales channels (online, store, ...)")
    put(
        Role.FIRST_NAME,
        _scaled(sh("first_name"), 0.4, 0.4, 0.85),
        f"{_pct(sh('first_name'))} are known first names",
    )
    put(
        Role.FULL_NAME,
        _scaled(sh("full_name"), 0.4, 0.4, 0.85),
        f"{_pct(sh('full_name'))} start or end with a known first name",
    )
    put(Role.CITY, _scaled(sh("city"), 0.3, 0.4, 0.85), f"{_pct(sh('city'))} are known cities")
    put(
        Role.STREET,
        _scaled(sh("street"), 0.5, 0.4, 0.85),
        f"{_pct(sh('street'))} look like street addresses",
    )
    put(
        Role.COMPANY,
        _scaled(sh("company"), 0.3, 0.4, 0.85),
        f"{_pct(sh('company'))} end like company names (GmbH, Ltd, ...)",
    )
    if sh("percent") >= 0.5:
        put(Role.DISCOUNT, 0.6, f"{_pct(sh('percent'))} are percentages")
    elif sh("number") >= 0.9 and sh("date") < 0.5 and sh("phone") < 0.3 and Role.CONSENT not in sc:
        _numeric_scores(numbers.dropna(), put)
    if sh("text") >= 0.8 and not sc:
        if sh("multi_word") < 0.3:  # weak alone; a first-name column beside it lifts it
            score = 0.3 if f.unique > 0.2 else 0.15
            put(Role.LAST_NAME, score, "single words that are not known first names")
        if f.distinct <= 30 and f.unique <= 0.3:
            put(Role.CATEGORY, 0.4, f"text with few distinct values ({f.distinct})")
        elif f.unique <= 0.7:
            put(Role.PRODUCT, 0.35, "repeated text values")
    return sc


def _numeric_scores(x: pd.Series, put) -> None:
    whole = bool((x == x.round()).all())
    zeros = float((x == 0).mean())
    if whole and x.min() >= 0 and x.max() <= 1000 and x.median() <= 20 and set(x.unique()) - {0, 1}:
        put(Role.QUANTITY, 0.6, "small whole numbers")
    if x.min() >= 0 and zeros >= 0.3 and not whole:
        put(Role.DISCOUNT, 0.55, "money values, mostly zero")
    elif x.min() >= 0 and not whole:
        put(Role.AMOUNT, 0.6, "money-like numbers with decimals")
    elif x.min() >= 0 and x.median() > 20:
        put(Role.AMOUNT, 0.4, "whole numbers, larger than quantities usually are")
