"""A campaign as the project stores it: template versions plus the merge settings.

The Compose screen keeps this under the ``compose`` state key as plain JSON values, so
the project file, undo and recipes can hold it; these helpers turn it into the engine's
objects and back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from core.compose.merge import MergeConfig
from core.compose.template import Template

# Plain words only, no template code; the window greets by name with a rule block
# (app.actions.compose.starter).
STARTER = Template(
    subject="Thank you for shopping with us",
    text="Hello,\n\nThank you for shopping with us.\n\nKind regards,\nThe team\n",
)


@dataclass(frozen=True)
class Campaign:
    templates: dict[str, Template] = field(default_factory=lambda: {"A": STARTER})
    config: MergeConfig = MergeConfig()

    def to_state(self) -> dict:
        return {"templates": {k: asdict(t) for k, t in self.templates.items()},
                "config": self.config.to_dict()}

    @classmethod
    def from_state(cls, state: dict | None) -> Campaign:
        if not state:
            return cls()
        return cls({k: Template(**t) for k, t in state["templates"].items()},
                   MergeConfig.from_dict(state.get("config", {})))

    def with_template(self, name: str, template: Template) -> Campaign:
        """A copy with one version replaced (or added, which starts an A/B test)."""
        templates = {**self.templates, name: template}
        ab = self.config.ab
        if len(templates) > 1 and not ab:
            ab = {"variants": list(templates), "holdout": 0.1, "seed": 1, "stratify_by": "segment"}
        elif ab:
            ab = {**ab, "variants": list(templates)}
        return replace(self, templates=templates, config=replace(self.config, ab=ab))

    def without_template(self, name: str) -> Campaign:
        templates = {k: v for k, v in self.templates.items() if k != name} or {"A": STARTER}
        ab = {**self.config.ab, "variants": list(templates)} \
            if self.config.ab and len(templates) > 1 else None
        return replace(self, templates=templates, config=replace(self.config, ab=ab))
