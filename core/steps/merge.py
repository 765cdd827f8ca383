"""Merge: one personalised message per person who may be contacted.

Templates are loaded from ``template``/``templates`` (relative to ``ctx.base``); merge
fields exist under the file's own headers and under role names, so one template serves a
``Vorname`` file and a ``First Name`` file alike. Personas (``persona_map``), the vault
and a suppression list come from earlier steps or the caller through ``ctx.shared``; the result (written
by the caller) is ``ctx.shared["merge_result"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.compose.merge import MergeConfig, merge
from core.compose.template import load_template
from core.steps.base import (
    Frames,
    Roles,
    Skipped,
    Step,
    StepConfig,
    StepContext,
    StepReport,
    step_context,
)
from core.steps.segment import role_named

OUTPUT_SETTINGS = ("template", "templates", "format", "one_file_each")


@dataclass
class MergeStepConfig(StepConfig):
    """:class:`core.compose.merge.MergeConfig`'s settings plus the template files and how
    the messages are written."""

    template: str = ""
    templates: list[str] = field(default_factory=list)
    format: str = "csv"
    one_file_each: bool = False
    locale: str = MergeConfig.locale
    sender: str = ""
    blocks: list[dict] = field(default_factory=list)
    recommendations: int = MergeConfig.recommendations
    segment_column: str = MergeConfig.segment_column
    ab: dict | None = None
    consent: dict | None = None
    email_column: str = ""
    letters: bool = False
    region: str = ""
    shop: str = ""
    sender_address: list[str] = field(default_factory=list)

    def files(self) -> list[str]:
        return list(self.templates) or ([self.template] if self.template else [])

    def merge_config(self) -> MergeConfig:
        return MergeConfig.from_dict(self.values_for(MergeConfig))


def load_templates(files: list[str], base) -> dict:
    """Variant name -> template: 'main' for one, 'A', 'B', ... for an A/B test."""
    from pathlib import Path

    names = [chr(ord("A") + i) for i in range(len(files))] if len(files) > 1 else ["main"]
    paths = [Path(f).expanduser() for f in files]
    return {n: load_template(p if p.is_absolute() else Path(base) / p)
            for n, p in zip(names, paths, strict=True)}


def recommendation_sales(sales, roles: dict[str, str]):
    """The sales lines to recommend products from, role-named; None when they name no
    customer or no product (a history of dates and amounts has nothing to recommend)."""
    if sales is None:
        return None
    view = role_named(sales, roles)
    customer = "customer_id" in view.columns or "matched_id" in view.columns
    return view if customer and "product" in view.columns else None


class MergeStep(Step, id="merge", config=MergeStepConfig):

    def arguments(self, frames: Frames, roles: Roles, config: MergeStepConfig,
                  ctx: StepContext) -> tuple[tuple, dict]:
        """:func:`merge`'s arguments as this step gives them -- the people, the templates,
        the settings, the personas, the sales lines to recommend from -- and its privacy
        keywords (vault, audit, suppressed): the window's pre-export check runs the very
        merge the step runs."""
        templates = ctx.shared.get("templates")
        if templates is None:
            if not config.files():
                raise Skipped("no template in the recipe ([steps.merge] template = \"...\")")
            templates = load_templates(config.files(), ctx.base)
        positional = (frames["crm"], roles.get("crm", {}), templates, config.merge_config(),
                      ctx.shared.get("persona_map"),
                      recommendation_sales(frames.get("sales"), roles.get("sales", {})))
        return positional, {k: ctx.shared.get(k) for k in ("vault", "audit", "suppressed")}

    def run(self, frames, roles, config: MergeStepConfig, ctx):  # typed on Step.run
        ctx = step_context(ctx)
        positional, privacy = self.arguments(frames, roles, config, ctx)
        result = merge(*positional, **privacy, ctx=ctx)
        ctx.shared["merge_result"] = result
        summary = result.summary()
        note = f"{summary['written']:,} messages (.{config.format}), {summary['left_out']:,} people left out"
        return frames, StepReport(note, {"written": summary["written"], "left_out": summary["left_out"]},
                                  {"summary": summary, "templates": list(positional[2])})
