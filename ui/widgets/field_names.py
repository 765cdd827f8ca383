"""Plain labels for merge fields and the figures LocalReach adds ("Chance still active"),
with the code name kept for the tooltip and for what is typed into a template."""

from __future__ import annotations

import re

from ui.widgets.role_names import ROLE_LABELS

FIELD_LABELS = {
    "segment": "Group",
    "rfm_segment": "Named segment",
    "rfm_score": "Recency, frequency and spend scores",
    "recency_days": "Days since last order",
    "frequency": "Number of orders",
    "orders": "Number of orders",
    "monetary": "Total spent",
    "avg_order_value": "Average order value",
    "tenure_days": "Days since first order",
    "p_active": "Chance still active",
    "churn_risk": "Risk of not buying again",
    "lifetime_value": "Predicted value next 12 months",
    "next_products": "Products they may like",
    "next_best_product": "Best product to suggest",
    "recommendations": "Recommended products",
    "variant": "A/B version",
    "persona": "Persona name",
    "persona_tone": "Persona tone of voice",
    "persona_offer": "Persona offer",
    "persona_description": "Persona description",
    "cluster_id": "Person number (duplicates merged)",
    **{str(role): label for role, label in ROLE_LABELS.items()},
}
_HORIZON = re.compile(r"^(value|expected_orders)_(\d+)d$")


def _period(days: int) -> str:
    return "12 months" if days == 365 else f"{days} days"


def field_label(name: str, columns: dict[str, str] | None = None) -> str:
    """The words for field ``name``; ``columns`` maps a field to the user's own column header."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    horizon = _HORIZON.match(name)
    if horizon:
        what = "Predicted value" if horizon.group(1) == "value" else "Expected orders"
        return f"{what} next {_period(int(horizon.group(2)))}"
    if columns and name in columns:
        return str(columns[name])
    return name.replace("_", " ").capitalize()


def field_tooltip(name: str) -> str:
    return "In a template: {{ " + name + " }}"
