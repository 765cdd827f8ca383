"""Merge: one personalised message per person who may be contacted.

Templates are loaded from ``template``/``templates`` (relative to ``ctx.base``), or written
in the recipe itself (``inline_templates``: the window's Compose versions); merge
fields exist under the file's own headers and under role names, so one template serves a
``Vorname`` file and a ``First Name`` file alike. Personas (``persona_map``), the vault
and a suppression list come from earlier steps or the caller through ``ctx.shared``; the result (written
by the caller) is ``ctx.shared["merge_result"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from core.compose.checks import plural
from core.compose.merge import MergeConfig, merge
from core.compose.template import Template, load_template
from core.errors import LocalReachError
from core.lookup import buyer_column
from core.privacy.consent import ConsentSettings
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
from core.steps.segment import line_amounts, role_named

TEMPLATE_PARTS = tuple(f.name for f in fields(Template))  # subject, text, html, sender


@dataclass
class MergeStepConfig(StepConfig):
    """:class:`core.compose.merge.MergeConfig`'s settings plus the templates -- files, or
    ``inline_templates`` (version name -> subject, text, html, sender) so a recipe made
    from a project is one file -- and how the messages are written."""

    template: str = ""
    templates: list[str] = field(default_factory=list)
    inline_templates: dict[str, dict] = field(default_factory=dict)
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

    def __post_init__(self) -> None:
        where = "[steps.merge] inline_templates"
        if self.inline_templates and self.files():
            raise LocalReachError(f"{where}: give the templates either as files (template, "
                                  "templates) or written in the recipe, not both.")
        for name, parts in self.inline_templates.items():
            if not isinstance(parts, dict):
                raise LocalReachError(f"{where}.{name}: expected a table with subject and text.")
            for key, value in parts.items():
                if key not in TEMPLATE_PARTS:
                    raise LocalReachError(f"{where}.{name}: unknown part '{key}'; use "
                                          f"{', '.join(TEMPLATE_PARTS)}.")
                if not isinstance(value, str):
                    raise LocalReachError(f"{where}.{name}.{key}: expected text.")
            if not parts.get("subject", "").strip():
                raise LocalReachError(f"{where}.{name}: no subject; add subject = \"...\".")
            if not (parts.get("text") or parts.get("html")):
                raise LocalReachError(f"{where}.{name}: no message; add text = \"...\".")

    def files(self) -> list[str]:
        return list(self.templates) or ([self.template] if self.template else [])

    def load_templates(self, base) -> dict:
        """Version name -> template, from the recipe's own text or its files."""
        if self.inline_templates:
            return {name: Template(**parts) for name, parts in self.inline_templates.items()}
        if not self.files():
            raise Skipped("no template in the recipe ([steps.merge] template = \"...\")")
        return load_templates(self.files(), base)

    def merge_config(self) -> MergeConfig:
        return MergeConfig.from_dict(self.values_for(MergeConfig))


def project_settings(config: MergeConfig, consent: dict | None, fmt: str, region: str = "") -> MergeConfig:
    """A campaign's ``config`` as a project exports it -- the project's consent answers,
    its region when the campaign names none (the sender's country: a letter abroad gets a
    country line), Word files as letters by post -- so Export and the project's recipe
    write the same messages."""
    return replace(config, consent=ConsentSettings.from_dict(consent).to_dict(),
                   region=config.region or region, letters=config.letters or fmt == "docx")


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
    if "amount" not in view.columns and "unit_price" in view.columns:  # what was given back
        view["amount"] = line_amounts(sales, roles, "Recommending products")
    return view if buyer_column(view.columns) and "product" in view.columns else None


class MergeStep(Step, id="merge", config=MergeStepConfig):

    def arguments(self, frames: Frames, roles: Roles, config: MergeStepConfig,
                  ctx: StepContext) -> tuple[tuple, dict]:
        """:func:`merge`'s arguments as this step gives them -- the people, the templates,
        the settings, the personas, the sales lines to recommend from -- and its privacy
        keywords (vault, audit, suppressed): the window's pre-export check runs the very
        merge the step runs."""
        templates = ctx.shared.get("templates")
        if templates is None:
            templates = config.load_templates(ctx.base)
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
        note = (f"{plural(summary['written'], 'message')} (.{config.format}), "
                f"{plural(summary['left_out'], 'person', 'people')} left out")
        return frames, StepReport(note, {"written": summary["written"], "left_out": summary["left_out"]},
                                  {"summary": summary, "templates": list(positional[2])})
