"""A recipe carries the window's message in its own text (``[steps.merge.inline_templates]``):
saved and loaded, every character comes back (a line end as \\n, which renders the same),
and a broken table is one clear line."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from core.compose.campaign import Campaign
from core.compose.merge import Merger
from core.compose.template import Template
from core.errors import LocalReachError
from core.recipe import load_recipe, recipe_from_project, save_recipe
from core.steps.registry import step

TRICKY = Template(
    subject='Our "spring" offer \\ 20 % off',
    text='Dear {{ first_name }},\n\n\tIndented, a quote """ and \\n as text; trailing space \n'
         "Grüße aus Köln – 😀\r\nKind regards\n\n",
    html="<p>Hello {{ first_name }}</p>\n",
    sender="Shop <shop@example.org>",
)


def _templates(recipe) -> dict:
    """The recipe's templates as the merge step loads them."""
    return step("merge").config(recipe.config("merge")).load_templates(".")


def _tree(campaign: Campaign, **state) -> dict:
    return {"sources": {"crm": {"path": "crm.csv"}}, "roles": {},
            "state": {"compose": campaign.to_state(), "export": {"format": "csv"}, **state}}


def test_the_message_comes_back_to_the_letter(tmp_path):
    campaign = Campaign({"A": TRICKY})
    save_recipe(recipe_from_project(_tree(campaign)), tmp_path / "r.toml")
    text = (tmp_path / "r.toml").read_text(encoding="utf-8")
    assert "\nGrüße aus Köln" in text  # written as lines, not one escaped string
    recipe, _ = load_recipe(tmp_path / "r.toml")
    # TOML reads a line end as \n; the template engine renders \r\n as \n anyway
    back = replace(TRICKY, text=TRICKY.text.replace("\r\n", "\n"))
    assert _templates(recipe) == {"A": back}
    person = {"first_name": "Jürgen"}
    frame = pd.DataFrame([person])
    assert Merger(frame, {}, {"A": back}).render(person) == Merger(frame, {}, {"A": TRICKY}).render(person)


def test_both_versions_of_an_ab_test_and_the_export_settings(tmp_path):
    b = Template("Last chance", "Hello {{ first_name }},\n\nOnly today.\n")
    campaign = Campaign({"A": TRICKY}).with_template("B", b)
    tree = _tree(campaign, consent={"polarity": {"Newsletter": "opt-in"}}, export={"format": "docx"})
    save_recipe(recipe_from_project(tree), tmp_path / "r.toml")
    recipe, _ = load_recipe(tmp_path / "r.toml")
    merge = recipe.config("merge")
    assert list(merge["inline_templates"]) == ["A", "B"]
    assert _templates(recipe) == {"A": replace(TRICKY, text=TRICKY.text.replace("\r\n", "\n")), "B": b}
    assert merge["ab"] == {"variants": ["A", "B"], "holdout": 0.1, "seed": 1, "stratify_by": "segment"}
    assert merge["consent"] == {"polarity": {"Newsletter": "opt-in"}, "without_consent": False,
                                "channel": "email"}
    assert (merge["format"], merge["letters"]) == ("docx", True)  # Word files are letters by post


def test_a_campaign_is_carried_once_exported():
    tree = _tree(Campaign({"A": TRICKY}))
    assert recipe_from_project(tree).steps["merge"]["format"] == "csv"
    del tree["state"]["export"]  # a draft: never exported
    assert "merge" not in recipe_from_project(tree).steps
    assert "merge" not in recipe_from_project({"sources": tree["sources"], "state": {}}).steps


@pytest.mark.parametrize(("table", "error"), [
    ('template = "m.txt"\n[steps.merge.inline_templates.A]\nsubject = "Hi"\ntext = "x"\n',
     "inline_templates: give the templates either as files (template, templates) or written in the recipe, not both."),
    ('[steps.merge.inline_templates.A]\nsubject = "Hi"\nbody = "x"\n',
     "inline_templates.A: unknown part 'body'; use subject, text, html, sender."),
    ('[steps.merge.inline_templates.A]\ntext = "x"\n', "inline_templates.A: no subject; add subject = \"...\"."),
    ('[steps.merge.inline_templates.A]\nsubject = "Hi"\n', "inline_templates.A: no message; add text = \"...\"."),
    ('[steps.merge.inline_templates.A]\nsubject = "Hi"\ntext = 3\n', "inline_templates.A.text: expected text."),
    ('[steps.merge]\ninline_templates = { A = "Hi" }\n', "inline_templates.A: expected a table with subject and text."),
])
def test_a_broken_inline_template_is_one_clear_line(tmp_path, table, error):
    head = "" if table.startswith("[") else "[steps.merge]\n"
    (tmp_path / "r.toml").write_text('name = "x"\n[crm]\nfile = "c.csv"\n' + head + table, encoding="utf-8")
    with pytest.raises(LocalReachError) as raised:
        load_recipe(tmp_path / "r.toml")
    assert str(raised.value) == "[steps.merge] " + error
