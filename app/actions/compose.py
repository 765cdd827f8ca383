"""What the user does on the Compose screen: edit the message and its versions, insert a
field or a ready-made rule block, preview anyone, run the pre-export check.

The starter message uses plain merge fields only (``{{ greeting }}``, a rule block that
says "Dear Ava" or "Dear customer"), never ``default(...)``; fields are offered by the
roles of the columns (the same names for a German ``Vorname`` file and an English one);
the preview and its search show real people once the project key is unlocked.
"""

from __future__ import annotations

import weakref
from dataclasses import replace

import pandas as pd

from app.actions import Action
from app.actions import export as export_actions
from core.compose.campaign import Campaign
from core.compose.checks import INFO, PROBLEM, WARNING
from core.compose.merge import EXTRA_FIELDS, Merger, field_map, persona_map
from core.compose.rules import OPS, Rule, RuleBlock
from core.compose.template import Template
from core.errors import LocalReachError
from core.privacy.tokens import TOKEN_RE
from core.privacy.vault import reveal

__all__ = ["INFO", "OPS", "PROBLEM", "WARNING", "Rule", "RuleBlock", "Template"]
STEP = "compose"
SEARCH_ROLES = ("email", "first_name", "last_name", "full_name")
NAME_ROLES = ("first_name", "full_name")
_shown: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # doc -> (frame, unlocked, shown)


def waiting_for(doc) -> str | None:
    if doc.frame("crm") is None:
        return "Import a customer list first: the message is written for the people in it."
    return None


def _name_field(roles: dict[str, str], frame: pd.DataFrame) -> str | None:
    present = {r for c, r in roles.items() if c in frame.columns}
    return next((r for r in NAME_ROLES if r in present), None)


def starter(doc) -> Campaign:
    """The first message: a greeting by name when the list has names, no template code."""
    frame, roles = doc.frame("crm"), doc.roles("crm")
    name = _name_field(roles, frame) if frame is not None else None
    greeting = RuleBlock("greeting", (Rule(name, "is not empty", "", "Dear {{ " + name + " }}"),)
                         if name else (), "Dear customer")
    first = Campaign()
    template = first.templates["A"]
    template = replace(template, text=template.text.replace("Hello,", "{{ greeting }},", 1))
    return Campaign({"A": template}, replace(first.config, blocks=(greeting.to_dict(),)))


def campaign(doc) -> Campaign:
    state = doc.state(STEP)
    return Campaign.from_state(state) if state else starter(doc)


def store(doc, edited: Campaign, text: str = "Edit the message") -> dict:
    """The campaign as the widgets show it, as one undo step; what changed, or nothing."""
    state = edited.to_state()
    if state == doc.state(STEP):
        return {}
    doc.set_state(STEP, state, text)
    return {"versions": list(edited.templates)}


def add_version(doc, source: str) -> str:
    """A new A/B version, a copy of ``source``; returns its name."""
    current = campaign(doc)
    name = next(chr(c) for c in range(ord("A"), ord("Z") + 1) if chr(c) not in current.templates)
    template = current.templates.get(source) or next(iter(current.templates.values()))
    store(doc, current.with_template(name, template), f"Add version {name}")
    return name


def remove_version(doc, name: str) -> dict:
    return store(doc, campaign(doc).without_template(name), f"Remove version {name}")


def fields(doc) -> tuple[list[str], dict[str, str]]:
    """The insert-field menu: each column once, by its role's name when it has one (the same
    in every month's file), then LocalReach's own fields; and field -> the user's header."""
    frame, roles = doc.frame("crm"), doc.roles("crm")
    columns = field_map(frame, roles)
    by_role = {column: role for column, role in roles.items() if columns.get(role) == column}
    own = [f for f, column in columns.items() if by_role.get(column, f) == f]
    return [*own, *EXTRA_FIELDS], columns


def personas(doc) -> dict[str, dict]:
    return persona_map(doc.state("personas"))


# -- ready-made rule blocks -----------------------------------------------------------------
def block_menu(doc) -> list[tuple[str, RuleBlock]]:
    """Rule blocks worth inserting with this list: (menu words, block)."""
    frame = doc.frame("crm")
    out = [("Greeting with their name", RuleBlock.from_dict(starter(doc).config.blocks[0]))]
    people = personas(doc)
    if people:
        out.append(("Offer for each persona", RuleBlock(
            "offer", tuple(Rule("persona", "is", p.get("name", s), p.get("offer", ""))
                           for s, p in people.items() if p.get("offer")), "")))
    if frame is not None and "recency_days" in frame.columns:
        out.append(("A line for people who have not ordered for 90 days", RuleBlock(
            "come_back", (Rule("recency_days", ">", "90",
                               "It has been a while: we would love to see you again."),), "")))
    if frame is not None and "next_best_product" in frame.columns:
        out.append(("A product they may like", RuleBlock(
            "suggestion", (Rule("next_best_product", "is not empty", "",
                                "You may like our {{ next_best_product }}."),), "")))
    return [(label, block) for label, block in out if block]


# -- preview -------------------------------------------------------------------------------
def shown_frame(doc) -> pd.DataFrame | None:
    """The customer list as the preview shows it: real values in place of codes once the
    project key is unlocked (one audit row per reveal; nothing leaves the window)."""
    frame = doc.frame("crm")
    if frame is None:
        return None
    vault = export_actions.privacy(doc).get("vault") if export_actions.has_vault(doc) else None
    cached = _shown.get(doc)
    if cached and cached[0] is frame and cached[1] == (vault is not None):
        return cached[2]
    shown = frame
    if vault is not None:
        reveals: list[dict] = []
        shown = frame.copy()
        for column in frame.columns:
            text = frame[column].astype(str)
            if text.str.match(TOKEN_RE.pattern).any():
                shown[column] = reveal(vault, frame[column], purpose="preview",
                                       audit=reveals.append)
        export_actions.audit_reveals(doc, reveals)
    _shown[doc] = (frame, vault is not None, shown)
    return shown


def merger(doc, edited: Campaign, version: str) -> tuple[Merger | None, str]:
    """The preview's renderer for ``version`` as being typed, or the problem in words."""
    frame = shown_frame(doc)
    try:
        return Merger(frame, doc.roles("crm"), {version: edited.templates[version]},
                      export_actions.merge_config(doc, edited.config), personas(doc)), ""
    except LocalReachError as exc:
        return None, str(exc)


def find_people(doc, text: str) -> list:
    """Index labels of the people whose name or e-mail (by role) contains ``text``."""
    frame, roles = shown_frame(doc), doc.roles("crm")
    text = text.strip().lower()
    if frame is None or not text:
        return []
    columns = [c for c, r in roles.items() if r in SEARCH_ROLES and c in frame.columns]
    hit = pd.Series(False, index=frame.index)
    for c in columns:
        hit |= frame[c].astype(str).str.lower().str.contains(text, regex=False)
    return list(hit[hit].index)


def check(doc) -> Action:
    """The pre-export check on the merge Export runs (see app.actions.export)."""
    return export_actions.pre_export_check(doc)
