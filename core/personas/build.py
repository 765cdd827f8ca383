"""Personas from segments: key figures against the whole base, top products, example members.

Input is the Segments step's output (every CRM row with ``segment`` and the value columns);
with the sales lines too, personas also know categories, channels, products and discounts.
A persona is a plain dataclass the user edits (name, description, tone, offer, wording,
notes) and the mail merge reads; it round-trips through ``dataclasses.asdict`` /
``Persona(**d)``. The name is the team's label ("Drifting away"); what customers may read
about themselves goes in ``wording`` (``{{ persona_wording }}`` in a template), empty until
someone writes it. Tone and offer start from the group's figures (a lapsed group is
offered a come-back discount) for the user to edit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import ColumnError
from core.jobs import JobContext, ensure_context
from core.personas.naming import describe, name_for, tone_and_offer
from core.segment.features import (
    FeatureConfig,
    Features,
    build_features,
    factorize_few,
    in_peak_season,
    kept_rows,
    person_keys,
)
from core.segment.pipeline import NO_PURCHASES

EXAMPLES = 3
TOP = 3
# Figures compared with the whole base, in the order cards and charts show them.
FIGURES = {
    "frequency": "Orders",
    "avg_order_value": "Spend per order",
    "monetary": "Total spend",
    "recency_days": "Days since last order",
    "tenure_days": "Days since first order",
    "lifetime_value": "Expected spend, 12 months",
    "discount_share": "Orders with a discount",
    "season_share": "Orders in the busiest weeks",
}
# Shares pooled over the group's orders; every other figure is the median per person.
ORDER_SHARES = ("discount_share", "season_share")


@dataclass
class Persona:
    segment: str
    name: str
    description: str
    people: int
    share: float                       # of all people
    revenue_share: float               # of all spend
    figures: dict[str, float]          # median per person; ORDER_SHARES: share of orders
    versus_base: dict[str, float]      # figure / the same figure for everyone who bought
    top_categories: list[str] = field(default_factory=list)
    top_products: list[str] = field(default_factory=list)
    top_channels: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)   # pseudonyms, never names
    tone: str = ""
    offer: str = ""
    wording: str = ""                  # customer-facing words; the name is for the team
    notes: str = ""
    edited: list[str] = field(default_factory=list)     # fields the user changed by hand
    currency: str = ""                                  # of the money figures, when known
    base: dict[str, float] = field(default_factory=dict)  # the figures for all who bought


def pseudonym(person: str) -> str:
    """A short stable label for a person ("Customer 3f9a2c"), so cards never show names."""
    return "Customer " + hashlib.blake2b(str(person).encode(), digest_size=3).hexdigest()


def person_table(segmented: pd.DataFrame, sales: pd.DataFrame | None,
                 config: FeatureConfig | None = None, ctx: JobContext | None = None,
                 features: Features | None = None) -> tuple[pd.DataFrame, Features | None]:
    """One row per person: segment, value columns and (with sales) mix and discount
    shares; and the features of the sales lines (None without sales). ``features`` are
    :func:`build_features` of these inputs when the caller has them (the segment step's)."""
    config = config or FeatureConfig()
    if "segment" not in segmented.columns:
        raise ColumnError("The file has no 'segment' column; run `localreach segment` first "
                          "and give its output.")
    keys = person_keys(segmented, config)
    first = segmented.reset_index(drop=True).groupby(keys.to_numpy(), sort=False).head(1)
    table = first.set_axis(keys.iloc[first.index].to_numpy(), axis=0)
    numeric = [c for c in ("recency_days", "frequency", "monetary", "avg_order_value",
                           "tenure_days", "lifetime_value", "p_active") if c in table.columns]
    table[numeric] = table[numeric].apply(pd.to_numeric, errors="coerce")
    if sales is None:
        return table, None
    feats = features or build_features(segmented, sales, config, ctx)
    extra = feats.table.drop(columns=[c for c in feats.table.columns if c in table.columns])
    return table.join(extra), feats


def _group_of(person: pd.Series, index: pd.Index, group: np.ndarray) -> np.ndarray:
    """The group number of each line's (or order's) person, -1 for none: ``group`` gives
    one per person of ``index``. Worked out per person (the categories), not per line,
    so each persona picks its lines by an integer compare instead of an isin."""
    if isinstance(person.dtype, pd.CategoricalDtype):
        per_category = np.append(group, -1)[index.get_indexer(person.cat.categories)]
        codes = person.cat.codes.to_numpy()
        return np.where(codes >= 0, per_category[codes], -1)
    return np.append(group, -1)[index.get_indexer(person.to_numpy())]


def _tops(lines: pd.DataFrame | None, group: np.ndarray | None, column: str) -> dict[int, list[str]]:
    """Each group's :data:`TOP` values of ``column`` by spend, largest first, ties by
    name. One pass over all lines, not a copy of each group's, grouped by one integer
    key (group, value) as categories: nothing of 10M lines is hashed."""
    if lines is None or column not in lines:
        return {}
    codes, names = factorize_few(lines[column].to_numpy())
    width = max(len(names), 1)
    key = np.where((codes >= 0) & (group >= 0), group * width + codes, -1)
    spend = lines["amount"].groupby(pd.Categorical.from_codes(
        key, categories=pd.RangeIndex((int(group.max(initial=0)) + 1) * width)), observed=True).sum()
    keys, sums = spend.index.to_numpy(dtype=np.int64), spend.to_numpy()
    owner, tops = keys // width, {}
    for code in np.unique(owner):
        mine = owner == code
        ranked = pd.Series(sums[mine], index=pd.Index(names[keys[mine] % width], dtype=object))
        ranked = ranked.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        tops[int(code)] = [str(v) for v in ranked.index[:TOP] if str(v)]
    return tops


def statistic(key: str) -> str:
    """What a figure is, in the words the card uses."""
    return "share of orders" if key in ORDER_SHARES else "median"


def _orders(feats: Features | None) -> pd.DataFrame | None:
    """One row per order: person, discounted or not, in the base's busiest weeks or not;
    from the features' order table (grouping 10M lines again took ~1 GB)."""
    if feats is None or feats.orders is None or feats.orders.empty:
        return None
    columns = ["person", "order", "date"] + (["discount"] if "discount" in feats.orders else [])
    orders = feats.orders[columns].rename(columns={"discount": "discount_share"})
    orders["season_share"] = in_peak_season(orders["date"])
    return orders


def _figures(rows: pd.DataFrame, orders: pd.DataFrame | None) -> dict[str, float]:
    """The card's figures of ``rows`` (people); ``orders`` are those people's orders."""
    out = {}
    for col in FIGURES:
        if col in ORDER_SHARES:
            if orders is not None and col in orders:
                mine = orders[col]
                out[col] = float(mine.mean()) if len(mine) else 0.0
        elif col in rows.columns:
            value = rows[col].astype(float).median()
            out[col] = float(value) if pd.notna(value) else 0.0
    return out


def build_personas(segmented: pd.DataFrame, sales: pd.DataFrame | None = None,
                   config: FeatureConfig | None = None, ctx: JobContext | None = None,
                   features: Features | None = None) -> list[Persona]:
    """One persona per segment, largest first; names derived from what sets it apart.
    ``features``: as :func:`person_table` takes them (then ``sales`` gives only the currency)."""
    ctx = ensure_context(ctx)
    table, feats = person_table(segmented, sales, config, ctx, features)
    lines, orders = None if feats is None else feats.sales, _orders(feats)
    bought = (table["frequency"].fillna(0) > 0).to_numpy() if "frequency" in table else np.ones(len(table), bool)
    buyer_orders = None if orders is None else kept_rows(orders, _group_of(
        orders["person"], table.index, np.where(bought, 0, -1)) == 0)
    base = _figures(table[bought], buyer_orders)
    total_spend = float(table["monetary"].fillna(0).sum()) if "monetary" in table else 0.0
    currency = _currency(sales)
    personas: list[Persona] = []
    counts = table["segment"].value_counts(sort=False)  # first appearance breaks size ties
    sizes = sorted(counts.items(), key=lambda item: (item[0] == NO_PURCHASES, -item[1]))
    group, segments = pd.factorize(table["segment"])
    segments = list(segments)
    line_group = None if lines is None else _group_of(lines["person"], table.index, group)
    order_group = None if orders is None else _group_of(orders["person"], table.index, group)
    tops = {column: _tops(lines, line_group, column) for column in ("category", "product", "channel")}
    for i, (segment, size) in enumerate(sizes):
        ctx.progress(i, len(sizes), "Writing personas")
        code = segments.index(segment)
        rows = table[group == code]
        figures = _figures(rows, None if orders is None else orders[order_group == code])
        versus = {k: (v / base[k] if base.get(k) else 0.0) for k, v in figures.items()}
        spend = float(rows["monetary"].fillna(0).sum()) if "monetary" in rows else 0.0
        examples = sorted(rows.index, key=lambda p: hashlib.sha256(str(p).encode()).digest())
        persona = Persona(
            segment=str(segment), name="", description="", people=int(size),
            share=float(size / len(table)),
            revenue_share=spend / total_spend if total_spend else 0.0,
            figures=figures, versus_base=versus,
            top_categories=tops["category"].get(code, []),
            top_products=tops["product"].get(code, []),
            top_channels=tops["channel"].get(code, []),
            examples=[pseudonym(p) for p in examples[:EXAMPLES]], currency=currency,
            base=dict(base),
        )
        persona.name = name_for(persona)
        persona.description = describe(persona)
        persona.tone, persona.offer = tone_and_offer(persona)
        personas.append(persona)
    _make_names_unique(personas)
    return personas


def _currency(sales: pd.DataFrame | None) -> str:
    """The sales file's currency when it has one ("EUR"); mixed or unknown: ""."""
    if sales is None or "currency" not in sales:
        return ""
    distinct = pd.Series(pd.unique(sales["currency"].to_numpy()), dtype="string")  # a few values in 1M lines
    codes = distinct.str.strip().str.upper().replace("", pd.NA).dropna().unique()
    return str(codes[0]) if len(codes) == 1 else ""


def _make_names_unique(personas: list[Persona]) -> None:
    """Two groups both "Drifting away": tell them apart by their top category or a number."""
    seen: dict[str, int] = {}
    for p in personas:
        if p.name in seen:
            extra = p.top_categories[0] if p.top_categories else str(seen[p.name] + 1)
            seen[p.name] += 1
            p.name = f"{p.name} ({extra})"
        else:
            seen[p.name] = 1
