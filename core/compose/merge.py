"""The mail merge: recipients + template(s) + rules + recommendations -> one message each.

``merge(frame, templates, config, ...)`` is the pure step the CLI, the Export screen and
recipes share: it picks who may be contacted (:mod:`core.compose.audience`), assigns
A/B variants, builds each person's merge fields and renders their message. People left
out keep a reason; nothing is written here (see :mod:`core.compose.outputs`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from core.compose import abtest
from core.compose.audience import select, tokens_in
from core.compose.rules import RuleBlock, apply_blocks
from core.compose.template import Compiled, EmptyValue, Rendered, RenderError, Template, field_name
from core.errors import LocalReachError
from core.jobs import JobContext, ensure_context
from core.lookup import buyer_column, id_positions
from core.privacy.consent import ConsentSettings
from core.roles import person_key

HOLDOUT = "hold-out group (not sent, kept for comparison)"
PERSONA_FIELDS = ("persona", "persona_tone", "persona_offer", "persona_description",
                  "persona_wording")
EXTRA_FIELDS = ("segment", "recommendations", "variant", *PERSONA_FIELDS)
ADDRESS_ROLES = ("first_name", "last_name", "full_name", "company", "street", "postcode", "city",
                 "country")


@dataclass(frozen=True)
class MergeConfig:
    """Everything about a campaign except the templates (saved in recipes and projects)."""

    locale: str = "en_GB"
    sender: str = ""
    blocks: tuple[dict, ...] = ()  # RuleBlock.to_dict() of each rule table
    recommendations: int = 3
    segment_column: str = "segment"
    ab: dict | None = None  # asdict(abtest.ABConfig) when testing variants
    consent: dict | None = None  # ConsentSettings.to_dict(): what the user confirmed
    email_column: str = ""  # the user's choice; else the e-mail role
    letters: bool = False  # by post: recipients need a complete postal address
    region: str = ""  # the sender's country: letters abroad get a country line
    shop: str = ""  # the sender's name, for letters and their document properties
    sender_address: tuple[str, ...] = ()  # the sender block of letters, line by line

    def to_dict(self) -> dict:
        return {**asdict(self), "blocks": [dict(b) for b in self.blocks],
                "sender_address": list(self.sender_address)}

    @classmethod
    def from_dict(cls, d: dict) -> MergeConfig:
        return cls(**{**d, "blocks": tuple(d.get("blocks", ())),
                      "sender_address": tuple(d.get("sender_address", ()))})

    def consent_settings(self) -> ConsentSettings:
        settings = ConsentSettings.from_dict(self.consent)
        settings.channel = "post" if self.letters else "email"
        return settings


@dataclass
class Message:
    row: object  # index label of the recipient in the input frame
    to: str
    subject: str
    text: str
    html: str = ""
    variant: str = ""
    address: tuple[str, ...] = ()  # the postal address block, for letters


@dataclass
class MergeResult:
    messages: list[Message]
    recipients: pd.DataFrame  # the rows written, in message order, with merge extras
    left_out: pd.Series  # index label -> reason, for everyone not written
    email_column: str
    sender: str = ""
    assignment: pd.DataFrame | None = None
    person: pd.Series | None = None  # every input row's person (same value = same person)
    config: MergeConfig | None = None
    left_out_keys: pd.DataFrame | None = None  # id column and cluster of each row left out

    def summary(self) -> dict:
        """Messages written and people (not records) left out, by reason."""
        reasons = {str(k): int(v) for k, v in self.left_out.value_counts().items()}
        return {"written": len(self.messages), "left_out": int(len(self.left_out)),
                "reasons": reasons}


class Merger:
    """Fields and compiled templates for one data set: renders any row (live preview)."""

    def __init__(self, frame: pd.DataFrame, roles: dict[str, str], templates: dict[str, Template],
                 config: MergeConfig = MergeConfig(), personas: dict | None = None) -> None:
        self.config = config
        self.personas = personas or {}
        self.columns = field_map(frame, roles)
        self.fields = [*self.columns, *EXTRA_FIELDS]
        blocks = [RuleBlock.from_dict(b) for b in config.blocks]
        self.compiled = {name: Compiled(apply_blocks(t, blocks), self.fields, config.locale)
                         for name, t in templates.items()}
        self._empty = {f: EmptyValue(name=f) for f in self.fields}
        self._fields_of: dict[str, list[str]] = {}  # column -> the fields it is
        for f, c in self.columns.items():
            self._fields_of.setdefault(c, []).append(f)
        self._personas: dict[str, dict] = {}  # segment -> its persona fields, made once

    def context(self, row, variant: str = "", products: list[str] | None = None) -> dict:
        """The merge fields of one person: columns, role aliases, persona, the products
        to recommend to them. A field whose column the row lacks or leaves empty is an
        EmptyValue."""
        ctx = dict(self._empty)
        for c, value in row.items():
            value = _cell(value)
            if value not in ("", None):
                for f in self._fields_of.get(c, ()):
                    ctx[f] = value
        segment = str(row.get(self.config.segment_column, ""))
        ctx.update(self._persona_fields(segment))
        if variant:
            ctx["variant"] = variant
        ctx["recommendations"] = products or self._empty["recommendations"]
        return ctx

    def _persona_fields(self, segment: str) -> dict:
        fields = self._personas.get(segment)
        if fields is None:
            persona = self.personas.get(segment, {})
            values = {"persona": persona.get("name", ""), "persona_tone": persona.get("tone", ""),
                      "persona_offer": persona.get("offer", ""),
                      "persona_description": persona.get("description", ""),
                      "persona_wording": persona.get("wording", ""), "segment": segment}
            fields = self._personas[segment] = {f: v for f, v in values.items() if v not in ("", None)}
        return fields

    def render(self, row, variant: str = "", products: list[str] | None = None) -> Rendered:
        """``row`` is a Series or a dict of one person's cells."""
        compiled = self.compiled.get(variant) or next(iter(self.compiled.values()))
        return compiled.render(self.context(row, variant, products))


def _cell(value):
    """A figure as a person reads it: 4.0 orders print as 4, a missing figure is empty."""
    if isinstance(value, float):
        return "" if math.isnan(value) else int(value) if value.is_integer() else value
    return value


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
    recipients, left_out, person = select(
        frame, roles, vault=vault, audit=audit, suppressed=suppressed,
        consent=config.consent_settings(), email=config.email_column or None,
        letters=config.letters, needed=_needed_columns(frame, roles, templates, config))
    products = None
    if sales is not None and config.recommendations > 0:
        ctx.progress(0, 1, "Choosing products to recommend")
        products = _recommendations(sales, frame, recipients, person, roles, config)
    merger = Merger(recipients if len(recipients) else frame, roles, templates, config, personas)
    assignment = None
    variants = pd.Series(next(iter(templates)), index=recipients.index, dtype=object)
    if config.ab:
        ab = abtest.ABConfig.from_dict(config.ab)
        ab = abtest.ABConfig(tuple(templates), ab.holdout, ab.seed, ab.stratify_by)
        variants = abtest.assign(recipients, ab)
        column = _address_column(recipients, roles, config)
        assignment = pd.DataFrame({"email": recipients[column], "variant": variants})
        if ab.stratify_by in recipients.columns:
            assignment[ab.stratify_by] = recipients[ab.stratify_by]
        held = variants[variants == abtest.CONTROL].index
        left_out = pd.concat([left_out, pd.Series(HOLDOUT, index=held, dtype=object)])
        if products is not None:
            products = [p for p, h in zip(products, recipients.index.isin(held), strict=True) if not h]
        recipients = recipients.drop(index=held)
    column = _address_column(recipients, roles, config)
    address = _addresses(recipients, roles, config)
    messages: list[Message] = []
    failed: dict[object, str] = {}
    total = len(recipients)
    sender = config.sender or next(iter(templates.values())).sender
    rows = recipients[_row_columns(recipients, merger, column)].to_dict("records")
    variant_of = (variants.reindex(recipients.index, fill_value="").astype(str).tolist()
                  if recipients.index.is_unique else [str(variants.get(label, "")) for label in recipients.index])
    picks = products if products is not None else [None] * total
    written: list[int] = []  # positions in recipients
    for i, (label, row, variant) in enumerate(zip(recipients.index, rows, variant_of, strict=True)):
        if i % 500 == 0:
            ctx.progress(i, total, "Writing the messages")
        try:
            out = merger.render(row, variant, picks[i])
        except RenderError as exc:
            failed[label] = f"message could not be written: {exc}"
            continue
        if tokens_in(out.subject) or tokens_in(out.text):
            raise LocalReachError("A pseudonym would reach a message: a field the template uses "
                                  "has no real value in the vault; nothing was written.")
        messages.append(Message(label, row.get(column, ""), out.subject, out.text, out.html,
                                variant if config.ab else "", address.get(label, ())))
        written.append(i)
    ctx.progress(total, total, "Writing the messages")
    if failed:
        left_out = pd.concat([left_out, pd.Series(failed, dtype=object)])
    kept = recipients.iloc[written]
    if products is not None:
        kept = kept.assign(recommendations=["; ".join(products[i]) for i in written])
    left_out = left_out.sort_index()
    return MergeResult(messages, kept, left_out, column, sender, assignment, person, config,
                       _keys(frame, roles, left_out.index))


def _row_columns(recipients: pd.DataFrame, merger: Merger, address_column: str) -> list[str]:
    """The columns a message reads: its templates' fields (rule blocks included), the
    segment, the id and the address. Plain dicts of these only: iterrows costs more than
    rendering, and a dict of every column costs more than the few a template shows."""
    from core.compose.template import fields_used

    used = {f for c in merger.compiled.values() for part in c.template.parts().values()
            for f in fields_used(part)}
    wanted = {c for f, c in merger.columns.items() if f in used}
    wanted |= {merger.config.segment_column, address_column}
    return [c for c in recipients.columns if c in wanted]


def _keys(frame: pd.DataFrame, roles: dict[str, str], labels) -> pd.DataFrame:
    """The id column's value and the person's cluster for rows left out: what the user
    needs to find them in their own file (no personal data)."""
    keys = pd.DataFrame(index=labels)
    column = id_column(frame, roles)
    present = [label for label in labels if label in frame.index]
    if column:
        keys["id"] = frame.loc[present, column].astype(str)
    if "cluster_id" in frame.columns:
        keys["cluster_id"] = frame.loc[present, "cluster_id"].astype(str)
    return keys.fillna("")


def _address_column(recipients, roles, config) -> str:
    from core.compose.audience import email_column

    if config.letters:
        return next((c for c, r in roles.items() if r == "postcode" and c in recipients), "")
    return email_column(recipients, roles, config.email_column or None)


def _addresses(recipients, roles, config) -> dict:
    if not config.letters:
        return {}
    from core.compose.postal import address_blocks

    return address_blocks(recipients, roles, config.region)


def _fields_used(templates: dict[str, Template]) -> set[str]:
    from core.compose.template import fields_used

    return {f for t in templates.values() for part in t.parts().values() for f in fields_used(part)}


def _needed_columns(frame, roles, templates, config) -> set[str]:
    """Columns a message shows: the templates' fields, and the address for letters."""
    columns = field_map(frame, roles)
    needed = {columns[f] for f in _fields_used(templates) if f in columns}
    if config.letters:
        needed |= {c for c, r in roles.items() if r in ADDRESS_ROLES}
    return needed



def id_column(frame: pd.DataFrame, roles: dict[str, str]) -> str | None:
    """The customer id column (by role, else named ``customer_id``): links sales rows."""
    by_role = [c for c, r in roles.items() if r == "customer_id" and c in frame.columns]
    return by_role[0] if by_role else ("customer_id" if "customer_id" in frame.columns else None)


def _recommendations(sales, frame, recipients, person, roles, config) -> list[list[str]]:
    """The products for each recipient, in their order (not by id: recipients without
    one shared a single entry). Where the segment step ran, what it picked
    (``next_products``, which a message may show too); else picked the same way
    (:func:`core.segment.recommend.product_picks`) from the sales lines: what goes with
    what the person bought -- through any of their records -- then what their segment
    buys most; the lines read as the segment step reads them (trimmed, nothing given back)."""
    from core.segment.features import bought_lines, clean_text
    from core.segment.recommend import COUNT, SEPARATOR, outside_buyers, product_picks

    key = person_key(roles, frame.columns)  # a list without ids is keyed by its e-mail
    column = id_column(frame, roles) or (key[0] if key else None)
    customer = buyer_column(sales.columns)
    if not column or customer is None or "product" not in sales.columns:
        return [[] for _ in range(len(recipients))]
    picked = recipients.get("next_products")
    if (picked is not None and config.recommendations <= COUNT
            and not sales["product"].astype(str).str.contains(SEPARATOR, regex=False).any()):
        text = picked.fillna("").astype(str)
        return [[p for p in t.split(SEPARATOR) if p][:config.recommendations] for t in text]
    sales = bought_lines(sales).reset_index(drop=True)
    found = id_positions(frame[column], sales[customer])  # an empty id links no one
    buyer = np.append(person.astype(str).to_numpy(), "").astype(object)[found]  # -1: no one yet
    outside = np.flatnonzero(found < 0)
    buyer[outside] = outside_buyers(sales, outside)
    lines = pd.DataFrame({"person": buyer, "product": clean_text(sales["product"]).to_numpy()})
    segments = (recipients[config.segment_column].to_numpy()
                if config.segment_column in recipients.columns else None)
    picks = product_picks(lines, pd.Index(person[recipients.index].astype(str)),
                          config.recommendations, groups=segments)
    return picks


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
