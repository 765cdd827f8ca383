"""The project's region: detected from the data, else the locale; never a default in core."""

import re
from pathlib import Path

import pandas as pd
import pytest

from core.errors import LocalReachError
from core.io import read_table
from core.region import check_region, detect_region, region_from_locale
from core.resources import resource_path
from core.roles import detect_roles

CORE = Path(__file__).resolve().parents[2] / "core"
ROLES = {"Land": "country", "Telefon": "phone", "Name": "full_name"}


def test_the_demo_customer_list_is_a_german_shop():
    crm, _ = read_table(resource_path("demo/crm.xlsx"))
    roles = {c: str(g.role) for c, g in detect_roles(crm).items()}
    # the generator's weights: Germany 0.5, the United Kingdom and France 0.25 each
    assert detect_region(crm, roles) == "DE"
    assert detect_region(crm.drop(columns=["country"]), roles) == "DE"  # from the +49 numbers alone


def test_a_country_column_names_the_region_in_any_language():
    frame = pd.DataFrame({"Land": ["Vereinigtes Königreich", "UK", "GB", "Frankreich", ""],
                          "Telefon": ["+33 6 12 34 56 78"] * 5, "Name": list("abcde")})
    assert detect_region(frame, ROLES, locale="de_DE.UTF-8") == "GB"


def test_international_numbers_decide_when_no_country_column_does():
    frame = pd.DataFrame({"Land": ["", "Narnia", ""],
                          "Telefon": ["+44 7700 900123", "0044 20 7946 0958", "07700 900456"], "Name": list("abc")})
    assert detect_region(frame, ROLES) == "GB"
    canada = pd.DataFrame({"Telefon": ["+1 604 555 0100", "+1 416 555 0199", "(604) 555-0123"]})
    assert detect_region(canada, {"Telefon": "phone"}) == "CA"  # +1 is the US and Canada: area codes decide


def test_a_tie_decides_nothing_and_the_locale_comes_last():
    tie = pd.DataFrame({"Land": ["DE", "FR"], "Telefon": ["", ""], "Name": ["a", "b"]})
    assert detect_region(tie, ROLES, locale="en_GB.UTF-8") == "GB"
    assert detect_region(tie, ROLES) is None
    assert detect_region(None, {}, locale="fr-CA") == "CA"


@pytest.mark.parametrize(("locale", "region"), [("de_DE.UTF-8", "DE"), ("en_GB", "GB"), ("pt-BR", "BR"),
                                                 ("sr_RS@latin", "RS"), ("C", None), ("POSIX", None),
                                                 ("C.UTF-8", None), ("en", None), (None, None)])
def test_region_from_locale(locale, region):
    assert region_from_locale(locale) == region


def test_check_region_accepts_country_codes_only():
    assert check_region(" gb ") == "GB"
    for bad in ("UKX", "XX", "Germany", ""):
        with pytest.raises(LocalReachError, match="use a two-letter country code"):
            check_region(bad)


# A country literal given to a region/country name: a default argument or field
# (region: str = "DE"), a keyword (region="DE"), a fallback (.get("region", "DE"),
# region or "DE") or a settings entry ("default_region": "DE").
_NAME = r"\w*(?:region|country)\w*"
_LITERAL = r"""["'][A-Z]{2}["']"""
HARD_CODED = re.compile(
    rf"\b{_NAME}\s*(?::[^=\n]+)?=\s*{_LITERAL}"
    rf"|\.get\(\s*[\"']{_NAME}[\"']\s*,\s*{_LITERAL}"
    rf"|\b{_NAME}\s+or\s+{_LITERAL}"
    rf"|[\"']{_NAME}[\"']\s*:\s*{_LITERAL}",
    re.IGNORECASE,
)


def test_the_pattern_catches_every_form_of_a_country_default():
    for line in ('def f(region: str = "DE"):', "    country: str = 'GB'", 'x = g(phone_region="DE")',
                 'cfg.get("region", "DE")', 'code = region or "FR"', '"default_region": "DE",'):
        assert HARD_CODED.search(line), line
    for line in ('region: str | None = None', '"DE": (re.compile(r"^(\\d{5})$"), r"\\1"),',
                 'country = countries[label] or region.upper()'):
        assert not HARD_CODED.search(line), line


def test_core_has_no_hard_coded_country_default():
    found = [f"{path.relative_to(CORE.parent)}:{n}: {line.strip()}"
             for path in sorted(CORE.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if HARD_CODED.search(line)]
    assert found == [], "pass the project's region instead of a country default:\n" + "\n".join(found)


# -- where the region travels: the command line, the recipe, the project ---------------------
GB_SHOP = ("customer_id,name,email,phone,postcode\n"
           "1,Ann Lee,ann@example.com,+44 7700 900123,sw1a1aa\n"
           "2,Bo Chan,bo@example.com,07700 900456,ec1a1bb\n"
           "3,Cy Hart,cy@example.com,+44 20 7946 0958,m11ae\n")


@pytest.fixture
def gb_shop(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(GB_SHOP, encoding="utf-8")
    return path


def test_clean_detects_the_region_from_the_file(gb_shop, tmp_path, capsys, monkeypatch):
    from app.cli import main

    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # the data wins over the locale
    assert main(["clean", str(gb_shop), "-o", str(tmp_path / "out.csv")]) == 0
    out, _ = read_table(tmp_path / "out.csv")
    assert out["phone"].tolist() == ["+447700900123", "+447700900456", "+442079460958"]
    assert out["postcode"].tolist() == ["SW1A 1AA", "EC1A 1BB", "M1 1AE"]
    assert "Region GB, detected from the file (--region to change it)" in capsys.readouterr().out.splitlines()


def test_clean_falls_back_to_the_locale_then_to_no_region(tmp_path, capsys, monkeypatch):
    from app.cli import main

    national = tmp_path / "national.csv"
    national.write_text("name,phone\nAnn,07700 900123\n", encoding="utf-8")
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert main(["clean", str(national), "-o", str(tmp_path / "a.csv")]) == 0
    assert read_table(tmp_path / "a.csv")[0]["phone"].tolist() == ["+447700900123"]
    monkeypatch.setenv("LC_ALL", "C")
    assert main(["clean", str(national), "-o", str(tmp_path / "b.csv")]) == 0
    assert read_table(tmp_path / "b.csv")[0]["phone"].tolist() == ["07700 900123"]  # kept, never guessed
    assert "Region not known" in capsys.readouterr().out


def test_the_recipe_stores_the_region_and_a_run_reports_it(gb_shop, tmp_path, monkeypatch):
    from core.recipe import load_recipe, recipe_from_project, run_recipe, save_recipe

    tree = {"sources": {"crm": {"path": str(gb_shop)}}, "roles": {}, "state": {"region": {"code": "gb"}}}
    recipe = recipe_from_project(tree)
    assert recipe.region == "GB"
    save_recipe(recipe, tmp_path / "r.toml")
    assert 'region = "GB"' in (tmp_path / "r.toml").read_text()
    recipe.steps = {"clean": {}}
    report = run_recipe(recipe, tmp_path / "out", base=tmp_path)
    assert report["region"] == "GB"
    assert run_recipe(recipe, tmp_path / "out2", base=tmp_path, region="ie")["region"] == "IE"
    recipe.region = None
    assert run_recipe(recipe, tmp_path / "out3", base=tmp_path, locale="fr_FR")["region"] == "GB"  # data
    (tmp_path / "bad.toml").write_text('region = "Germany"\n')
    with pytest.raises(LocalReachError, match="^Recipe bad.toml: Region 'Germany': use a two-letter"):
        load_recipe(tmp_path / "bad.toml")


def test_the_project_keeps_its_region_and_older_projects_have_none(tmp_path):
    from core.project.store import load_project, project_region, save_project

    save_project(tmp_path / "p.lreach", {"state": {"region": {"code": "GB"}}})
    assert project_region(load_project(tmp_path / "p.lreach")) == "GB"
    save_project(tmp_path / "old.lreach", {"state": {"quality": {"applied": {}}}})
    assert project_region(load_project(tmp_path / "old.lreach")) is None
    for damaged in ({"state": {"region": "GB"}}, {"state": {"region": {"code": 7}}},
                    {"state": {"region": {"code": "Narnia"}}}, {}):
        assert project_region(damaged) is None
