"""Merge's sender country is the project's region unless set: a GB project's letters
are laid out the British way (post town in capitals, the postcode on its own line, no
country line for a UK address) and its phone numbers read as UK numbers."""

from __future__ import annotations

import pandas as pd
from docx import Document

from app.cli import main
from core.io import read_table
from core.recipe import recipe_from_project, save_recipe

CRM = pd.DataFrame({
    "customer_id": ["1", "2", "3"],
    "first_name": ["Olivia", "Harry", "Greta"],
    "last_name": ["Smith", "Jones", "Braun"],
    "phone": ["07700 900123", "0113 496 0000", "+49 30 1234567"],
    "street": ["1 High Street", "22 Park Lane", "Hauptstraße 5"],
    "postcode": ["LS1 4AP", "M1 1AE", "10115"],
    "city": ["Leeds", "Manchester", "Berlin"],
    "country": ["", "", "Germany"],
})
TEMPLATE = "Subject: Our spring offer\n\nDear {{ first_name }},\n\nSee you soon.\n"


def _blocks(path) -> list[list[str]]:
    """Each letter's recipient block: the lines from the name to the date (a blank, then the subject)."""
    lines = [p.text for p in Document(str(path)).paragraphs]
    blocks = []
    for name in ("Olivia Smith", "Harry Jones", "Greta Braun"):
        start = lines.index(name)
        blocks.append(lines[start:lines.index("Our spring offer", start) - 2])
    return blocks


EXPECTED = [["Olivia Smith", "1 High Street", "LEEDS", "LS1 4AP"],
            ["Harry Jones", "22 Park Lane", "MANCHESTER", "M1 1AE"],
            ["Greta Braun", "Hauptstraße 5", "10115 Berlin", "GERMANY"]]


def test_a_gb_projects_recipe_writes_british_letters_and_numbers(tmp_path):
    CRM.to_csv(tmp_path / "customers.csv", index=False)
    (tmp_path / "letter.txt").write_text(TEMPLATE, encoding="utf-8")
    tree = {"sources": {"crm": {"path": "customers.csv"}}, "roles": {}, "state": {"region": {"code": "GB"}}}
    recipe = recipe_from_project(tree)
    assert recipe.region == "GB"
    recipe.steps = {"clean": {}, "merge": {"template": "letter.txt", "format": "docx", "letters": True,
                                           "consent": {"without_consent": True}}}
    save_recipe(recipe, tmp_path / "r.toml")
    assert main(["run", str(tmp_path / "r.toml"), "-o", str(tmp_path / "out")]) == 0
    assert _blocks(tmp_path / "out" / "messages" / "letters.docx") == EXPECTED
    customers, _ = read_table(tmp_path / "out" / "customers.csv")
    assert customers["phone"].tolist() == ["+447700900123", "+441134960000", "+49301234567"]


def test_the_merge_command_takes_the_region(tmp_path):
    CRM.to_csv(tmp_path / "customers.csv", index=False)
    (tmp_path / "letter.txt").write_text(TEMPLATE, encoding="utf-8")
    for region, first in (("GB", EXPECTED[0]), ("DE", ["Olivia Smith", "1 High Street", "LS1 4AP Leeds"])):
        out = tmp_path / region
        assert main(["merge", str(tmp_path / "customers.csv"), "--template", str(tmp_path / "letter.txt"),
                     "-o", str(out), "--format", "docx", "--consent", "none=allow",
                     "--region", region]) == 0
        assert _blocks(out / "letters.docx")[0] == first
