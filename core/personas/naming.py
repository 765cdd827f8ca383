"""Names and one-sentence descriptions for personas, from what sets each group apart.

Rules are checked in order, first match wins; each compares the group with everyone who
bought (``versus_base``: 2.0 = twice the average). Groups that already carry a marketer's
name (the RFM segments) keep it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.segment.pipeline import NO_PURCHASES

if TYPE_CHECKING:
    from core.personas.build import Persona


def name_for(p: Persona, seasonal: bool = False) -> str:
    """A name the marketer would use ("Loyal big spenders", "Drifting away", ...)."""
    if p.segment == NO_PURCHASES:
        return "Not bought yet"
    if not p.segment.startswith("Group "):
        return p.segment
    v, f = p.versus_base, p.figures
    orders, value = v.get("frequency", 1.0), v.get("avg_order_value", 1.0)
    recency = v.get("recency_days", 1.0)
    if f.get("discount_share", 0.0) >= 0.5 and v.get("discount_share", 0.0) >= 1.5:
        return "Bargain hunters"
    if orders <= 0.6 and v.get("tenure_days", 1.0) <= 0.4:
        return "New this quarter" if f.get("tenure_days", 999) <= 92 else "Newcomers"
    if seasonal:
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


def _compare(ratio: float, more: str, same: str) -> str:
    """'order 2.1x as often as average' or, within 15% of it, 'order about as often'."""
    return same if 0.85 < ratio < 1.15 else more.format(ratio)


def describe(p: Persona) -> str:
    """One plain sentence: how often, how much, what, where, and when they last bought."""
    if p.segment == NO_PURCHASES:
        return "In the customer list but no order is linked to them yet."
    v, f = p.versus_base, p.figures
    parts = [_compare(v.get("frequency", 1.0), "order {:.1f}x as often as average",
                      "order about as often as average"),
             _compare(v.get("avg_order_value", 1.0), "spend {:.1f}x as much per order",
                      "spend about the average per order")]
    if p.top_categories:
        parts.append("mostly " + " and ".join(p.top_categories[:2]))
    if p.top_channels:
        parts.append("mostly " + p.top_channels[0])
    if f.get("discount_share", 0.0) >= 0.5:
        parts.append(f"{f['discount_share']:.0%} of orders with a discount")
    text = ", ".join(parts)
    days = f.get("recency_days")
    if days is not None:
        text += f"; last order typically {days:.0f} days ago"
    return text[0].upper() + text[1:] + "."
