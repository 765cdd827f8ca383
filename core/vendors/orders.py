"""Orders and spend as the tool means them, from an orders export's lines.

One order is counted once, whatever its line items: Shopify writes the order totals
only on an order's first line, WooCommerce repeats them on every line, Etsy and Stripe
give each row its own amount. Orders the tool marks cancelled, voided, failed, pending
or refunded -- in its own words and in the shop's language -- are no spend; a partial
refund is subtracted; amounts in cents are divided. What was set aside, and why, is
counted by line so the import report can say it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

import pandas as pd

from core.quality.money import infer_decimal, parse_money_either
from core.roles.vocabulary import Role
from core.vendors import PROFILES, VendorMatch, recognise
from core.vendors import header_key as _key

# Status words that mean "no money was (or stays) taken", by reason, in the tools'
# words (Shopify financial status, WooCommerce order status, Stripe payment status) and
# the languages shops export in.
NOT_SPEND = {
    "cancelled": "cancelled|canceled|storniert|abgebrochen|annule|annulee|cancelado|cancelada|"
    "geannuleerd|annullato",
    "voided": "voided|void|expired|nichtig|ungultig|abgelaufen",
    "failed": "failed|declined|fehlgeschlagen|abgelehnt|echoue|echouee|refuse|fallido|mislukt|"
    "fallito",
    "pending": "pending|on-hold|on hold|authorized|unpaid|incomplete|draft|checkout-draft|"
    "ausstehend|zahlung ausstehend|offen|wartend|en attente|pendiente|in afwachting|in sospeso",
    "refunded": "refunded|ruckerstattet|erstattet|zuruckerstattet|rembourse|remboursee|"
    "reembolsado|terugbetaald|rimborsato",
}
_REASON = {w: reason for reason, words in NOT_SPEND.items() for w in words.split("|")}
_CENTS = re.compile(r"cents|minor unit|in cent\b", re.IGNORECASE)
# Headers of an order's status in any sales file (compared after _plain).
STATUS_HEADERS = frozenset({
    "status", "order status", "financial status", "payment status", "bestellstatus",
    "zahlungsstatus", "status der bestellung", "statut", "statut de la commande",
    "statut du paiement", "estado", "estado del pedido", "stato", "stato ordine", "orderstatus",
})
# A role-named view (columns renamed to their roles, as the Segments screen reads sales)
# still shows this many of a tool's headers that have no role, literally.
_LITERAL_HEADERS = 3
_CENT = Decimal("0.01")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"^wc-", "", text).replace("_", " ")


def not_spend_reason(status: str, own: dict[str, str] | None = None) -> str | None:
    """Why an order with this status is no spend ("cancelled", ...), or None if it counts
    (paid, completed, processing, partially refunded -- the refund is subtracted).
    ``own``: the tool's own words (its profile's ``not_spend``), read first."""
    word = _plain(status)
    return (own or {}).get(word) or _REASON.get(word)


def in_cents(header: str) -> bool:
    """Amounts in the minor unit: the header says so ("Amount (cents)"), or it is the API's
    bare lower-case ``amount`` (Stripe's API and Sigma exports count in cents)."""
    return bool(_CENTS.search(header)) or header.strip() == "amount"


@dataclass
class OrderSummary:
    """Counted orders (one row each) and what was set aside, by reason, in lines."""

    orders: pd.DataFrame  # order, customer, date, amount (Decimal), for counted orders
    set_aside_lines: Counter = field(default_factory=Counter)
    set_aside_orders: Counter = field(default_factory=Counter)
    lines: int = 0
    # per line of a counted order (index of the file): its share of the order's spend, so
    # that summing an order's lines gives the order's spend once
    line_amounts: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))

    @property
    def spend(self) -> Decimal:
        return sum(self.orders["amount"], Decimal(0))

    def report(self) -> list[str]:
        """Plain sentences for the import report (no values)."""
        out = [f"{len(self.orders):,} order(s) from {self.lines:,} line(s) count as spend."]
        if self.set_aside_lines:
            parts = ", ".join(
                f"{self.set_aside_orders[r]} {r} ({n} line(s))"
                for r, n in sorted(self.set_aside_lines.items())
            )
            out.append(f"Set aside as no spend: {parts}.")
        return out


def _column(name: str | None, df: pd.DataFrame, match: VendorMatch | None = None
            ) -> pd.Series | None:
    """The file's column for a profile header (same header, any case), else -- in a
    role-named view -- the column named by that header's role."""
    if name is None:
        return None
    roles = match.profile.roles if match is not None else {}
    role = next((r for h, r in roles.items() if _key(h) == _key(name)), None)
    for wanted in (_key(name), role.value if role is not None else None):
        found = [c for c in df.columns if _key(c) == wanted]
        if found:
            return df[found[0]].astype(str).fillna("")
    return None


def orders_export(columns) -> VendorMatch | None:
    """The tool's orders export these columns are, also when the columns that have a role
    were renamed to it (the Segments screen's view): then at least
    :data:`_LITERAL_HEADERS` of the tool's role-less headers must still be there, so a
    plain sales file named by roles is never taken for a tool's export."""
    match = recognise(columns)
    if match is not None:
        return match if match.profile.orders is not None else None
    names = {_key(c): c for c in columns}
    best: tuple[int, VendorMatch] | None = None
    for profile in (p for p in PROFILES if p.orders is not None):
        found = {}
        for header in profile.headers:
            role = profile.roles.get(header)
            column = names.get(_key(header)) or (names.get(role.value) if role else None)
            if column is not None:
                found[header] = column
        literal = sum(_key(h) in names for h in profile.headers if h not in profile.roles)
        if literal < _LITERAL_HEADERS or not all(h in found for h in profile.signature):
            continue
        if best is None or len(found) > best[0]:
            roles = {c: Role.OTHER for c in columns}
            roles.update({c: profile.roles.get(h, Role.OTHER) for h, c in found.items()
                          if profile.roles.get(h) is not None})
            best = (len(found), VendorMatch(profile, roles))
    return best[1] if best else None


def _spread(value: Decimal, lines: pd.Index) -> list[tuple[object, Decimal]]:
    """An order's spend spread over its lines in cents, the remainder on the first."""
    share = (value / len(lines)).quantize(_CENT, rounding=ROUND_DOWN)
    return [(i, value - share * (len(lines) - 1) if n == 0 else share)
            for n, i in enumerate(lines)]


def _amounts(values: pd.Series, cents: bool) -> pd.Series:
    distinct = [v for v in pd.unique(values.to_numpy()) if v.strip()]
    mark = infer_decimal(distinct)
    parsed = {}
    for v in distinct:
        money = parse_money_either(v, mark)
        amount = Decimal(money[0]) if money else Decimal(0)
        parsed[v] = amount / 100 if cents else amount
    return values.map(lambda v: parsed.get(v, Decimal(0)))


def _adjusted(df: pd.DataFrame, match: VendorMatch, cents: bool) -> pd.Series:
    """Per row, the order total after refunds (None: no adjustment written). A row whose
    adjusted amounts are all 0 is read as "no adjustment", not as a full refund."""
    rules = match.profile.orders
    none = pd.Series(None, index=df.index, dtype=object)
    column = _column(rules.adjusted, df, match)
    if column is None:
        return none
    kept = _amounts(column, cents)
    others = [c for c in (_column(h, df, match) for h in rules.adjusted_with) if c is not None]
    applies = column.str.strip() != ""
    if others:
        zero = kept == 0
        for other in others:
            zero &= _amounts(other, cents) == 0
        applies &= ~zero
    return kept.where(applies, None)


def summarise_orders(df: pd.DataFrame, match: VendorMatch) -> OrderSummary:
    """One row per counted order with its spend, following the tool's order rules."""
    rules = match.profile.orders
    if rules is None:
        raise ValueError(f"{match.profile.label} holds no orders")
    n = len(df)
    key = _column(rules.key, df, match)
    order = key if key is not None else pd.Series(range(n), index=df.index).astype(str)
    order = order.where(order.str.strip() != "", None).ffill().fillna("")
    total = _column(rules.total, df, match)
    # in cents as the header says, unless an amount has decimals; the bare "amount" is
    # the minor unit only for a tool whose API writes it so (Stripe's): a role-named
    # view calls every tool's total "amount" (HubSpot's whole-euro deals too)
    bare = str(total.name).strip() == "amount"
    cents = rules.cents or (in_cents(str(total.name)) and (rules.api_cents or not bare)
                            and not total.str.contains(r"[.,]\d{1,2}\s*$").any())
    amount = _amounts(total, cents)
    refunded = _column(rules.refunded, df, match)
    refund = _amounts(refunded, cents) if refunded is not None else None
    kept = _adjusted(df, match, cents)
    status = _column(rules.status, df, match)
    cancelled_at = _column(rules.cancelled_at, df, match)
    customer_col = next(
        (c for r in (Role.CUSTOMER_ID, Role.EMAIL) for c, role in match.roles.items() if role is r),
        None,
    )
    date_col = next((c for c, r in match.roles.items() if r is Role.ORDER_DATE), None)

    frame = pd.DataFrame({"order": order, "amount": amount}, index=df.index)
    frame["refund"] = refund if refund is not None else Decimal(0)
    frame["status"] = status if status is not None else ""
    frame["cancelled"] = (cancelled_at.str.strip() != "") if cancelled_at is not None else False
    frame["customer"] = df[customer_col].astype(str) if customer_col else ""
    frame["date"] = df[date_col].astype(str) if date_col else ""
    frame["filled"] = total.str.strip() != ""
    frame["kept"] = kept

    summary = OrderSummary(pd.DataFrame(), lines=n)
    rows, shares = [], []
    for oid, lines in frame.groupby("order", sort=False):
        first = lines[lines["filled"]].head(1)
        head = first.iloc[0] if len(first) else lines.iloc[0]
        status_text = next((s for s in lines["status"] if s.strip()), "")
        reason = ("cancelled" if lines["cancelled"].any()
                  else not_spend_reason(status_text, rules.not_spend))
        if reason is None and rules.spend_only and _plain(status_text) not in rules.spend_only:
            reason = "pending"
        if rules.totals == "line":
            value = sum(lines["amount"], Decimal(0)) - sum(lines["refund"], Decimal(0))
        else:  # the order total, written once or repeated: counted once
            value = head["amount"] - head["refund"]
        adjusted = rules.totals == "order" and not pd.isna(head["kept"])
        if adjusted:  # the total after refunds, as the tool wrote it
            value = head["kept"]
        # a refund written as its own negative row (Square's "Refund" event) leaves the
        # order, or the refund row alone, at nothing
        refund_row = rules.totals == "line" and (lines["amount"] < 0).any()
        if reason is None and value <= 0 and (head["refund"] > 0 or adjusted or refund_row):
            reason = "refunded"
        if reason is not None:
            summary.set_aside_lines[reason] += len(lines)
            summary.set_aside_orders[reason] += 1
            continue
        customer = next((c for c in lines["customer"] if c.strip()), "")
        rows.append((oid, customer, head["date"], value))
        shares += (list(zip(lines.index, lines["amount"] - lines["refund"], strict=True))
                   if rules.totals == "line" else _spread(value, lines.index))
    summary.orders = pd.DataFrame(rows, columns=["order", "customer", "date", "amount"])
    summary.line_amounts = pd.Series(dict(shares), dtype=object).reindex(
        [i for i, _ in shares])
    return summary


def _by_status(df: pd.DataFrame, status: str) -> OrderSummary:
    """Any sales file with a status column: lines of an order whose status means no spend
    are set aside (the order's first status speaks for all its lines); amounts stay."""
    order_col = next((c for c in df.columns if _key(c) in ("order_id", "order id")), None)
    order = (df[order_col].astype(str) if order_col is not None
             else pd.Series(range(len(df)), index=df.index).astype(str))
    first = (df[status].astype(str).fillna("").where(lambda s: s.str.strip() != "")
             .groupby(order.to_numpy()).transform("first").fillna(""))
    reason = first.map(not_spend_reason)
    amount_col = next((c for c in df.columns if _key(c) == Role.AMOUNT.value), None)
    amount = (_amounts(df[amount_col].astype(str).fillna(""), False) if amount_col is not None
              else pd.Series(Decimal(0), index=df.index, dtype=object))
    summary = OrderSummary(pd.DataFrame(), lines=len(df))
    aside = reason.notna()
    for why, lines in reason[aside].groupby(reason[aside]):
        summary.set_aside_lines[why] = len(lines)
        summary.set_aside_orders[why] = order[lines.index].nunique()
    kept = ~aside
    summary.orders = pd.DataFrame({"order": order[kept], "amount": amount[kept]}).groupby(
        "order", sort=False)["amount"].agg(lambda a: sum(a, Decimal(0))).reset_index()
    summary.line_amounts = amount[kept]
    return summary


def _days(values: pd.Series, fmt: str | None) -> pd.Series:
    """Order dates as ISO days (the shop's local day), read in the tool's own format;
    a value already in another form (the Quality step's ISO) stays as it is."""
    if fmt is None:
        return values

    def day(text: str) -> str:
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            return text

    return values.astype(str).map({v: day(v) for v in values.astype(str).unique()})


def count_orders(sales: pd.DataFrame) -> tuple[pd.DataFrame, OrderSummary | None]:
    """Sales lines as the segment and persona engines should count them, and what was
    set aside (None: nothing to count by, the lines are returned as they are).

    A tool's orders export (also in a role-named view) keeps the lines of counted orders
    only, each with its share of the order's spend in ``amount`` (an order total written
    once or repeated on every line counts once, refunds subtracted, cents divided), and a
    copy of each column under its role's name where the file has none, so the engines find
    ``order_date`` (as ISO days), ``order_id``, ``email``... Any other file with a status column
    (:data:`STATUS_HEADERS`) loses the lines of cancelled, voided, failed, pending and
    refunded orders.
    """
    match = orders_export(sales.columns)
    if match is not None:
        summary = summarise_orders(sales, match)
        out = sales.loc[summary.line_amounts.index].copy()
        for column, role in match.roles.items():
            if role is not Role.OTHER and role.value not in out.columns:
                out[role.value] = out[column]
        out[Role.AMOUNT.value] = [f"{v:.2f}" for v in summary.line_amounts]
        if Role.ORDER_DATE.value in out.columns:
            out[Role.ORDER_DATE.value] = _days(out[Role.ORDER_DATE.value],
                                               match.profile.orders.date_format)
        return out, summary
    status = next((c for c in sales.columns if _plain(str(c)) in STATUS_HEADERS), None)
    if status is None:
        return sales, None
    summary = _by_status(sales, status)
    return sales.loc[summary.line_amounts.index], summary
