"""Every shipped template, rendered on the demo: each branch fires for someone, and no
internal label (a segment or persona name) reaches customer copy."""

from pathlib import Path

import pandas as pd
import pytest

from core.compose.merge import MergeConfig, merge
from core.compose.template import load_template
from core.recipe import load_recipe, run_recipe

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "resources" / "templates"


@pytest.fixture(scope="module")
def demo_people(tmp_path_factory):
    """The shipped demo recipe's customers, segmented (RFM names), as the merge sees them."""
    recipe, base = load_recipe(ROOT / "resources" / "demo" / "recipe.toml")
    out = tmp_path_factory.mktemp("run")
    run_recipe(recipe, out, base=base)
    people = pd.read_csv(out / "customers.csv", dtype=str, keep_default_na=False)
    return people, {c: r for c, r in recipe.crm["roles"].items()}


def _bodies(people, roles, name, personas=None):
    result = merge(people, roles, {"main": load_template(TEMPLATES / name)}, MergeConfig(),
                   personas=personas)
    assert result.messages, name
    return [m.text for m in result.messages], result


def test_welcome_branches_each_fire_on_the_demo(demo_people):
    people, roles = demo_people
    texts, _ = _bodies(people, roles, "welcome.txt")
    for branch in ("You are one of our very best customers", "we miss you",
                   "Thank you for shopping with us"):
        assert sum(branch in t for t in texts) > 0, branch


def test_newsletter_shows_the_offer_never_the_internal_label(demo_people):
    people, roles = demo_people
    segments = sorted(set(people["segment"]))
    personas = {segments[0]: {"name": segments[0], "offer": "Your loyalty gift: free delivery."}}
    texts, result = _bodies(people, roles, "newsletter.html", personas)
    assert any("Your loyalty gift: free delivery." in t for t in texts)
    assert any("Here is what is new this season." in t for t in texts)
    for label in segments:
        assert not any(f"one of our {label}" in t for t in texts), label


def test_winback_renders_for_everyone_written_to(demo_people):
    people, roles = demo_people
    texts, result = _bodies(people, roles, "winback.txt")
    assert all("15% off your next order" in t for t in texts)
    assert len(texts) == result.summary()["written"]
