"""Per-person behaviour features built from the CRM and the linked sales lines.

A *person* is a CRM ``cluster_id`` when deduplication ran (several customer ids, one
person), else the customer id. Sales lines find their person through the customer id
(or ``matched_id`` from ``localreach link``, or the e-mail). All inputs are text columns
(core.io reads every cell as a string); numbers and dates are parsed here, on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import ColumnError, LocalReachError
from core.jobs import JobContext, ensure_context
from core.lookup import MATCHED_COLUMN, first_positions, id_positions
from core.normalise.dates import read_dates
from core.vendors.orders import count_orders

# Features whose spread is heavy-tailed: log1p before scaling, so a few big spenders
# do not become a segment of their own.
SKEWED = ("recency_days", "frequency", "monetary", "avg_order_value", "tenure_days",
          "mean_days_between")
BASE_FEATURES = ("recency_days", "frequency", "monetary", "avg_order_value", "tenure_days",
                 "mean_days_between", "discount_share", "peak_season_share")
SEASON_WEEKS = 5
NO_LINKED_ORDERS = ("No order in the sales file is linked to a customer; check which column "
                    "holds the customer id (or e-mail) in both files, or link the files first.")
MAX_MIX = 20  # categories / channels with a share column each; the rest is "other"
# Mixes expand to one share column per category / channel; the block counts as one feature
# (each column weighted 1/sqrt(n)) so eight categories do not outvote recency.
MIXES = {"category_mix": "cat:", "channel_mix": "channel:"}
# Other names of a discount column (an amount, a rate or a yes/no flag).
DISCOUNT_COLUMNS = ("discount_used", "discount_amount", "discount_rate", "promo", "voucher")
YES = frozenset({"yes", "y", "true", "t", "x", "ja", "oui", "si", "sí", "discount", "used"})
# Shares of a person's orders: shrunk towards the base's share in the model input.
SHARES = ("discount_share", "peak_season_share")
PRIOR_ORDERS = 2
# Features from optional sales columns: left out, not an error, when the file has none.
OPTIONAL = ("category_mix", "channel_mix", "discount_share")
DEFAULT_MODEL_FEATURES = ("recency_days", "frequency", "monetary", "avg_order_value",
                          "discount_share", "tenure_days", "peak_season_share", "channel_mix",
                          "category_mix")


@dataclass
class FeatureConfig:
    """Which columns hold what; defaults follow the demo / DESIGN.md column names."""

    id_column: str = "customer_id"
    person_column: str = "cluster_id"      # used only when present in the CRM
    sales_id_column: str = "customer_id"
    order_column: str = "order_id"
    date_column: str = "order_date"
    amount_column: str = "amount"
    product_column: str = "product"
    category_column: str = "category"
    channel_column: str = "channel"
    discount_column: str = "discount"
    as_of: str | None = None               # ISO date, later orders left out; default: the
                                           # day after the last order
    crm_columns: list[str] = field(default_factory=list)  # extra CRM columns the user ticked


@dataclass
class Features:
    """Per-person table (index = person key) plus how rows map to persons."""

    table: pd.DataFrame
    person_of_row: pd.Series          # CRM row position -> person key
    sales: pd.DataFrame               # parsed sales lines with a ``person`` column
    as_of: pd.Timestamp | None
    unmatched_sales: int
    later: pd.DataFrame = field(default_factory=pd.DataFrame)  # orders after an as-of date
    set_aside: list[str] = field(default_factory=list)  # orders that are no spend, in words
    outside: pd.DataFrame | None = None  # products of lines no one in the list bought, by buyer
    orders: pd.DataFrame | None = None  # every order of ``sales`` (person, order, date, amount,
    # discount when known), returns among them: the personas' order figures

    def purchases(self) -> pd.DataFrame:
        """(person, product) lines the next products are picked from: the people's, and
        those no one in the list bought, each by its own buyer (as the merge reads them:
        :func:`core.segment.recommend.outside_buyers`), without what was given back
        (:func:`bought_lines`). Without outsiders or returns, the people's lines as they
        are (no copy of a 10M-line column)."""
        bought = bought_lines(self.sales)
        if self.outside is None or self.outside.empty or "product" not in bought:
            return bought
        people = pd.DataFrame({"person": bought["person"].astype(object).to_numpy(),
                               "product": bought["product"].to_numpy()})
        outside = bought_lines(self.outside)[["person", "product"]]
        return pd.concat([people, outside], ignore_index=True)


def bought_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """``lines`` without those of negative amount: a return or a discount line is
    something given back, not bought, so it is never a product to offer. The segment
    step's and the merge's picks read lines this one way; lines without an amount are
    all bought."""
    if "amount" not in lines:
        return lines
    amounts = lines["amount"]
    if not pd.api.types.is_numeric_dtype(amounts):  # the merge's lines, maybe not cleaned
        amounts = per_distinct(amounts, parse_numbers)
    back = (amounts < 0).to_numpy()
    return lines[~back] if back.any() else lines


_NUM_JUNK = re.compile(r"[^\d,.\-]")


def parse_numbers(values: pd.Series) -> pd.Series:
    """Text amounts to floats: '1.234,50', '1,234.50', '€ 12', '12.5' -> numbers; junk -> NaN."""
    plain = pd.to_numeric(values, errors="coerce").astype(float)
    if plain.notna().all():  # the usual case after the Quality step: plain numbers
        return plain
    s = values.astype("string").str.replace(_NUM_JUNK, "", regex=True)
    both = s.str.contains(",", regex=False) & s.str.contains(".", regex=False)
    comma_last = s.str.rfind(",") > s.str.rfind(".")
    euro = both & comma_last
    s = s.mask(euro, s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    s = s.mask(both & ~comma_last, s.str.replace(",", "", regex=False))
    decimal_comma = ~both & s.str.fullmatch(r"-?\d+,\d{1,2}").fillna(False)
    s = s.mask(decimal_comma, s.str.replace(",", ".", regex=False))
    s = s.mask(~both & ~decimal_comma, s.str.replace(",", "", regex=False))
    return pd.to_numeric(s, errors="coerce").astype(float)


HINT_SAMPLE = 10_000  # values looked at to size a factorisation's hash table


def factorize_few(values, use_na_sentinel: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pandas.factorize` with its hash table sized from a sample spread over the
    values: pandas sizes it for every value (~50 MB per million text values, held while it
    runs), most of it empty for a column of a few thousand amounts or forty products. A
    column of mostly distinct values (ids) gets the full size; a wrong guess only grows
    the table. pandas takes the hint for NumPy arrays only, so only they are sampled."""
    step = len(values) // HINT_SAMPLE
    hint = None
    if isinstance(values, np.ndarray) and step > 1:
        seen = len(pd.unique(np.asarray(values[::step])))
        if seen < HINT_SAMPLE // 4:
            hint = 64 * seen + 1024
    return pd.factorize(values, use_na_sentinel=use_na_sentinel, size_hint=hint)


def kept_rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """``frame[mask]`` numbered afresh, or ``frame`` itself when the mask keeps every row:
    no copy of 10M lines (~650 MB) or orders (~0.3 GB) to leave none out."""
    return frame if mask.all() else frame[mask].reset_index(drop=True)


def per_distinct(values: pd.Series, read) -> pd.Series:
    """``read`` (a column-wise reading such as :func:`parse_numbers`) worked out on the
    distinct values, missing ones among them, so a reading that looks at the whole
    column decides alike; a million sales lines hold a few thousand amounts."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    out = read(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(out.to_numpy()[codes], index=values.index)


def discount_flags(values: pd.Series) -> pd.Series:
    """Whether each line had a discount: an amount or rate above 0, or a yes-like flag."""
    def flags(distinct: pd.Series) -> pd.Series:
        amount = parse_numbers(distinct)
        text = clean_text(distinct, lower=True)
        return (amount > 0).fillna(False) | text.isin(YES)

    return per_distinct(values, flags)


def parse_dates(values: pd.Series) -> pd.Series:
    """Year-first dates (what the Quality step writes), read by :mod:`core.normalise.dates`
    like every date in LocalReach; anything else becomes NaT and is counted."""
    return read_dates(values, "iso")


def _tidy_distinct(values: pd.Series, lower: bool) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Each row's code, the distinct values and those trimmed (optionally lower-cased),
    empty ones missing: the work of :func:`clean_text` and :func:`clean_codes`."""
    # a text column is factorised as its objects (pandas' UTF-8 table: 30% less time
    # than its own string type's); anything else as its text
    text = values.to_numpy(dtype=object) if isinstance(values.dtype, pd.StringDtype) else values.astype("string")
    codes, uniques = factorize_few(text)
    uniques = np.asarray(uniques, dtype=object)
    tidy = pd.Series(uniques, dtype="string").str.strip()
    if lower:
        tidy = tidy.str.lower()
    return codes, uniques, tidy.mask(tidy == "")


def clean_text(values: pd.Series, lower: bool = False) -> pd.Series:
    """Trimmed (optionally lower-case) text; work done once per distinct value, not per row."""
    codes, _, tidy = _tidy_distinct(values, lower)
    return pd.Series(tidy.array.take(codes, allow_fill=True), index=values.index)


def clean_codes(values: pd.Series, lower: bool = False) -> tuple[np.ndarray, pd.Series]:
    """What :func:`clean_text` gives, as codes (-1: empty or missing, else numbered by
    first appearance) and the distinct cleaned values: for joins and keys, which need no
    million-row text column."""
    codes, uniques, tidy = _tidy_distinct(values, lower)
    if not tidy.isna().any() and (tidy.to_numpy(dtype=object) == uniques).all():
        return codes, tidy  # already clean (order ids): no second table of 10M distinct values
    merged, distinct = pd.factorize(tidy)
    return np.append(merged, -1)[codes], pd.Series(distinct, dtype="string")


def person_keys(crm: pd.DataFrame, config: FeatureConfig) -> pd.Series:
    """The person each CRM row belongs to (cluster id when dedupe ran, else customer id).

    A row without any id is a person of its own, keyed by its row number.
    """
    if config.id_column not in crm.columns:
        raise ColumnError(f"The customer file has no column '{config.id_column}'; "
                          "mark which column holds the customer id (or use --id-column).")
    ids = clean_text(crm[config.id_column]).reset_index(drop=True)
    keys = ids.fillna("row " + pd.Series(range(1, len(ids) + 1), dtype="string"))
    if config.person_column in crm.columns:
        person = clean_text(crm[config.person_column]).reset_index(drop=True)
        keys = person.fillna("id:" + keys)
    return keys


def _link_sales(crm: pd.DataFrame, sales: pd.DataFrame, code_of_row: np.ndarray,
                config: FeatureConfig) -> np.ndarray:
    """Person number for every sales line (-1 when it matches no CRM record)."""
    for col in (config.sales_id_column, MATCHED_COLUMN):
        if col in sales.columns:
            own, theirs, lower = crm[config.id_column], sales[col], False
            break
    else:
        if not ("email" in sales.columns and "email" in crm.columns):
            raise ColumnError(f"The sales file has no '{config.sales_id_column}', 'matched_id' "
                              "or 'email' column to link it to customers; link it first "
                              "(localreach link).")
        own, theirs, lower = crm["email"], sales["email"], True
    if lower:  # e-mails, in lower case
        codes, distinct = clean_codes(theirs, lower)
        found = np.append(first_positions(clean_text(own, lower), distinct.to_numpy()), -1)[codes]
    else:
        found = id_positions(own, theirs)
    return np.where(found >= 0, np.asarray(code_of_row)[found], -1)


def _shares(person: np.ndarray, n: int, labels: pd.Series, weight: np.ndarray,
            prefix: str) -> pd.DataFrame:
    """Share of each person's spend per value of a column (categories, channels).

    The :data:`MAX_MIX` biggest values by spend get a column each; the rest share "other".
    """
    labels = clean_text(labels).fillna("(none)")
    spend = pd.Series(weight).groupby(labels.to_numpy()).sum().sort_values(ascending=False,
                                                                           kind="stable")
    keep = list(spend.index[:MAX_MIX])
    codes = pd.Index(keep).get_indexer(labels.to_numpy())
    if len(spend) > MAX_MIX:
        keep.append("other")
        codes = np.where(codes < 0, len(keep) - 1, codes)
    sums = np.bincount(person * len(keep) + codes, weights=weight,
                       minlength=n * len(keep)).reshape(n, len(keep))
    total = sums.sum(axis=1, keepdims=True)
    shares = np.divide(sums, total, out=np.zeros_like(sums), where=total > 0)
    return pd.DataFrame(shares, columns=[f"{prefix}{c}" for c in keep])


def _weeks(dates: pd.Series) -> np.ndarray:
    """Week of the year 0-51 (days 365/366 count to the last week)."""
    return np.minimum((dates.dt.day_of_year.to_numpy() - 1) // 7, 51)


def peak_season(dates: pd.Series) -> int:
    """First week (1-52) of the busiest :data:`SEASON_WEEKS`-week stretch of the year."""
    counts = np.bincount(_weeks(dates), minlength=52)
    window = np.convolve(np.r_[counts, counts[:SEASON_WEEKS - 1]], np.ones(SEASON_WEEKS), "valid")
    return int(window.argmax()) + 1


def in_peak_season(dates: pd.Series) -> np.ndarray:
    """Whether each date falls in the busiest :data:`SEASON_WEEKS` weeks of these dates."""
    start = peak_season(dates) - 1
    return ((_weeks(dates) - start) % 52) < SEASON_WEEKS


def _peak_season_share(orders: pd.DataFrame, n: int) -> np.ndarray:
    """Share of each person's orders placed in the base's busiest weeks (gift shoppers)."""
    inside = in_peak_season(orders["date"])
    person = orders["person"].to_numpy()
    count = np.bincount(person, minlength=n)
    hits = np.bincount(person, weights=inside.astype(float), minlength=n)
    return np.divide(hits, count, out=np.full(n, np.nan), where=count > 0)


def build_features(crm: pd.DataFrame, sales: pd.DataFrame | None, config: FeatureConfig,
                   ctx: JobContext | None = None) -> Features:
    """Per-person recency, frequency, money, tenure, rhythm, discount and mix features."""
    ctx = ensure_context(ctx)
    persons = person_keys(crm, config)
    all_persons = pd.Index(pd.unique(persons), name="person")
    n = len(all_persons)
    table = pd.DataFrame(index=all_persons)
    ctx.progress(0, 4, "Linking sales to customers")
    if sales is None or len(sales) == 0:
        table["orders"] = 0
        return Features(table, persons, pd.DataFrame(), None, 0)
    # voided, refunded, failed... orders are no spend; a tool's repeated totals count once
    sales, counted = count_orders(sales)
    for col in (config.date_column, config.amount_column):
        if col not in sales.columns:
            raise ColumnError(f"The sales file has no column '{col}'; it is needed for "
                              "recency and spend.")
    code = _link_sales(crm, sales, all_persons.get_indexer(persons), config)
    lines = pd.DataFrame({
        "person": code,
        "date": parse_dates(sales[config.date_column]).to_numpy(),
        "amount": per_distinct(sales[config.amount_column], parse_numbers).fillna(0.0).to_numpy(),
    })
    lines["order"] = _order_keys(sales, config, lines["date"])
    for key, col in (("product", config.product_column), ("category", config.category_column),
                     ("channel", config.channel_column)):
        if col in sales.columns:
            lines[key] = clean_text(sales[col]).to_numpy()
    discount = next((c for c in (config.discount_column, *DISCOUNT_COLUMNS)
                     if c in sales.columns), None)
    if discount:
        lines["discount"] = discount_flags(sales[discount]).to_numpy()
    unmatched = int((code < 0).sum())
    if lines["date"].isna().all():
        raise ColumnError(f"No date in the sales column '{config.date_column}' could be read; "
                          "dates must look like 2025-03-31 (the Quality step converts them).")
    outside = _outside(lines, code, sales)
    lines = kept_rows(lines, (code >= 0) & lines["date"].notna().to_numpy())
    later = pd.DataFrame(columns=["person", "order", "date"])
    if config.as_of:
        as_of = parse_day(config.as_of)
        after = (lines["date"] > as_of).to_numpy()
        if after.any():
            later = orders_table(lines[after])[["person", "order", "date"]]
            lines = lines[~after].reset_index(drop=True)
        outside = None if outside is None else outside[~(outside["date"] > as_of).to_numpy()]
    elif len(lines):
        as_of = lines["date"].max() + pd.Timedelta(days=1)
    else:  # no date to count recency from: say why rather than fail on the arithmetic
        raise LocalReachError(NO_LINKED_ORDERS)
    ctx.progress(1, 4, "Counting orders")

    totals = order_totals(lines)
    returned = _returns(totals)
    credits = totals[returned] if returned.any() else None
    orders = (totals if credits is None else totals[~returned]).sort_values(["person", "date"],
                                                                             kind="stable")
    del totals  # one order table alive, not three (each ~340 MB at 10M orders)
    by_person = orders.groupby("person")
    first, last = by_person["date"].min(), by_person["date"].max()
    spent = by_person["amount"].sum()
    if credits is not None:  # spend is what stayed paid: the credit notes take theirs off
        spent = spent.add(credits.groupby("person")["amount"].sum(), fill_value=0)[spent.index]
    per = pd.DataFrame({
        "orders": by_person.size(),
        "recency_days": (as_of - last).dt.days.astype(float),
        "frequency": by_person.size().astype(float),
        "monetary": spent,
        "tenure_days": (as_of - first).dt.days.astype(float),
    }).reindex(range(n))
    per["avg_order_value"] = per["monetary"] / per["frequency"]
    # Mean value of the orders after the first: what the spend model is fitted on.
    repeats = per["frequency"] - 1
    per["repeat_order_value"] = ((per["monetary"] - by_person["amount"].first().reindex(range(n)))
                                 / repeats).where(repeats > 0)
    span = (last - first).dt.days.astype(float).reindex(range(n))
    # One order: no rhythm yet; "at least as long as they have been a customer".
    per["mean_days_between"] = np.where(per["frequency"] > 1,
                                        span / (per["frequency"] - 1).clip(lower=1),
                                        per["tenure_days"])
    if "discount" in orders:
        per["discount_share"] = by_person["discount"].mean().reindex(range(n))
    per["peak_season_share"] = _peak_season_share(orders, n)
    if (lines["amount"] < 0).any():
        per["return_share"] = (lines["amount"] < 0).groupby(lines["person"]).mean()
    ctx.progress(2, 4, "Spend per category and channel")
    person, weight = lines["person"].to_numpy(), lines["amount"].clip(lower=0).to_numpy()
    parts = [per] + [_shares(person, n, lines[key], weight, prefix)
                     for key, prefix in (("category", "cat:"), ("channel", "channel:"))
                     if key in lines]
    per = pd.concat(parts, axis=1).set_axis(all_persons, axis=0)
    table = table.join(per)
    table["orders"] = table["orders"].fillna(0).astype(int)
    ctx.progress(3, 4, "Customer details")
    table = table.join(_crm_features(crm, persons, config, as_of))
    lines["person"] = pd.Categorical.from_codes(lines["person"], categories=all_persons)
    ctx.progress(4, 4, "Features ready")
    later["person"] = pd.Categorical.from_codes(later["person"].astype(int),
                                                categories=all_persons)
    every = (orders if credits is None else pd.concat([orders, credits])).reset_index(drop=True)
    every["person"] = pd.Categorical.from_codes(every["person"], categories=all_persons)
    return Features(table, persons, lines, as_of, unmatched, later,
                    counted.report() if counted is not None else [],
                    None if outside is None else outside[["person", "product"]].reset_index(drop=True),
                    every)


def order_totals(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per order (person code, order, date, amount, discounted) from the parsed
    sales lines, returns among them."""
    agg = {"date": ("date", "min"), "amount": ("amount", "sum")}
    if "discount" in lines:
        agg["discount"] = ("discount", "any")
    person = (lines["person"].cat.codes if isinstance(lines["person"].dtype, pd.CategoricalDtype)
              else lines["person"])
    frame = lines.assign(person=np.asarray(person))
    return frame.groupby(["person", "order"], sort=False).agg(**agg).reset_index()


def _returns(orders: pd.DataFrame) -> np.ndarray:
    """Which orders are returns, not purchases: their lines add up to less than nothing
    (the credit notes of UCI's Online Retail history, "C" invoices; a till's refunds).
    They count in no one's orders, recency or rhythm; their amounts come off the spend."""
    return (orders["amount"] < 0).to_numpy()


def orders_table(lines: pd.DataFrame) -> pd.DataFrame:
    """The purchases of :func:`order_totals`: what the forecasts count as orders."""
    totals = order_totals(lines)
    return totals[~_returns(totals)].reset_index(drop=True)


def _outside(lines: pd.DataFrame, code: np.ndarray, sales: pd.DataFrame) -> pd.DataFrame | None:
    """(person = own buyer, product, date, amount) of the dated lines no one in the list bought;
    None when there are none or no products."""
    from core.segment.recommend import outside_buyers  # scipy: not for `segment --help`

    stray = np.flatnonzero((code < 0) & lines["date"].notna().to_numpy())
    if not len(stray) or "product" not in lines:
        return None
    return pd.DataFrame({"person": outside_buyers(sales, stray),
                         "product": lines["product"].to_numpy()[stray],
                         "date": lines["date"].to_numpy()[stray],
                         "amount": lines["amount"].to_numpy()[stray]})


def parse_day(text: str, what: str = "analysis date") -> pd.Timestamp:
    """A date the user typed (--as-of, --check-until), or one clear line saying why not."""
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise LocalReachError(f"The {what} '{text}' is not a date like 2025-03-31.") from None


def _order_keys(sales: pd.DataFrame, config: FeatureConfig, dates: pd.Series) -> np.ndarray:
    """One key per order: the order id, or -- where there is none -- the day, since
    lines of one person on one day are one basket (as in Fader, Hardie & Lee's CDNOW).
    Numbered by first appearance; worked out on codes (distinct ids, distinct days)."""
    if config.order_column in sales.columns:
        key, _ = clean_codes(sales[config.order_column])
    else:
        key = np.full(len(dates), -1, dtype=np.int64)
    missing = np.flatnonzero(key < 0)
    if len(missing):
        when, stamps = pd.factorize(dates.iloc[missing], use_na_sentinel=False)
        day = pd.Series(stamps).dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
        key[missing] = key.max(initial=-1) + 1 + pd.factorize(day)[0][when]
    return pd.factorize(key)[0]


def _crm_features(crm: pd.DataFrame, persons: pd.Series, config: FeatureConfig,
                  as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Age from date of birth and the CRM columns the user ticked (first record per person)."""
    first_rows = crm.reset_index(drop=True).groupby(persons.to_numpy(), sort=False).head(1)
    first_rows.index = persons.iloc[first_rows.index].to_numpy()
    out = pd.DataFrame(index=first_rows.index)
    if "date_of_birth" in crm.columns and as_of is not None:
        dob = parse_dates(first_rows["date_of_birth"])
        out["age"] = ((as_of - dob).dt.days / 365.25).round(0)
    for col in config.crm_columns:
        if col not in crm.columns:
            raise ColumnError(f"The customer file has no column '{col}' to use as a feature.")
        nums = parse_numbers(first_rows[col])
        # a column held as numbers is numbers however many are missing (days since the
        # last event: NaN for the many without events); text must be 90% numbers
        if pd.api.types.is_numeric_dtype(first_rows[col]) or nums.notna().mean() >= 0.9:
            out[col] = nums
            continue
        values = clean_text(first_rows[col]).fillna("(empty)")
        top = values.value_counts().index[:MAX_MIX]
        values = values.where(values.isin(top), "other")
        dummies = pd.get_dummies(values, dtype=float)
        dummies.columns = [f"{col}:{c}" for c in dummies.columns]
        out = out.join(dummies)
    return out


def _shrink(share: pd.Series, orders: pd.Series) -> pd.Series:
    """A per-order share moved towards the base's share by :data:`PRIOR_ORDERS` orders.

    One order is weak evidence: without this, everyone with a single order has a share of
    exactly 0 or 1 (all their orders in the busy season, all discounted), and those
    people form groups of their own that say nothing about how they will behave.
    """
    weight = orders.where(share.notna(), 0.0)
    base = float((share * weight).sum() / weight.sum()) if weight.sum() > 0 else 0.0
    return (share * orders + PRIOR_ORDERS * base) / (orders + PRIOR_ORDERS)


def model_matrix(table: pd.DataFrame, features: list[str] | tuple[str, ...]) -> np.ndarray:
    """Scaled model input: skewed features log1p'ed, all centred to unit spread.

    A mix (``category_mix``, ``channel_mix``) or a ticked text column of the CRM (one 0/1
    column per value, ``region:North`` ...) enters as one block weighted like one feature.
    An :data:`OPTIONAL` feature the sales file has no column for is left out. Shares of
    orders (discount, season, mixes) are shrunk towards the base for people with few orders.
    """
    columns, weights = [], []
    for name in features:
        prefix = MIXES.get(name, f"{name}:")
        block = [c for c in table.columns if c.startswith(prefix)]
        if name in table.columns and name != "orders":
            columns.append(name)
            weights.append(1.0)
        elif block:
            columns += block
            weights += [1 / np.sqrt(len(block))] * len(block)
        elif name not in OPTIONAL:
            choices = [c for c in table.columns if c != "orders" and ":" not in c] + list(MIXES)
            raise ColumnError(f"Unknown feature '{name}'; pick from: {', '.join(choices)}.")
    x = table[columns].astype(float).copy()
    for c in columns:
        if c in SKEWED:
            x[c] = np.log1p(x[c].clip(lower=0))
        elif "orders" in table and (c in SHARES or c.startswith(tuple(MIXES.values()))):
            x[c] = _shrink(x[c], table["orders"].astype(float))
    x = x.fillna(x.median()).fillna(0.0)
    std = x.std(ddof=0).replace(0, 1.0)
    return ((x - x.mean()) / std).to_numpy() * np.asarray(weights)
