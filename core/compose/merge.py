"""The mail merge: recipients + template(s) + rules + recommendations -> one message each.

``merge(frame, templates, config, ...)`` is the pure step the CLI, the Export screen and
recipes share: it picks who may be contacted (:mod:`core.compose.audience`), assigns
A/B variants, builds each person's merge fields and renders their message. People left
out keep a reason; nothing is written here (see :mod:`core.compose.outputs`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from core.compose import abtest
from core.compose.audience import email_column, select
from core.compose.recommend import RecommendConfig, recommend
from core.compose.rules import RuleBlock, apply_blocks
from core.compose.template import Compiled, EmptyValue, Rendered, RenderError, Template, field_name
from core.jobs import JobContext, ensure_context

HOLDOUT = "hold-out group (not sent, kept for comparison)"
PERSONA_FIELDS = ("persona", "persona_tone", "persona_offer", "persona_description")
EXTRA_FIELDS = ("segment", "recommendations", "variant", *PERSONA_FIELDS)


@dataclass(frozen=True)
class MergeConfig:
    """Everything about a campaign except the templates (saved in recipes and projects)."""

    locale: str = "en_GB"
    sender: str = ""
    blocks: tuple[dict, ...] = ()  # RuleBlock.to_dict() of each rule table
    recommendations: int = 3
    segment_column: str = "segment"
    ab: dict | None = None  # asdict(abtest.ABConfig) when testing variants

    def to_dict(self) -> dict:
        return {**asdict(self), "blocks": [dict(b) for b in self.blocks]}

    @classmethod
    def from_dict(cls, d: dict) -> MergeConfig:
        return cls(**{**d, "blocks": tuple(d.get("blocks", ()))})


@dataclass
class Message:
    row: object  # index label of the recipient in the input frame
    to: str
    subject: str
    text: str
    html: str = ""
    variant: str = ""


@dataclass
class MergeResult:
    messages: list[Message]
    recipients: pd.DataFrame  # the rows written, in message order, with merge extras
    left_out: pd.Series  # index label -> reason, for everyone not written
    email_column: str
    sender: str = ""
    assignment: pd.DataFrame | None = None

    def summary(self) -> dict:
        reasons = {str(k): int(v) for k, v in self.left_out.value_counts().items()}
        return {"written": len(self.messages), "left_out": int(len(self.left_out)),
                "reasons": reasons}


class Merger:
    """Fields and compiled templates for one data set: renders any row (live preview)."""

    def __init__(self, frame: pd.DataFrame, roles: dict[str, str], templates: dict[str, Template],
                 config: MergeConfig = MergeConfig(), personas: dict | None = None,
                 recommendations: dict[str, list[str]] | None = None) -> None:
        self.config = config
        self.personas = personas or {}
        self.recommendations = recommendations
        self.columns = field_map(frame, roles)
        self.fields = [*self.columns, *EXTRA_FIELDS]
        blocks = [RuleBlock.from_dict(b) for b in config.blocks]
        self.compiled = {name: Compiled(apply_blocks(t, blocks), self.fields, config.locale)
                         for name, t in templates.items()}
        self._empty = {f: EmptyValue(name=f) for f in self.fields}
        self._id_column = id_column(frame, roles)

    def context(self, row, variant: str = "") -> dict:
        """The merge fields of one person: columns, role aliases, persona, products."""
        values = {f: row.get(c, "") for f, c in self.columns.items()}
        segment = str(row.get(self.config.segment_column, ""))
        persona = self.personas.get(segment, {})
        values.update({"persona": persona.get("name", ""), "persona_tone": persona.get("tone", ""),
                       "persona_offer": persona.get("offer", ""),
                       "persona_description": persona.get("description", ""), "variant": variant,
                       "segment": segment})
        key = str(row.get(self._id_column, "")) if self._id_column else ""
        products = (self.recommendations or {}).get(key, [])
        ctx = {f: (v if v not in ("", None) else self._empty[f]) for f, v in values.items()}
        ctx["recommendations"] = products or self._empty["recommendations"]
        return ctx

    def render(self, row, variant: str = "") -> Rendered:
        """``row`` is a Series or a dict of one person's cells."""
        compiled = self.compiled.get(variant) or next(iter(self.compiled.values()))
        return compiled.render(self.context(row, variant))


def field_map(frame: pd.DataFrame, roles: dict[str, str]) -> dict[str, str]:
    """Merge field -> column: every column by its own name, plus its role's name."""
    fields: dict[str, str] = {}
    for column in frame.columns:
        fields.setdefault(field_name(column), column)
    for column, role in roles.items():
        if column in frame.columns and role not in ("other", ""):
            fields.setdefault(role, column)
    for extra in EXTRA_FIELDS:
        fields.pop(extra, None)
    return fields


def merge(
    frame: pd.DataFrame,
    roles: dict[str, str],
    templates: dict[str, Template],
    config: MergeConfig = MergeConfig(),
    personas: dict | None = None,
    sales: pd.DataFrame | None = None,
    vault=None,
    audit=None,
    suppressed=None,
    ctx: JobContext | None = None,
) -> MergeResult:
    """Render one message per contactable person. ``templates`` maps variant -> template
    (one entry with any name when there is no A/B test). Raises TemplateError before any
    rendering when a template is unsafe or names unknown fields."""
    ctx = ensure_context(ctx)
    recipients, left_out = select(frame, roles, vault=vault, audit=audit, suppressed=suppressed)
    products = None
    if sales is not None and config.recommendations > 0:
        products = _recommendations(sales, recipients, roles, config, ctx)
    merger = Merger(frame, roles, templates, config, personas, products)
    assignment = None
    variants = pd.Series(next(iter(templates)), index=recipients.index, dtype=object)
    if config.ab:
        ab = abtest.ABConfig.from_dict(config.ab)
        ab = abtest.ABConfig(tuple(templates), ab.holdout, ab.seed, ab.stratify_by)
        variants = abtest.assign(recipients, ab)
        column = email_column(recipients, roles)
        assignment = pd.DataFrame({"email": recipients[column], "variant": variants})
        if ab.stratify_by in recipients.columns:
            assignment[ab.stratify_by] = recipients[ab.stratify_by]
        held = variants[variants == abtest.CONTROL].index
        left_out = pd.concat([left_out, pd.Series(HOLDOUT, index=held, dtype=object)])
        recipients = recipients.drop(index=held)
    column = email_column(recipients, roles)
    messages: list[Message] = []
    failed: dict[object, str] = {}
    total = len(recipients)
    sender = config.sender or next(iter(templates.values())).sender
    rows = recipients.to_dict("records")  # plain dicts: iterrows costs more than rendering
    for i, (label, row) in enumerate(zip(recipients.index, rows, strict=True)):
        if i % 500 == 0:
            ctx.progress(i, total, "Writing the messages")
        variant = str(variants.get(label, ""))
        try:
            out = merger.render(row, variant)
        except RenderError as exc:
            failed[label] = f"message could not be written: {exc}"
            continue
        messages.append(Message(label, row[column], out.subject, out.text, out.html,
                                variant if config.ab else ""))
    ctx.progress(total, total, "Writing the messages")
    if failed:
        left_out = pd.concat([left_out, pd.Series(failed, dtype=object)])
    kept = recipients.loc[[m.row for m in messages]]
    if products is not None:
        kept = kept.assign(recommendations=[
            "; ".join(products.get(str(k), [])) for k in _ids(kept, roles)])
    return MergeResult(messages, kept, left_out.sort_index(), column, sender, assignment)


def id_column(frame: pd.DataFrame, roles: dict[str, str]) -> str | None:
    """The customer id column (by role, else named ``customer_id``): links sales rows."""
    by_role = [c for c, r in roles.items() if r == "customer_id" and c in frame.columns]
    return by_role[0] if by_role else ("customer_id" if "customer_id" in frame.columns else None)


def _ids(frame: pd.DataFrame, roles: dict[str, str]) -> list[str]:
    column = id_column(frame, roles)
    return frame[column].astype(str).tolist() if column else [""] * len(frame)


def _recommendations(sales, recipients, roles, config, ctx) -> dict[str, list[str]]:
    segments = None
    column = id_column(recipients, roles)
    if column and config.segment_column in recipients.columns:
        segments = pd.Series(recipients[config.segment_column].to_numpy(),
                             index=recipients[column].astype(str))
        segments = segments[~segments.index.duplicated()]
    return recommend(sales, RecommendConfig(count=config.recommendations), segments, ctx)


def persona_map(data) -> dict[str, dict]:
    """Segment -> persona fields from a personas JSON (a list, or ``{"personas": [...]}``,
    or already a mapping); each persona names its ``segment`` and has a ``name``."""
    if isinstance(data, dict) and "personas" in data:
        data = data["personas"]
    if isinstance(data, dict):
        return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}
    out: dict[str, dict] = {}
    for persona in data or []:
        if isinstance(persona, dict) and "segment" in persona:
            out[str(persona["segment"])] = persona
    return out
