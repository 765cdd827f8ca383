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
from decimal import Decimal

import pandas as pd

from core.quality.money import infer_decimal, parse_money_either
from core.roles.vocabulary import Role
from core.vendors import VendorMatch

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


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"^wc-", "", text).replace("_", " ")


def not_spend_reason(status: str) -> str | None:
    """Why an order with this status is no spend ("cancelled", ...), or None if it counts
    (paid, completed, processing, partially refunded -- the refund is subtracted)."""
    return _REASON.get(_plain(status))


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


def _column(name: str | None, df: pd.DataFrame) -> pd.Series | None:
    """The file's column for a profile header (same header, any case)."""
    if name is None:
        return None
    wanted = name.strip().lower()
    found = [c for c in df.columns if str(c).strip().lower() == wanted]
    return df[found[0]].astype(str).fillna("") if found else None


def _amounts(values: pd.Series, cents: bool) -> pd.Series:
    distinct = [v for v in pd.unique(values.to_numpy()) if v.strip()]
    mark = infer_decimal(distinct)
    parsed = {}
    for v in distinct:
        money = parse_money_either(v, mark)
        amount = Decimal(money[0]) if money else Decimal(0)
        parsed[v] = amount / 100 if cents else amount
    return values.map(lambda v: parsed.get(v, Decimal(0)))


def summarise_orders(df: pd.DataFrame, match: VendorMatch) -> OrderSummary:
    """One row per counted order with its spend, following the tool's order rules."""
    rules = match.profile.orders
    if rules is None:
        raise ValueError(f"{match.profile.label} holds no orders")
    n = len(df)
    key = _column(rules.key, df)
    order = key if key is not None else pd.Series(range(n), index=df.index).astype(str)
    order = order.where(order.str.strip() != "", None).ffill().fillna("")
    total = _column(rules.total, df)
    cents = rules.cents or in_cents(str(total.name))
    amount = _amounts(total, cents)
    refunded = _column(rules.refunded, df)
    refund = _amounts(refunded, cents) if refunded is not None else None
    status = _column(rules.status, df)
    cancelled_at = _column(rules.cancelled_at, df)
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

    summary = OrderSummary(pd.DataFrame(), lines=n)
    rows = []
    for oid, lines in frame.groupby("order", sort=False):
        first = lines[lines["filled"]].head(1)
        head = first.iloc[0] if len(first) else lines.iloc[0]
        status_text = next((s for s in lines["status"] if s.strip()), "")
        reason = "cancelled" if lines["cancelled"].any() else not_spend_reason(status_text)
        if rules.totals == "line":
            value = sum(lines["amount"], Decimal(0)) - sum(lines["refund"], Decimal(0))
        else:  # the order total, written once or repeated: counted once
            value = head["amount"] - head["refund"]
        if reason is None and value <= 0 and head["refund"] > 0:
            reason = "refunded"
        if reason is not None:
            summary.set_aside_lines[reason] += len(lines)
            summary.set_aside_orders[reason] += 1
            continue
        customer = next((c for c in lines["customer"] if c.strip()), "")
        rows.append((oid, customer, head["date"], value))
    summary.orders = pd.DataFrame(rows, columns=["order", "customer", "date", "amount"])
    return summary
