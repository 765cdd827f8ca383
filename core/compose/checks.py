"""The check before any export: what will go wrong, for whom, before anything is written.

Each :class:`CheckItem` is one line for the check list, with the rows concerned so the
Compose screen can jump to them: template problems (unknown fields with "did you mean",
unsafe code), people whose message cannot be written and why (an empty field with no
default, ...), recipients per variant and persona, people left out and why, and
personal data in a place it should not be (subject lines, leftover tokens).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from core.compose.merge import EXTRA_FIELDS, MergeConfig, MergeResult, field_map, merge
from core.compose.rules import RuleBlock, apply_blocks
from core.compose.template import Template, fields_used, lint
from core.errors import LocalReachError
from core.jobs import JobContext
from core.privacy.tokens import TOKEN_RE

PROBLEM, WARNING, INFO = "problem", "warning", "info"
SENSITIVE_ROLES = {"email", "phone", "street", "postcode", "date_of_birth", "gender"}
_TOKEN_ANYWHERE = re.compile(TOKEN_RE.pattern.strip("^$"))


@dataclass(frozen=True)
class CheckItem:
    level: str  # problem (export blocked or people lost) / warning / info
    text: str
    rows: tuple = field(default=())  # index labels of the people concerned


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 message", "2 messages": a count with its noun, as people write it."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def check_merge(
    frame: pd.DataFrame,
    roles: dict[str, str],
    templates: dict[str, Template],
    config: MergeConfig = MergeConfig(),
    personas: dict | None = None,
    sales: pd.DataFrame | None = None,
    ctx: JobContext | None = None,
    **privacy,
) -> tuple[list[CheckItem], MergeResult | None]:
    """Everything the user should know before exporting, most serious first, found on the
    very merge an export runs (``privacy``: the ``vault``, ``suppressed`` and ``audit``
    arguments of :func:`merge`), and that merge's result, so the check's counts are the
    export's; None when a template problem stops it first."""
    fields = [*field_map(frame, roles), *EXTRA_FIELDS]
    blocks = [RuleBlock.from_dict(b) for b in config.blocks]
    items: list[CheckItem] = []
    for name, template in templates.items():
        label = f"Version {name}: " if len(templates) > 1 else ""
        try:
            problems = lint(apply_blocks(template, blocks), fields)
        except LocalReachError as exc:
            problems = [str(exc)]
        items += [CheckItem(PROBLEM, label + p[0].upper() + p[1:]) for p in problems]
    if items:
        return items, None
    try:
        result = merge(frame, roles, templates, config, personas, sales, ctx=ctx, **privacy)
    except LocalReachError as exc:
        return [CheckItem(PROBLEM, str(exc))], None
    reasons = result.left_out
    failed = reasons[reasons.str.startswith("message could not be written")]
    for reason, rows in failed.groupby(failed, sort=False):
        why = reason.removeprefix("message could not be written: ")
        items.append(CheckItem(PROBLEM, f"{plural(len(rows), 'person', 'people')} will get no "
                                        f"message: {why}. Add a default or fill the field.",
                               tuple(rows.index)))
    items += _personal_data(result, roles, templates)
    n = len(result.messages)
    if n:
        items.append(CheckItem(INFO, f"{plural(n, 'message')} will be written.",
                               tuple(m.row for m in result.messages)))
    else:
        items.insert(0, CheckItem(PROBLEM, "No message will be written: nobody in the list may be "
                                           "contacted with a usable address."))
    if config.ab:
        counts = pd.Series([m.variant for m in result.messages]).value_counts().sort_index()
        held = int((reasons == "hold-out group (not sent, kept for comparison)").sum())
        parts = [f"version {k}: {v:,}" for k, v in counts.items()] + [f"hold-out: {held:,}"]
        items.append(CheckItem(INFO, "People per version: " + ", ".join(parts) + "."))
    if personas:
        seg = result.recipients.get(config.segment_column, pd.Series(dtype=str)).astype(str)
        names = seg.map(lambda s: personas.get(s, {}).get("name", "no persona"))
        parts = [f"{k}: {v:,}" for k, v in names.value_counts().items()]
        items.append(CheckItem(INFO, "People per persona: " + ", ".join(parts) + "."))
    others = reasons.drop(failed.index)
    for reason, rows in others.groupby(others, sort=False):
        items.append(CheckItem(INFO, f"{plural(len(rows), 'person', 'people')} left out: "
                                     f"{reason}.", tuple(rows.index)))
    return items, result


def _personal_data(result, roles: dict[str, str], templates: dict[str, Template]) -> list[CheckItem]:
    items = []
    sensitive = {f for f, r in roles.items() if r in SENSITIVE_ROLES}
    sensitive |= {r for r in roles.values() if r in SENSITIVE_ROLES}
    sensitive = {re.sub(r"\W+", "_", s.lower()) for s in sensitive}
    for template in templates.values():
        shown = sorted(fields_used(template.subject) & sensitive)
        if shown:
            items.append(CheckItem(WARNING, f"The subject line shows {', '.join(shown)}: subject "
                                            "lines appear on lock screens and in shared inboxes; "
                                            "move it into the body."))
    tokens = [m.row for m in result.messages
              if _TOKEN_ANYWHERE.search(m.subject) or _TOKEN_ANYWHERE.search(m.text)
              or _TOKEN_ANYWHERE.search(m.html)]
    if tokens:
        items.append(CheckItem(PROBLEM, f"Pseudonymised codes instead of real values in "
                                        f"{plural(len(tokens), 'message')}; reveal them from the "
                                        "vault or take the field out.", tuple(tokens)))
    return items
