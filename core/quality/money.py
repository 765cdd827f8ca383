"""Money as written by people ("1.234,56 €", "$1,234.56", "(12.00)") -> amount + currency.

The amount becomes plain decimal text (``1234.56``, ``-12.00``: no thousands separator,
a point for decimals) and the currency an ISO 4217 code in a currency column. Whether
"1.234" is a thousand or one-and-a-bit depends on the country, so the decimal mark is a
per-step setting; "auto" takes the mark the column itself uses where it is unambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

import numpy as np
import pandas as pd
import pycountry

from core.jobs import JobContext, ensure_context
from core.quality.base import StepReport, as_text, check_columns, map_distinct

SYMBOLS = {
    "us$": "USD", "a$": "AUD", "c$": "CAD", "nz$": "NZD", "hk$": "HKD", "r$": "BRL",
    "€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₺": "TRY",
    "zł": "PLN", "kč": "CZK", "fr.": "CHF", "sfr": "CHF", "kr": "",  # "kr": SEK, NOK or DKK
}
CODES = frozenset(c.alpha_3 for c in pycountry.currencies)
_CURRENCY = re.compile(
    "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True)) + r"|\b[a-z]{3}\b"
)
_NUMBER = re.compile(r"^\d+(?:[.,' ]\d+)*$")
_UNAMBIGUOUS_COMMA = re.compile(r"(?:^|\D)\d*,\d{1,2}(?:\D|$)|\.\d{3},")
_UNAMBIGUOUS_POINT = re.compile(r"(?:^|\D)\d*\.\d{1,2}(?:\D|$)|,\d{3}\.")


def infer_decimal(values: Iterable[str]) -> str:
    """"," when more values clearly use a decimal comma than a decimal point, else "."."""
    comma = point = 0
    for v in values:
        comma += bool(_UNAMBIGUOUS_COMMA.search(v))
        point += bool(_UNAMBIGUOUS_POINT.search(v))
    return "," if comma > point else "."


def _parse_number(text: str, decimal: str) -> Decimal | None:
    """A plain number with optional thousands groups (",", ".", space or ') and ``decimal``."""
    if not _NUMBER.match(text):
        return None
    parts = re.split(r"([.,' ])", text)
    groups, seps = parts[0::2], parts[1::2]
    frac = ""
    if seps and seps[-1] == decimal:
        frac, groups, seps = groups[-1], groups[:-1], seps[:-1]
    if decimal in seps or len(set(seps)) > 1:
        return None
    if seps and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    try:
        return Decimal("".join(groups) + ("." + frac if frac else ""))
    except InvalidOperation:
        return None


def parse_money(value: str, decimal: str = ".") -> tuple[str, str] | None:
    """``(amount, currency)`` of one written amount; currency "" when none is written."""
    text = unicodedata.normalize("NFKC", value).strip().lower().replace("\u2212", "-")
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    currency = ""
    found = _CURRENCY.findall(text)
    for token in found:
        code = SYMBOLS.get(token, token.upper())
        if token not in SYMBOLS and code not in CODES:
            return None
        if currency and code and code != currency:
            return None
        currency = code or currency
    text = _CURRENCY.sub(" ", text).strip()
    if text.startswith("-") or text.endswith("-"):
        negative, text = not negative, text.strip("-").strip()
    amount = _parse_number(text.replace("\u2019", "'"), decimal)
    if amount is None:
        return None
    return (str(-amount if negative else amount), currency)


def parse_money_either(value: str, preferred: str) -> tuple[str, str] | None:
    """Read with the column's usual mark first; "$1,234.56" in a decimal-comma column still reads."""
    other = "." if preferred == "," else ","
    return parse_money(value, preferred) or parse_money(value, other)


@dataclass
class MoneyConfig:
    """Money columns; ``decimal`` is ".", "," or "auto"; currencies go to ``currency_column``.

    An empty ``currency_column`` means ``<column>_currency``. ``default_currency`` is
    used for amounts written without any currency.
    """

    columns: list[str] = field(default_factory=list)
    decimal: str = "auto"
    currency_column: str = ""
    default_currency: str = ""


def standardise_money(df: pd.DataFrame, config: MoneyConfig, ctx: JobContext | None = None):
    """Split written amounts into a plain number and an ISO currency code."""
    ctx = ensure_context(ctx)
    check_columns(df, config.columns, "Money")
    out = df.copy(deep=False)
    report = StepReport("Money")
    for col in config.columns:
        before = as_text(df[col])
        # each distinct text read once; rows take their results by code (a million sales
        # lines hold a few thousand amounts)
        codes, uniques = pd.factorize(before)
        texts = uniques.tolist()
        distinct = [v for v in texts if v != ""]
        if config.decimal == "auto":
            parse = partial(parse_money_either, preferred=infer_decimal(distinct))
        else:
            parse = partial(parse_money, decimal=config.decimal)
        parsed = dict(zip(distinct, map_distinct(distinct, parse, ctx, f"Money: {col}"), strict=True))
        results = [parsed.get(v) for v in texts]
        amounts = pd.Series(np.array([None if r is None else r[0] for r in results], dtype=object)[codes],
                            index=df.index)
        after = amounts.where(amounts.notna(), before).astype(before.dtype)
        failed = np.array([r is None and v != "" for v, r in zip(texts, results, strict=True)], dtype=bool)[codes]
        report.add_column(col, before, after, failed)
        out[col] = after

        cur_col = config.currency_column or f"{col}_currency"
        found = pd.Series(np.array([r[1] if r is not None and r[1] else None for r in results],
                                   dtype=object)[codes], index=df.index)
        default = pd.Series(np.where(amounts.notna(), config.default_currency, ""), index=df.index)
        if cur_col in df.columns:
            old = as_text(df[cur_col])
            new = found.where(found.notna(), old.where(old != "", default)).astype(str)
            report.add_column(cur_col, old, new, np.zeros(len(new), bool))
        else:
            new = found.where(found.notna(), default).astype(str)
            report.added_columns.append(cur_col)
        out[cur_col] = new
    return out, report
