"""Customer-facing wording kept apart from the team's persona name, through export and merge."""

import json
from dataclasses import asdict, replace

import pandas as pd

from core.compose.merge import merge, persona_map
from core.compose.template import parse_template
from core.personas.build import Persona, build_personas
from core.personas.export import to_json, to_markdown

SEGMENTED = pd.DataFrame({
    "customer_id": ["c1", "c2", "c3"],
    "email": ["a@example.org", "b@example.org", "c@example.org"],
    "consent": ["yes", "yes", "yes"],
    "segment": ["Lost", "Lost", "Champions"],
    "frequency": ["1", "1", "9"], "monetary": ["20", "30", "900"],
    "recency_days": ["400", "380", "3"],
})
TEMPLATE = ("Subject: For you\n\n"
            "{{ persona_wording | default('Thank you for shopping with us.') }}\n")


def _personas() -> list[Persona]:
    built = {p.segment: p for p in build_personas(SEGMENTED)}
    assert built["Lost"].wording == "" and built["Lost"].name  # empty until someone writes it
    return [replace(built["Lost"], wording="We have kept your favourites for you."),
            built["Champions"]]


def test_wording_round_trips_and_old_cards_still_load():
    lost, champions = _personas()
    assert Persona(**asdict(lost)) == lost
    old = {k: v for k, v in asdict(champions).items() if k != "wording"}  # saved before
    assert Persona(**old).wording == ""
    text = to_markdown([lost, champions])
    assert "- **Words for customers:** We have kept your favourites for you." in text
    assert text.count("Words for customers") == 1


def test_template_renders_the_wording_or_its_default_never_the_internal_name():
    personas = persona_map(json.loads(to_json(_personas())))
    result = merge(SEGMENTED, {"email": "email", "consent": "consent"},
                   {"main": parse_template(TEMPLATE)}, personas=personas)
    texts = [m.text for m in result.messages]
    assert texts == ["We have kept your favourites for you.\n"] * 2 + [
        "Thank you for shopping with us.\n"]
    assert not any(personas["Lost"]["name"] in t for t in texts)
