"""What the user does on the Personas screen: write the personas from the groups, edit a
card's wording, export the cards; and what a card shows (its lines and chart).

Personas are stored as plain dicts under the ``personas`` state (what the mail merge
reads); writing them again refreshes the figures and keeps every field typed by hand.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from app.actions import Action, segments
from core.personas.build import Persona
from core.personas.chart import comparison_figure
from core.personas.export import card_lines, write_personas
from core.steps.base import StepContext
from core.steps.registry import step

STEP = "personas"
# The card's editable fields, in order: the team's name, then what customers may read.
FIELDS = {"name": "Name (for the team)", "description": "Description", "tone": "Tone of voice",
          "offer": "Offer", "wording": "Words for customers", "notes": "Notes"}
SHORT = ("name", "tone", "offer")  # one line each; the others are a few lines


def waiting_for(doc) -> str | None:
    crm = doc.frame("crm")
    if crm is None:
        return "Import a customer list first."
    if "segment" not in crm.columns:
        return "Find customer groups first (Segments step): personas are written from them."
    return None


def personas(doc) -> list[Persona]:
    return [Persona(**d) for d in (doc.state(STEP) or {}).get("personas", [])]


def _store(doc, people: list[Persona], text: str) -> None:
    doc.set_state(STEP, {"personas": [asdict(p) for p in people]}, text)


def write(doc) -> Action | None:
    """Build one persona per group, as the personas step does after the segment step;
    fields the user typed are kept for groups still there."""
    if waiting_for(doc):
        return None
    cfg, frames, roles = segments.step_inputs(doc)
    old = {p.segment: p for p in personas(doc)}

    def work(ctx) -> list[Persona]:
        run = StepContext(parent=ctx)
        run.shared["feature_config"] = segments.feature_config(cfg, frames, roles)
        writer = step("personas")
        writer.run(frames, roles, writer.config(), run)
        return run.shared["personas"]

    def apply(built: list[Persona]) -> dict:
        kept = [replace(p, edited=old[p.segment].edited,
                        **{k: getattr(old[p.segment], k) for k in old[p.segment].edited})
                if p.segment in old else p for p in built]
        _store(doc, kept, "Write personas")
        return {"personas": len(kept), "kept_edits": sum(len(p.edited) for p in kept)}

    return Action("Writing personas…", work, apply)


def edit(doc, segment: str, field: str, text: str) -> dict:
    """One card field typed by hand (one undo step); a persona keeps a name."""
    if field not in FIELDS or (field == "name" and not text.strip()):
        return {}
    current = {p.segment: p for p in personas(doc)}.get(segment)
    if current is None or getattr(current, field) == text:
        return {}
    people = [replace(p, edited=sorted({*p.edited, field}), **{field: text})
              if p.segment == segment else p for p in personas(doc)]
    label = FIELDS[field].split(" (")[0].lower()
    _store(doc, people, f"Edit the persona's {label}")
    return {"segment": segment, "field": field}


def export(people: list[Persona], path: str | Path) -> Action:
    path = Path(path)
    return Action("Exporting cards…", lambda ctx: write_personas(people, path),
                  lambda _r: {"file": path.name})


def facts(persona: Persona) -> list[tuple[str, str]]:
    """The card's figure lines (its editable fields are shown apart)."""
    return [(label, text) for label, text in card_lines(persona)
            if label not in ("Tone of voice", "Offer", "Notes", "Words for customers")]


def draw(persona: Persona, figure) -> None:
    comparison_figure(persona, figure)
