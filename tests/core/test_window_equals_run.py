"""The same project through the window's actions and through ``localreach run`` finds the
same people and the same groups (issue 13, "Must show").

The files are not the demo's: a German customer list made with Faker (Kundennummer,
Vorname, Nachname, E-Mail-Adresse, Telefon, Straße, PLZ, Ort; typos, nicknames, moves,
family members, namesakes; a duplicate's phone typed with +49 where the first record has
the national 0) and a sales file with German headers, day-first dates, decimal commas
and a ja/nein discount flag. The window is driven the way a user clicks through it --
import both files, convert the sales dates on the Quality screen (segments need them),
find duplicates and merge them, find groups -- then the project's snapshot becomes a
recipe as the "Run this project on new files" dialog makes it (:mod:`app.rerun`) and
runs on the same files. With a consent column the user goes on: write the personas, a
message with merge fields and personas, export it; the run's personas and messages are
the window's, to the letter.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from faker_lists import contact_list

from app.actions import compose, duplicates, export, imports, personas, quality, segments
from app.document import Document
from core.compose.abtest import CONTROL
from core.io import read_table
from core.recipe import load_recipe, recipe_from_project, run_recipe, save_recipe
from core.segment.pipeline import NO_PURCHASES

GERMAN = {"first_name": "Vorname", "last_name": "Nachname", "email": "E-Mail-Adresse",
          "phone": "Telefon", "street": "Straße", "postcode": "PLZ", "city": "Ort"}
ID = "Kundennummer"
SEEDS = (3, 11)


def _files(folder, seed: int, consent: bool = False):
    """(customer list, sales file) written to ``folder``; 0-4 orders per customer record;
    with ``consent``, an ``Einwilligung`` ja/nein column (about 7 in 10 say ja)."""
    crm, person = contact_list("de_DE", seed, 120)
    seen: set[int] = set()
    for i, p in enumerate(person):  # the same person typed again, phone with its +code
        if p in seen and crm.at[i, "phone"].startswith("0"):
            crm.at[i, "phone"] = "+49 " + crm.at[i, "phone"][1:]
        seen.add(int(p))
    crm = crm.rename(columns=GERMAN)
    crm.insert(0, ID, [f"K{1000 + i}" for i in range(len(crm))])
    if consent:
        crm["Einwilligung"] = np.random.default_rng([seed, 1]).choice(["ja", "nein"], len(crm), p=[0.7, 0.3])
    rng = np.random.default_rng(seed)
    who = np.repeat(np.arange(len(crm)), rng.integers(0, 5, len(crm)))
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, len(who)), unit="D")
    sales = pd.DataFrame({"Bestellnummer": [f"B{i:05d}" for i in range(len(who))],
                          ID: crm[ID].to_numpy()[who],
                          "Bestelldatum": days.strftime("%d.%m.%Y"),
                          "Betrag": [f"{a:.2f}".replace(".", ",") for a in rng.uniform(5, 200, len(who))],
                          "Rabatt": rng.choice(["ja", "nein"], len(who))})
    paths = folder / "kunden.csv", folder / "bestellungen.csv"
    crm.to_csv(paths[0], index=False)
    sales.to_csv(paths[1], index=False)
    return paths


def _window(crm_path, sales_path, method: str) -> tuple[Document, dict, int]:
    """(document, what finding groups changed, people merged) after a user's clicks."""
    doc = Document()
    imports.import_file(doc, "crm", crm_path, {}, {}).run()
    imports.import_file(doc, "sales", sales_path, {}, {}).run()
    dates = next(f for f in quality.check(doc).run().fixes["sales"] if f["step"] == "dates")
    quality.apply_fix(doc, "sales", dates).run()
    found = duplicates.find_duplicates(doc).run()
    review = duplicates.group(doc, found)
    assert len(review.queue) == 0  # nothing left to review at the default threshold
    people = duplicates.merge_duplicates(doc, review)["people"]
    if method != segments.config(doc).method:
        segments.change_settings(doc, method=method)
    return doc, segments.find_groups(doc).run(), people


def _partition(frame: pd.DataFrame) -> set[frozenset]:
    """Each person as the set of customer numbers grouped into them."""
    return {frozenset(ids) for _person, ids in frame.groupby(frame["cluster_id"].astype(str))[ID]}


def _both(tmp_path, seed: int, method: str):
    crm_path, sales_path = _files(tmp_path, seed)
    doc, changed, people = _window(crm_path, sales_path, method)
    recipe = recipe_from_project(doc.snapshot(), name="This project")
    report = run_recipe(recipe, tmp_path / "run")
    ran = read_table(tmp_path / "run" / "customers.csv")[0]
    window = doc.frame("crm")
    assert window[ID].tolist() == ran[ID].tolist()  # row by row, in the file's order
    return window, ran, changed, people, report


@pytest.mark.parametrize("seed", SEEDS)
def test_the_window_and_run_find_the_same_people_and_rfm_groups(tmp_path, seed):
    window, ran, changed, people, report = _both(tmp_path, seed, "rfm")
    assert _partition(window) == _partition(ran)
    assert people == window["cluster_id"].nunique() == report["people"] < len(window)
    segment_of = window["segment"].astype(str).tolist()
    assert segment_of == ran["segment"].astype(str).tolist()
    bought = {s for s in segment_of if s != NO_PURCHASES}
    assert changed["groups"] == len(bought) == ran["segment"].nunique() - (NO_PURCHASES in segment_of)
    # people in one person share one group in both
    assert (window.groupby("cluster_id")["segment"].nunique() == 1).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_window_and_run_find_the_same_kmeans_groups(tmp_path, seed):
    window, ran, changed, _people, _report = _both(tmp_path, seed, "kmeans")
    assert _partition(window) == _partition(ran)
    groups = pd.crosstab(window["segment"].astype(str), ran["segment"].astype(str).to_numpy())
    assert ((groups > 0).sum(axis=1) == 1).all() and ((groups > 0).sum(axis=0) == 1).all()  # one to one
    assert changed["groups"] == window["segment"].nunique() - 1 == ran["segment"].nunique() - 1


@pytest.mark.parametrize("seed", SEEDS)
def test_the_window_and_run_give_kmeans_groups_the_same_names(tmp_path, seed):
    window, ran, *_rest = _both(tmp_path, seed, "kmeans")
    assert window["segment"].astype(str).tolist() == ran["segment"].astype(str).tolist()


def _campaign(doc):
    """The starter message (greeting by first name) with a line of merge fields: the
    person's persona, group and town (``Ort``, by its role ``city``)."""
    start = compose.campaign(doc)
    line = "Thank you, {{ persona }} ({{ segment }}), from {{ city }}."
    template = replace(start.templates["A"], text=start.templates["A"].text.replace(
        "Thank you for shopping with us.", line))
    return replace(start, templates={"A": template})


@pytest.mark.parametrize("seed", SEEDS)
def test_the_window_and_run_write_the_same_personas_and_messages(tmp_path, seed):
    crm_path, sales_path = _files(tmp_path, seed, consent=True)
    doc, _changed, people = _window(crm_path, sales_path, "rfm")
    assert personas.write(doc).run()["personas"] == doc.frame("crm")["segment"].nunique()
    campaign = _campaign(doc)
    compose.store(doc, campaign)
    written = export.export(doc, str(tmp_path / "window"), "csv").run()
    save_recipe(recipe_from_project(doc.snapshot(), name="This project"), tmp_path / "r.toml")
    recipe, base = load_recipe(tmp_path / "r.toml")  # one file: the message is written in it
    message = campaign.templates["A"]
    assert recipe.config("merge")["inline_templates"] == {"A": {"subject": message.subject, "text": message.text}}
    run_recipe(recipe, tmp_path / "run", base=base)

    ran = json.loads((tmp_path / "run" / "personas.json").read_text(encoding="utf-8"))["personas"]
    window = json.loads(json.dumps(doc.state("personas")["personas"]))
    assert window == ran  # every card, figure and sentence
    for name in ("merge.csv", "left_out.csv"):
        mine = (tmp_path / "window" / name).read_text(encoding="utf-8-sig")
        assert mine == (tmp_path / "run" / "messages" / name).read_text(encoding="utf-8-sig")

    messages = read_table(tmp_path / "window" / "merge.csv")[0]
    left_out = read_table(tmp_path / "window" / "left_out.csv")[0]
    crm = doc.frame("crm")
    answers = crm.groupby(crm["cluster_id"].astype(str))["Einwilligung"].agg(frozenset)
    assert written["written"] == len(messages) and len(messages) + len(left_out) == people
    # one message per person whose every record says ja; a nein on any record leaves them out
    assert set(answers[messages["cluster_id"].astype(str)]) <= {frozenset({"ja"})}
    assert all("nein" in a for a in answers[left_out["cluster_id"].astype(str)])
    assert len(messages) == (answers == frozenset({"ja"})).sum()
    assert set(left_out["reason"]) == {"said no to being contacted"}
    persona_of = {p["segment"]: p["name"] for p in window}
    for _i, m in messages.iterrows():
        assert m["body"].startswith(f"Dear {m['Vorname']},\n\nThank you, {persona_of[m['segment']]} "
                                    f"({m['segment']}), from {m['Ort']}.\n")


@pytest.mark.parametrize("seed", SEEDS)
def test_an_ab_test_runs_both_versions_as_the_window_exported_them(tmp_path, seed):
    """Version B added on Compose (a copy of A, then another subject and first line): the
    recipe carries both, and the run assigns the same people to A, B and the hold-out."""
    crm_path, sales_path = _files(tmp_path, seed, consent=True)
    doc, _changed, _people = _window(crm_path, sales_path, "rfm")
    personas.write(doc).run()
    compose.store(doc, _campaign(doc))
    compose.add_version(doc, "A")
    two = compose.campaign(doc)
    b = replace(two.templates["B"], subject="Something new for you",
                text=two.templates["B"].text.replace("Thank you, ", "Have a look, "))
    compose.store(doc, two.with_template("B", b))
    written = export.export(doc, str(tmp_path / "window"), "csv").run()
    save_recipe(recipe_from_project(doc.snapshot(), name="This project"), tmp_path / "r.toml")
    recipe, base = load_recipe(tmp_path / "r.toml")
    assert list(recipe.config("merge")["inline_templates"]) == ["A", "B"]
    run_recipe(recipe, tmp_path / "run", base=base)
    for name in ("merge.csv", "left_out.csv", "assignment.csv"):
        mine = (tmp_path / "window" / name).read_text(encoding="utf-8-sig")
        assert mine == (tmp_path / "run" / "messages" / name).read_text(encoding="utf-8-sig")
    messages = read_table(tmp_path / "window" / "merge.csv")[0]
    subjects = messages.groupby("variant")["subject"].agg(set).to_dict()
    assert subjects == {"A": {"Thank you for shopping with us"}, "B": {"Something new for you"}}
    assert written["written"] == len(messages) > 0
    held = read_table(tmp_path / "window" / "left_out.csv")[0]["reason"].str.startswith("hold-out").sum()
    assert held == (read_table(tmp_path / "window" / "assignment.csv")[0]["variant"] == CONTROL).sum() > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_a_recipe_left_to_the_defaults_finds_the_windows_default_groups(tmp_path, seed):
    """The window's default features (seven here: the discount share from the ja/nein
    ``Rabatt`` flag, no channel or category mix) are the ones the segment step defaults to."""
    crm_path, sales_path = _files(tmp_path, seed)
    doc, _changed, _people = _window(crm_path, sales_path, "kmeans")
    assert segments.config(doc).features == ["recency_days", "frequency", "monetary", "avg_order_value",
                                             "discount_share", "tenure_days", "peak_season_share"]
    recipe = recipe_from_project(doc.snapshot(), name="This project")
    recipe.steps["segment"] = {"method": "kmeans"}  # every other setting from the data
    run_recipe(recipe, tmp_path / "run")
    ran = read_table(tmp_path / "run" / "customers.csv")[0]
    assert doc.frame("crm")["segment"].astype(str).tolist() == ran["segment"].astype(str).tolist()
