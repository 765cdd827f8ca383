"""Personas: one card per customer group, every sentence written from a figure on it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from core.compose.merge import persona_map
from core.personas.build import build_personas
from core.personas.export import to_json
from core.roles import Role
from core.segment.features import FeatureConfig
from core.steps.base import Skipped, Step, StepConfig, StepReport, column_of, step_context
from core.steps.segment import FEATURES, crm_id, linked_view, sales_view
from core.vendors.orders import orders_export


@dataclass
class PersonasConfig(StepConfig):
    """``formats`` the cards are saved in by a run; ``id_column``, unless set, is the one
    the segment step counted people by (an e-mail column when the sales lines name
    buyers by e-mail), else the customer id's role."""

    formats: list[str] = field(default_factory=lambda: ["json"])
    id_column: str | None = None


class PersonasStep(Step, id="personas", config=PersonasConfig):

    def run(self, frames, roles, config: PersonasConfig, ctx):  # typed on Step.run
        ctx = step_context(ctx)
        crm, crm_roles = frames["crm"], roles.get("crm", {})
        if "segment" not in crm.columns:
            raise Skipped("needs the segment step")
        features = ctx.shared.get("feature_config")  # the segment step's, when it ran
        id_column = crm_id(crm, crm_roles, config.id_column or (features and features.id_column),
                           "Writing personas")
        features = features or FeatureConfig(id_column=id_column)
        sales = frames.get("sales")
        built = ctx.shared.pop(FEATURES, None)  # the segment step's, while its frames are these
        reused = built.features if built is not None and built.reusable(crm, sales, features) else None
        view = None
        if reused is not None:
            view = _currency_view(sales, roles.get("sales", {}))
        elif sales is not None:
            view = linked_view(sales_view(sales, roles.get("sales", {}), "Writing personas"),
                               crm, crm_roles, id_column, features.sales_id_column)
        personas = build_personas(crm, view, features, ctx, reused)
        ctx.shared["personas"] = personas
        ctx.shared["persona_map"] = persona_map(json.loads(to_json(personas)))  # what merge reads
        names = ", ".join(p.name for p in personas[:3]) + (", ..." if len(personas) > 3 else "")
        return frames, StepReport(f"{len(personas)} personas ({names})", {"personas": len(personas)},
                                  {"personas": personas})


def _currency_view(sales: pd.DataFrame, roles: dict[str, str]) -> pd.DataFrame:
    """The currency column :func:`sales_view` would give (all build_personas reads of the
    sales lines when it has their features), without copying the other columns."""
    column = "currency" if "currency" in sales.columns or orders_export(sales.columns) is not None \
        else column_of(roles, Role.CURRENCY, sales)
    return pd.DataFrame({"currency": sales[column]} if column in sales.columns else {}, index=sales.index)
