"""Names and descriptions for personas, from what sets each group apart from the base.

Rules are checked in order, first match wins; each compares the group with everyone who
bought (``versus_base``: 2.0 = twice the base's figure), so a name is given only when its
rule holds against the base. Groups that already carry a marketer's name (the RFM
segments) keep it. Every sentence of a description is written from a figure on the card,
names its statistic (median per person, or share of orders) and puts the base's figure
beside it, so a reader can check it and never mistakes a median for an average.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.segment.pipeline import NO_PURCHASES

if TYPE_CHECKING:
    from core.personas.build import Persona

SEASON_SHARE, SEASON_LIFT = 0.5, 2.0      # a season name: half their orders, twice the base's
DISCOUNT_SHARE, DISCOUNT_LIFT = 0.5, 1.5


def figure_text(key: str, value: float, currency: str = "") -> str:
    """A figure as the card prints it: shares in %, counts and days whole (a median may end
    in .5), money with 2 decimals."""
    if key in ("discount_share", "season_share"):
        return f"{value:.0%}"
    if key in ("frequency", "recency_days", "tenure_days"):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"  # medians
    return f"{currency} {value:,.2f}".strip()  # money carries its currency when known


def _stands_out(p: Persona, key: str, share: float, lift: float) -> bool:
    value = p.figures.get(key, 0.0)
    return value >= share and value >= lift * p.base.get(key, 0.0)


def name_for(p: Persona) -> str:
    """A name the marketer would use ("Loyal big spenders", "Drifting away", ...)."""
    if p.segment == NO_PURCHASES:
        return "Not bought yet"
    if not p.segment.startswith("Group "):
        return p.segment
    v, f = p.versus_base, p.figures
    orders, value = v.get("frequency", 1.0), v.get("avg_order_value", 1.0)
    recency = v.get("recency_days", 1.0)
    if _stands_out(p, "discount_share", DISCOUNT_SHARE, DISCOUNT_LIFT):
        return "Bargain hunters"
    if orders <= 0.6 and v.get("tenure_days", 1.0) <= 0.4:
        return "New this quarter" if f.get("tenure_days", 999) <= 92 else "Newcomers"
    if _stands_out(p, "season_share", SEASON_SHARE, SEASON_LIFT):
        return "Gift-season shoppers"
    if orders >= 1.8 and value >= 1.3 and recency <= 1.0:
        return "Loyal big spenders"
    if orders >= 1.3 and recency <= 1.0:
        channel = p.top_channels[0] if p.top_channels else ""
        return f"{channel.capitalize()} regulars" if channel else "Frequent regulars"
    if recency >= 1.8:
        return "Drifting away" if orders >= 0.8 else "Lapsed one-timers"
    if value >= 1.4:
        return "Occasional big spenders"
    return "Everyday customers"


# (figure, how the sentence reads); {v} and {b} are the group's and the base's figure, {s}
# the plural ending for {v}.
SENTENCES = (
    ("frequency", "median {v} order{s} per person (all buyers: {b})"),
    ("avg_order_value", "median spend per order {v} (all buyers: {b})"),
    ("recency_days", "median {v} days since the last order (all buyers: {b})"),
    ("discount_share", "{v} of their orders used a discount (all buyers' orders: {b})"),
)


def describe(p: Persona) -> str:
    """Plain sentences, each from one figure on the card with the base's figure beside it."""
    if p.segment == NO_PURCHASES:
        return "In the customer list but no order is linked to them yet."
    parts = [text.format(v=figure_text(key, p.figures[key], p.currency),
                         b=figure_text(key, p.base.get(key, 0.0), p.currency),
                         s="" if p.figures[key] == 1 else "s")
             for key, text in SENTENCES if key in p.figures]
    if _stands_out(p, "season_share", SEASON_SHARE, SEASON_LIFT):
        parts.append(f"{figure_text('season_share', p.figures['season_share'])} of their "
                     "orders in the busiest weeks of the year (all buyers' orders: "
                     f"{figure_text('season_share', p.base.get('season_share', 0.0))})")
    if p.top_categories:
        parts.append("most of their spend on " + " and ".join(p.top_categories[:2]))
    if p.top_channels:
        parts.append("most of it through " + p.top_channels[0])
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "." if text else ""


# (the rule's test on the figures against the base, tone, offer): first match wins, as names.
# A starting point the marketer edits; each follows from a figure on the card.
_VOICES = (
    (lambda p, v: _stands_out(p, "discount_share", DISCOUNT_SHARE, DISCOUNT_LIFT),
     "Direct, value first", "Members' prices on what they already buy"),
    (lambda p, v: v.get("frequency", 1.0) <= 0.6 and v.get("tenure_days", 1.0) <= 0.4,
     "Welcoming and helpful", "Free delivery on their next order"),
    (lambda p, v: v.get("recency_days", 1.0) >= 1.8,
     "Warm, we have missed you", "A come-back offer: 15% off for the next 30 days"),
    (lambda p, v: v.get("frequency", 1.0) >= 1.8 and v.get("avg_order_value", 1.0) >= 1.3,
     "Appreciative, a little exclusive", "Early access to new arrivals"),
    (lambda p, v: v.get("frequency", 1.0) >= 1.3,
     "Friendly and familiar", "Double loyalty points on their next order"),
    (lambda p, v: v.get("avg_order_value", 1.0) >= 1.4,
     "Confident, quality first", "A hand-picked premium selection"),
)


def tone_and_offer(p: Persona) -> tuple[str, str]:
    """A first tone of voice and offer from the group's figures against the base."""
    if p.segment == NO_PURCHASES:
        return "Welcoming and helpful", "A welcome discount on a first order"
    for rule, tone, offer in _VOICES:
        if rule(p, p.versus_base):
            return tone, offer
    return "Friendly and practical", "Ideas for their next order"
