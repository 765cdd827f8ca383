"""The data-quality report: per column, per file and across files, with one score people get.

For every column: an inferred type, the share of empty cells, distinct values, values
that are invalid for the column's role (e-mail syntax offline, unreadable phones, dates
that fail their format or lie in the future, zero or negative amounts, quantities that
are not whole) and unusual numbers (IQR fences and robust z-scores) -- each with the
rows that have them, so the screen can show exactly those rows. Across files: sales
lines whose customer is not in the CRM, and columns that mix currencies. The file score
is the share of cells that are filled and valid ("82% of cells valid"); the flag
columns cleaning adds beside a column ("email_invalid") are its annotations, not data,
and are left out of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from core.jobs import JobContext, ensure_context
from core.normalise import email, phone
from core.normalise.countries import country_code
from core.normalise.dates import guess_format, parse_date
from core.normalise.postcodes import format_postcode
from core.quality.base import EXAMPLES, WithContext, as_text, count, map_distinct
from core.quality.money import infer_decimal, parse_money_either
from core.quality.places import row_countries
from core.roles import Role
from core.roles.vocabulary import is_flag_column

NUMERIC_ROLES = (Role.AMOUNT, Role.UNIT_PRICE, Role.QUANTITY, Role.DISCOUNT)
ID_ROLES = (Role.CUSTOMER_ID, Role.ORDER_ID, Role.PHONE, Role.POSTCODE)
IQR_FENCE = 1.5
ROBUST_Z = 3.5
# A value held by at least this share of a column (discount 0, quantity 1) is its usual
# value, never unusual; the fences are drawn on the other values.
SPIKE_SHARE = 0.25
FLAG = "flag"  # the kind of a cleaning step's flag column


@dataclass
class ReportConfig:
    """Settings the checks need: the project's region (None when unknown: numbers and
    postcodes that do not say their country cannot be checked), per-column date
    formats, and "today"."""

    region: str | None = None
    date_formats: dict[str, str] = field(default_factory=dict)
    today: str = ""  # ISO date for future-date checks; "" means the real today


@dataclass
class Issue:
    """One problem people can act on, and every row (position) that has it."""

    file: str
    column: str
    kind: str  # "missing", "invalid", "outlier", "not in CRM", "mixed currencies"
    message: str
    count: int
    rows: list[int] = field(default_factory=list)


@dataclass
class ColumnReport:
    column: str
    role: str
    kind: str
    rows: int
    missing: int
    distinct: int
    invalid: int = 0
    invalid_reason: str = ""
    invalid_examples: list[int] = field(default_factory=list)
    outliers_iqr: int = 0
    outliers_z: int = 0
    outlier_examples: list[int] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.rows - self.missing - self.invalid

    @property
    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0


@dataclass
class FileReport:
    name: str
    rows: int
    columns: list[ColumnReport]
    issues: list[Issue]

    @property
    def cells(self) -> int:
        return sum(c.rows for c in self.columns if c.kind != FLAG)

    @property
    def valid_cells(self) -> int:
        return sum(c.valid for c in self.columns if c.kind != FLAG)

    @property
    def score(self) -> float:
        """Share of cells that are filled and valid, 0..1."""
        return self.valid_cells / self.cells if self.cells else 1.0

    def score_text(self) -> str:
        return f"{self.score:.0%} of cells valid"


@dataclass
class QualityReport:
    files: dict[str, FileReport]
    cross_issues: list[Issue]

    @property
    def issues(self) -> list[Issue]:
        return [i for f in self.files.values() for i in f.issues] + self.cross_issues

    def to_dict(self) -> dict:
        """JSON-compatible form (for ``profile --json`` and the project file)."""
        files = {}
        for name, f in self.files.items():
            cols = [{**asdict(c), "valid": c.valid} for c in f.columns]
            files[name] = {
                "rows": f.rows, "cells": f.cells, "valid_cells": f.valid_cells,
                "score": round(f.score, 4), "columns": cols,
                "issues": [asdict(i) for i in f.issues],
            }
        return {"files": files, "cross_issues": [asdict(i) for i in self.cross_issues]}


# -- per-role validity -------------------------------------------------------------------------


def _date_check(value: str, fmt: str, today: str, oldest: str) -> bool:
    iso = parse_date(value, fmt)
    return iso is not None and oldest <= iso[:10] <= today


def _amount_check(value: str, decimal: str) -> bool:
    parsed = parse_money_either(value, decimal)
    return parsed is not None and float(parsed[0]) > 0


def _quantity_check(value: str) -> bool:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return False
    return number > 0 and number.is_integer()


def _number_check(value: str) -> bool:
    try:
        float(value.replace(",", "."))
    except ValueError:
        return False
    return True


def _is_not_none(fn: Callable, *args: str) -> bool:
    return fn(*args) is not None


def _validator(
    role: str, col: str, distinct: list[str], config: ReportConfig, today: dt.date
) -> tuple[Callable[[str], bool], str] | None:
    """(value -> valid?, reason shown to people) for a role, or None when any text is fine."""
    if role == Role.EMAIL:
        return partial(_is_not_none, email.valid), "not a valid e-mail address"
    if role in (Role.DATE_OF_BIRTH, Role.ORDER_DATE):
        fmt = config.date_formats.get(col) or guess_format(distinct)
        if role == Role.DATE_OF_BIRTH:
            oldest = (today - dt.timedelta(days=int(365.25 * 120))).isoformat()
        else:
            oldest = "1900-01-01"
        return partial(_date_check, fmt=fmt, today=today.isoformat(), oldest=oldest), (
            "not a date in the chosen format, or in the future"
        )
    if role in (Role.AMOUNT, Role.UNIT_PRICE):
        return partial(_amount_check, decimal=infer_decimal(distinct)), (
            "not an amount, or zero or negative"
        )
    if role == Role.QUANTITY:
        return _quantity_check, "not a whole number above zero"
    if role == Role.DISCOUNT:
        return _number_check, "not a number"
    if role == Role.COUNTRY:
        return partial(_is_not_none, country_code), "not a country we recognise"
    return None


def _numbers(texts: list[str], role: str) -> np.ndarray:
    """The number each distinct text reads as (NaN where none)."""
    if role in (Role.AMOUNT, Role.UNIT_PRICE):
        decimal = infer_decimal([v for v in texts if v])
        parsed = (parse_money_either(v, decimal) if v else None for v in texts)
        return np.fromiter((float(p[0]) if p else np.nan for p in parsed), float, len(texts))
    numbers = pd.to_numeric(pd.Series(texts, dtype=object).str.replace(",", ".", regex=False), errors="coerce")
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _distinct_texts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code of every row, the column's distinct trimmed texts): every check below runs on
    the distinct texts and reaches the rows through the codes. Missing cells are ""."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques.tolist()] + [""]
    codes = np.where(codes < 0, len(texts) - 1, codes)
    return codes, np.asarray(texts, dtype=object)


def _infer_kind(distinct: list[str]) -> str:
    sample = distinct[:500]
    if not sample:
        return "empty"
    numbers = pd.to_numeric(pd.Series(sample).str.replace(",", ".", regex=False), errors="coerce")
    if numbers.notna().mean() >= 0.95:
        return "whole number" if bool((numbers.dropna() % 1 == 0).all()) else "number"
    fmt = guess_format(sample)
    if np.mean([parse_date(v, fmt) is not None for v in sample]) >= 0.9:
        return "date"
    if np.mean(["@" in v for v in sample]) >= 0.9:
        return "e-mail"
    return "text"


def _outliers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Masks of values outside the IQR fences and with a robust z-score above 3.5.

    A column with a usual value (:data:`SPIKE_SHARE` of it is one number: no discount,
    one item) is two distributions: that value, never unusual, and the rest, whose own
    spread decides -- else every discount would fall outside fences drawn mostly on zeros.
    """
    known = values.dropna().to_numpy(dtype=float)
    none = np.zeros(len(values), bool)
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    if len(known):
        uniques, counts = np.unique(known, return_counts=True)
        if counts.max() >= SPIKE_SHARE * len(known):
            usual = uniques[counts.argmax()]
            known, numbers = known[known != usual], np.where(numbers == usual, np.nan, numbers)
    if len(known) < 8:
        return none, none
    q1, q3 = np.percentile(known, [25, 75])
    iqr = q3 - q1
    with np.errstate(invalid="ignore"):
        iqr_mask = none if iqr == 0 else (numbers < q1 - IQR_FENCE * iqr) | (numbers > q3 + IQR_FENCE * iqr)
        median = float(np.median(known))
        mad = float(np.median(np.abs(known - median)))
        if mad == 0:
            return iqr_mask, none
        return iqr_mask, 0.6745 * np.abs(numbers - median) / mad > ROBUST_Z


def profile_frame(
    df: pd.DataFrame,
    roles: dict[str, str],
    config: ReportConfig | None = None,
    ctx: JobContext | None = None,
    name: str = "crm",
) -> FileReport:
    """Quality of one file: a report per column and the issues found in it."""
    config = config or ReportConfig()
    ctx = ensure_context(ctx)
    today = dt.date.fromisoformat(config.today) if config.today else dt.date.today()
    columns, issues = [], []
    country_col = next((c for c, r in roles.items() if r == Role.COUNTRY and c in df.columns), "")
    for i, col in enumerate(df.columns):
        ctx.progress(i, len(df.columns), f"Checking {col}")
        role = str(roles.get(col, Role.OTHER))
        codes, texts = _distinct_texts(df[col])
        distinct = [v for v in dict.fromkeys(texts.tolist()) if v]
        if is_flag_column(col, df.columns):  # empty means "no", not a gap
            columns.append(ColumnReport(col, role, FLAG, len(df), 0, len(distinct)))
            continue
        empty = (texts == "")[codes]
        rep = ColumnReport(col, role, _infer_kind(distinct), len(df), int(empty.sum()), len(distinct))
        if rep.missing:
            issues.append(Issue(name, col, "missing", f"{count(rep.missing, 'empty cell')} in '{col}'",
                                rep.missing, np.flatnonzero(empty).tolist()))
        bad = _invalid_mask(codes, texts, role, col, distinct, config, today, ctx, df, country_col)
        if bad is not None:
            mask, reason = bad
            rep.invalid, rep.invalid_reason = int(mask.sum()), reason
            rows = np.flatnonzero(mask)
            rep.invalid_examples = rows[:EXAMPLES].tolist()
            if rep.invalid:
                issues.append(Issue(name, col, "invalid", f"{count(rep.invalid, 'value')} in '{col}': {reason}",
                                    rep.invalid, rows.tolist()))
        if role in NUMERIC_ROLES or (rep.kind in ("number", "whole number") and role == Role.OTHER):
            iqr_mask, z_mask = _outliers(pd.Series(_numbers(texts.tolist(), role)[codes]))
            rep.outliers_iqr, rep.outliers_z = int(iqr_mask.sum()), int(z_mask.sum())
            rows = np.flatnonzero(iqr_mask | z_mask)
            rep.outlier_examples = rows[:EXAMPLES].tolist()
            if len(rows):
                issues.append(Issue(name, col, "outlier", f"{count(len(rows), 'unusual value')} in '{col}'",
                                    len(rows), rows.tolist()))
        columns.append(rep)
    ctx.progress(len(df.columns), len(df.columns), "Checked")
    return FileReport(name, len(df), columns, issues)


def _invalid_mask(codes, texts, role, col, distinct, config, today, ctx, df, country_col):
    """Rows whose value is invalid for the role, and the reason; None if any text is fine."""
    if role in (Role.PHONE, Role.POSTCODE):
        countries = row_countries(df, country_col, config.region)
        if role == Role.PHONE:
            check, reason = partial(_is_not_none, partial(phone.to_e164, mode="possible")), "not a phone number that can be read"
        else:
            check, reason = partial(_is_not_none, format_postcode), "not a postcode of its country"
        # a value is checked once per country it appears with
        country_codes, country_names = pd.factorize(countries.to_numpy(dtype=object))
        pair_codes, pairs_of = pd.factorize(codes.astype(np.int64) * (len(country_names) + 1) + country_codes + 1)
        pairs_of = np.asarray(pairs_of)
        value_of, country_of = np.divmod(pairs_of, len(country_names) + 1)
        keys = [f"{texts[v]}{WithContext.SEP}{country_names[c - 1] if c else ''}"
                for v, c in zip(value_of, country_of, strict=True)]
        todo = [i for i, k in enumerate(keys) if not k.startswith(WithContext.SEP)]
        ok = map_distinct([keys[i] for i in todo], WithContext(check), ctx, f"Checking {col}",
                          parallel=role == Role.PHONE)
        bad_pairs = np.zeros(len(keys), bool)
        bad_pairs[[i for i, good in zip(todo, ok, strict=True) if not good]] = True
        return bad_pairs[pair_codes], reason
    found = _validator(role, col, distinct, config, today)
    if found is None:
        return None
    fn, reason = found
    ok = map_distinct(distinct, fn, ctx, f"Checking {col}", parallel=role == Role.EMAIL)
    bad = {k for k, good in zip(distinct, ok, strict=True) if not good}
    return np.fromiter((t in bad for t in texts), bool, len(texts))[codes], reason


def _row_currencies(text: pd.Series, role: str) -> pd.Series:
    """Each row's currency code ("" where none is written)."""
    distinct = [v for v in pd.unique(text.to_numpy()) if v]
    if role == Role.CURRENCY:
        return text.str.upper()
    decimal = infer_decimal(distinct)
    parsed = {v: parse_money_either(v, decimal) for v in distinct}
    return text.map({v: p[1] for v, p in parsed.items() if p and p[1]}).astype(object).fillna("").astype(str)


def cross_checks(frames: dict[str, pd.DataFrame], roles: dict[str, dict[str, str]]) -> list[Issue]:
    """Sales lines whose customer is missing from the CRM; columns mixing currencies."""
    issues = []
    crm, sales = frames.get("crm"), frames.get("sales")
    if crm is not None and sales is not None:
        crm_id = next((c for c, r in roles.get("crm", {}).items() if r == Role.CUSTOMER_ID), None)
        sales_id = next((c for c, r in roles.get("sales", {}).items() if r == Role.CUSTOMER_ID), None)
        if crm_id in crm.columns and sales_id in sales.columns:
            known = set(as_text(crm[crm_id]).str.strip())
            ids = as_text(sales[sales_id]).str.strip()
            mask = ((ids != "") & ~ids.isin(known)).to_numpy()
            if mask.any():
                issues.append(Issue("sales", sales_id, "not in CRM",
                                    f"{count(int(mask.sum()), 'sales line')} whose customer is not in the customer list",
                                    int(mask.sum()), np.flatnonzero(mask).tolist()))
    for name, df in frames.items():
        for col, role in roles.get(name, {}).items():
            if role in (Role.CURRENCY, Role.AMOUNT, Role.UNIT_PRICE) and col in df.columns:
                currencies = _row_currencies(as_text(df[col]).str.strip(), role)
                counts = currencies[currencies != ""].value_counts()
                if len(counts) > 1:
                    main = str(counts.index[0])
                    rows = np.flatnonzero(((currencies != "") & (currencies != main)).to_numpy())
                    issues.append(Issue(
                        name, col, "mixed currencies",
                        f"'{col}' mixes {len(counts)} currencies: {count(len(rows), 'row')} not in "
                        f"{main}; amounts cannot be added up as they are",
                        len(rows), rows.tolist()))
    return issues


def quality_report(
    frames: dict[str, pd.DataFrame],
    roles: dict[str, dict[str, str]],
    config: ReportConfig | None = None,
    ctx: JobContext | None = None,
) -> QualityReport:
    """Reports for every file given ("crm", "sales") plus the checks across them."""
    files = {
        name: profile_frame(df, roles.get(name, {}), config, ctx, name)
        for name, df in frames.items()
        if df is not None
    }
    return QualityReport(files, cross_checks({n: d for n, d in frames.items() if d is not None}, roles))
