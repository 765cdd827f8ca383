"""Personas: one card per customer group, every sentence written from a figure on it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from core.compose.merge import persona_map
from core.personas.build import build_personas
from core.personas.export import to_json
from core.segment.features import FeatureConfig
from core.steps.base import Skipped, Step, StepConfig, StepReport, step_context
from core.steps.segment import crm_id, linked_view, sales_view


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
        view = None
        if sales is not None:
            view = linked_view(sales_view(sales, roles.get("sales", {}), "Writing personas"),
                               crm, crm_roles, id_column, features.sales_id_column)
        personas = build_personas(crm, view, features, ctx)
        ctx.shared["personas"] = personas
        ctx.shared["persona_map"] = persona_map(json.loads(to_json(personas)))  # what merge reads
        names = ", ".join(p.name for p in personas[:3]) + (", ..." if len(personas) > 3 else "")
        return frames, StepReport(f"{len(personas)} personas ({names})", {"personas": len(personas)},
                                  {"personas": personas})
