"""Recipes: `localreach run` on the demo, outputs, audit chain, change summary, refusals."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
from pathlib import Path

import keyring
import keyring.backends.fail
import pandas as pd
import pytest

from app import cli
from core import demo
from core.errors import TemplateError
from core.io import read_table
from core.jobs import Cancelled, JobContext
from core.privacy.keystore import KeyFileStore
from core.privacy.tokens import fingerprint
from core.recipe import (
    Recipe,
    change_summary,
    load_recipe,
    recipe_from_project,
    recipe_text,
    run_recipe,
    save_recipe,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
PASS = "a long passphrase"


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory) -> Path:
    """The shipped demo recipe and files, copied so their bytes and times can be checked."""
    folder = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(DEMO, folder)
    shutil.copytree(ROOT / "resources" / "templates", folder.parent / "templates")
    for f in folder.iterdir():
        os.utime(f, (1_600_000_000, 1_600_000_000))
    return folder


@pytest.fixture(scope="module")
def first_run(demo_copy, tmp_path_factory):
    recipe, base = load_recipe(demo_copy / "recipe.toml")
    out = tmp_path_factory.mktemp("runs") / "january"
    report = run_recipe(recipe, out, base=base)
    return out, report


def _pairs(groups: pd.Series) -> set[tuple[int, int]]:
    pairs = set()
    for rows in groups.groupby(groups).groups.values():
        pairs.update(itertools.combinations(sorted(rows), 2))
    return pairs


def _sizes(folder: Path) -> tuple[int, int]:
    return len(read_table(folder / "crm.xlsx")[0]), len(read_table(folder / "sales.csv")[0])


def test_the_demo_recipe_runs_every_available_step(first_run, demo_copy):
    out, report = first_run
    n_crm, n_sales = _sizes(demo_copy)
    status = {s["step"]: (s["status"], s["note"]) for s in report["steps"]}
    for step in ("import", "clean", "dedupe", "link", "segment", "personas", "merge"):
        assert status[step][0] == "done", step
    assert status["import"][1] == f"crm: {n_crm:,} rows; sales: {n_sales:,} rows"
    assert status["pseudonymize"] == (
        "skipped", "no project key: give --key-file (passphrase in LOCALREACH_PASSPHRASE)"
    )
    assert status["link"][1] == f"{n_sales:,} of {n_sales:,} sales lines linked"
    assert sorted(p.name for p in out.iterdir()) == [
        "audit.csv", "customers.csv", "messages", "personas.json", "run.json", "sales_linked.csv"
    ]
    personas = json.loads((out / "personas.json").read_text())["personas"]
    assert status["personas"][1].startswith(f"{len(personas)} personas (")
    assert sum(p["people"] for p in personas) == report["people"]
    assert json.loads((out / "run.json").read_text()) == report
    assert not list(out.parent.glob(".*partial"))


def test_customers_keep_every_row_and_group_the_same_person(first_run, demo_copy):
    out, report = first_run
    customers, _ = read_table(out / "customers.csv")
    crm, _ = read_table(demo_copy / "crm.xlsx")
    assert len(customers) == len(crm) > 400
    assert list(customers.columns[: crm.shape[1]]) == list(crm.columns)
    assert {"cluster_id", "segment", "rfm_score"} <= set(customers.columns)
    assert report["people"] == customers["cluster_id"].nunique()
    truth = pd.read_csv(demo_copy / "truth.csv", dtype=str).set_index("customer_id")["person_id"]
    found = _pairs(customers["cluster_id"])
    true = _pairs(customers["customer_id"].map(truth))
    precision, recall = len(found & true) / len(found), len(found & true) / len(true)
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)
    merged, _ = read_table(out / "messages" / "merge.csv")
    written = int(next(s for s in report["steps"] if s["step"] == "merge")["note"].split()[0])
    assert len(merged) == written > 100


def test_audit_has_one_row_per_transformation_chained_by_hashes_and_no_values(first_run, demo_copy):
    out, _ = first_run
    audit = pd.read_csv(out / "audit.csv", dtype=str, keep_default_na=False)
    assert audit["step"].tolist() == [
        "import", "import", "clean", "clean", "dedupe", "link", "segment", "personas", "merge"
    ]
    n_crm, n_sales = (str(n) for n in _sizes(demo_copy))
    assert audit["rows_out"].tolist()[:7] == [n_crm, n_sales, n_crm, n_sales, n_crm, n_sales, n_crm]
    by_step = audit.set_index(audit["step"] + audit.groupby("step").cumcount().astype(str))
    # Each step's input is exactly the previous step's output.
    assert by_step.loc["clean0", "input_hash"] == by_step.loc["import0", "output_hash"]
    assert by_step.loc["dedupe0", "input_hash"] == by_step.loc["clean0", "output_hash"]
    assert by_step.loc["link0", "input_hash"] == by_step.loc["clean1", "output_hash"]
    assert by_step.loc["segment0", "input_hash"] == by_step.loc["dedupe0", "output_hash"]
    assert by_step.loc["personas0", "input_hash"] == by_step.loc["segment0", "output_hash"]
    crm, _ = read_table(demo_copy / "crm.xlsx")
    values = {v for c in ("first_name", "last_name", "email", "phone", "street", "date_of_birth")
              for v in crm[c] if len(v) > 3}
    for name in ("audit.csv", "run.json", "personas.json"):
        text = (out / name).read_text(encoding="utf-8-sig")
        assert not [v for v in values if re.search(rf"\b{re.escape(v)}\b", text)], name


def test_source_files_keep_their_bytes_and_times(first_run, demo_copy):
    for name in ("crm.xlsx", "sales.csv", "recipe.toml"):
        f = demo_copy / name
        assert f.read_bytes() == (DEMO / name).read_bytes()
        assert f.stat().st_mtime == 1_600_000_000


def test_next_months_files_give_a_change_summary(first_run, demo_copy, tmp_path):
    out, _ = first_run
    again = tmp_path / "february"
    shutil.copytree(out, again)
    new_files = tmp_path / "new"
    demo.generate(new_files, customers=150, seed=7)
    recipe, base = load_recipe(demo_copy / "recipe.toml")
    report = run_recipe(recipe, again, new_files / "crm.xlsx", new_files / "sales.csv", base=base)

    before, _ = read_table(out / "customers.csv")
    after, _ = read_table(again / "customers.csv")
    changes, _ = read_table(again / "changes.csv")
    old_ids = set(before["customer_id"])
    new_people = {cid for cid, ids in after.groupby("cluster_id")["customer_id"] if not set(ids) & old_ids}
    assert report["changes"]["new_people"] == len(new_people) == (changes["change"] == "new").sum()
    assert report["changes"]["gone_records"] == len(old_ids - set(after["customer_id"])) > 0
    moved = changes[changes["change"] == "changed segment"]
    assert report["changes"]["changed_segment"] == len(moved) > 0
    previous = before.set_index("customer_id")["segment"]
    for ids, old, new in moved[["customer_ids", "previous_segment", "segment"]].itertuples(index=False):
        assert old == previous[ids.split(";")[0]] and old != new
    assert sum(report["changes"]["moves"].values()) == len(moved)


def test_change_summary_on_a_small_example():
    previous = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"],
                             "segment": ["Champions", "At Risk", "Lost", "Lost"]})
    current = pd.DataFrame({"customer_id": ["C1", "C2", "C5", "C6", "C7"],
                            "cluster_id": ["1", "2", "2", "3", "4"],
                            "segment": ["Champions", "Loyal Customers", "Loyal Customers", "New", "New"]})
    summary, table = change_summary(previous, current, "customer_id")
    assert summary == {"new_people": 2, "changed_segment": 1, "gone_records": 2,
                       "moves": {"At Risk -> Loyal Customers": 1}}
    assert table.values.tolist() == [
        ["C2;C5", "At Risk", "Loyal Customers", "changed segment"],
        ["C6", "", "New", "new"],
        ["C7", "", "New", "new"],
        ["C3", "Lost", "", "no longer in the list"],
        ["C4", "Lost", "", "no longer in the list"],
    ]


def test_a_broken_template_is_refused_before_any_work(first_run, demo_copy, tmp_path):
    out, _ = first_run
    again = tmp_path / "run"
    shutil.copytree(out, again)
    before = {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()}
    recipe, base = load_recipe(demo_copy / "recipe.toml")
    recipe.steps = {**recipe.steps, "merge": {"template": "missing.txt"}}
    started = []
    ctx = JobContext(lambda done, total, message: started.append(message))
    with pytest.raises(TemplateError, match=r"^template missing.txt not found; check the path$"):
        run_recipe(recipe, again, base=base, ctx=ctx)
    assert started == []
    assert {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()} == before


def test_a_run_stopped_midway_writes_nothing_and_keeps_the_previous_run(first_run, demo_copy, tmp_path):
    out, _ = first_run
    again = tmp_path / "run"
    shutil.copytree(out, again)
    before = {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()}
    recipe, base = load_recipe(demo_copy / "recipe.toml")

    def cancel_at_dedupe(done, total, message):
        if message.endswith(": dedupe"):
            ctx.cancel()

    ctx = JobContext(cancel_at_dedupe)
    with pytest.raises(Cancelled):
        run_recipe(recipe, again, base=base, ctx=ctx)
    assert {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_recipes_round_trip_and_leave_out_unset_values(tmp_path):
    recipe = Recipe(name="Monthly", crm={"file": "crm.csv", "options": {"delimiter": ";", "sheet": None}},
                    steps={"dedupe": {"threshold": 0.85, "id_column": None}, "segment": {"method": "kmeans"}})
    save_recipe(recipe, tmp_path / "r.toml")
    assert "sheet" not in recipe_text(recipe) and "id_column" not in recipe_text(recipe)
    back, base = load_recipe(tmp_path / "r.toml")
    assert base == tmp_path
    assert back.crm == {"file": "crm.csv", "options": {"delimiter": ";"}}
    assert back.steps == {"dedupe": {"threshold": 0.85}, "segment": {"method": "kmeans"}}
    assert back.enabled("dedupe") and not back.enabled("merge")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[steps.magic]\n", "Recipe r.toml: unknown step 'magic'; steps are import, clean, dedupe, link, "
                            "pseudonymize, segment, personas, merge."),
        ("version = 9\n", "Recipe r.toml needs a newer LocalReach (recipe version 9)."),
        ("colour = 'red'\n", "Recipe r.toml: unknown setting 'colour' at the top level."),
        ("name = \n", "Recipe r.toml is not valid TOML (Invalid value (at line 1, column 8)); fix that line."),
    ],
)
def test_bad_recipes_are_refused_with_one_line(tmp_path, text, message):
    (tmp_path / "r.toml").write_text(text)
    with pytest.raises(Exception) as err:
        load_recipe(tmp_path / "r.toml")
    assert str(err.value) == message


@pytest.fixture
def headless(monkeypatch):
    """keyring's fail backend, as on a headless machine: never the real keyring."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_the_command_with_a_key_file_pseudonymises_too(headless, demo_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", PASS)
    out, key_file = tmp_path / "out", tmp_path / "k.lrkey"
    recipe, _ = load_recipe(demo_copy / "recipe.toml")
    recipe.steps, recipe.sales = {"pseudonymize": recipe.steps["pseudonymize"]}, {}
    save_recipe(recipe, demo_copy.parent / "privacy-only.toml")
    code = cli.main(["run", str(demo_copy.parent / "privacy-only.toml"), "--crm", str(demo_copy / "crm.xlsx"),
                     "-o", str(out), "--key-file", str(key_file)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "  pseudonymize done     customers_pseudonymized.csv: " in printed
    pseudo, _ = read_table(out / "customers_pseudonymized.csv")
    crm, _ = read_table(demo_copy / "crm.xlsx")
    assert len(pseudo) == _sizes(demo_copy)[0] and not (set(pseudo["email"]) & set(crm["email"])) - {""}
    key = KeyFileStore(key_file, PASS).load()
    audit = pd.read_csv(out / "audit.csv", dtype=str, keep_default_na=False)
    assert audit["step"].tolist() == ["import", "pseudonymize"]
    assert set(audit["key_fingerprint"]) == {fingerprint(key)}
    assert (out / "vault.json").exists()


def test_the_command_refuses_a_missing_recipe(headless, tmp_path, capsys):
    assert cli.main(["run", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == "localreach run: Recipe nope.toml not found; check the path.\n"
    assert not (tmp_path / "out").exists()


def test_a_project_becomes_a_recipe_with_settings_only(tmp_path):
    tree = {
        "sources": {"crm": {"path": "/data/crm.xlsx", "sha256": "ab", "sheet": "Kunden", "encoding": None,
                            "delimiter": None, "header_row": 0, "rows": 3},
                    "sales": {"path": "/data/sales.csv", "encoding": "cp1252", "delimiter": ";", "sheet": None}},
        "roles": {"crm": {"Mail": "email", "Kundennr": "customer_id"}, "sales": {"Betrag": "amount"}},
        "state": {
            "quality": {"applied": {"crm": [{"step": "emails", "columns": ["Mail"], "flag_invalid": True},
                                            {"step": "merge_values", "column": "Ort",
                                             "mapping": {"Koeln": "Köln"}}]}},
            "privacy": {"applied": {"crm": True}, "configs": {"crm": {"columns": {
                "Mail": {"action": "token", "kind": "email", "option": ""}}, "phone_region": "DE",
                "reference_date": ""}}},
            "segments": {"config": {"method": "kmeans", "k": 4, "as_of": None}, "result": {"rows": 3}},
        },
    }
    recipe = recipe_from_project(tree, "Monthly")
    save_recipe(recipe, tmp_path / "monthly.toml")
    back, _ = load_recipe(tmp_path / "monthly.toml")
    assert back.crm == {"file": "/data/crm.xlsx", "options": {"sheet": "Kunden", "header_row": 0},
                        "roles": {"Mail": "email", "Kundennr": "customer_id"}}
    assert back.sales["options"] == {"encoding": "cp1252", "delimiter": ";"}
    assert back.steps == {
        "clean": {"crm_steps": [{"step": "emails", "columns": ["Mail"], "flag_invalid": True}],
                  "sales_steps": []},  # no fix on the sales file in the window: none in the run
        "pseudonymize": {"columns": {"Mail": {"action": "token", "kind": "email", "option": ""}},
                         "phone_region": "DE", "reference_date": ""},
        "link": {},
        "segment": {"method": "kmeans", "k": 4},
        "personas": {},
    }
    assert "Koeln" not in (tmp_path / "monthly.toml").read_text(encoding="utf-8")


def test_a_project_without_fixes_runs_without_fixes(tmp_path):
    """The window cleaned nothing, so the run cleans nothing (it used to apply the default
    fixes: 109 of 120 phones rewritten and an e-mail flag column the window never had)."""
    tree = {"sources": {"crm": {"path": "/data/crm.csv"}}, "roles": {"crm": {"Mail": "email"}},
            "state": {}}
    assert recipe_from_project(tree, "Plain").steps["clean"] == {"crm_steps": []}


def test_a_run_lets_go_of_each_list_once_a_step_has_replaced_it(demo_copy, tmp_path, monkeypatch):
    """At 1M rows an imported list held to the end of the run is ~0.3 GB nobody reads,
    and the duplicates step's scored pairs held through the link step ~0.6 GB."""
    import gc
    import weakref

    from core.recipe import staging

    replaced, seen = [], []
    original = staging._Audit.step

    def step(self, step_id, config, report, before, after):
        gc.collect()
        seen.append((step_id, [name for name, ref in replaced if ref() is not None]))
        replaced.extend((f"{step_id}:{name}", weakref.ref(frame)) for name, frame in before.items()
                        if after.get(name) is not frame)
        if step_id == "dedupe":
            replaced.append(("dedupe:pairs", weakref.ref(report.details["pairs"])))
        return original(self, step_id, config, report, before, after)

    monkeypatch.setattr(staging._Audit, "step", step)
    recipe, base = load_recipe(demo_copy / "recipe.toml")
    run_recipe(recipe, tmp_path / "run", base=base)
    assert [s for s, _ in seen] == ["import", "clean", "dedupe", "link", "segment", "personas", "merge"]
    assert {name for name, _ in replaced} >= {"clean:crm", "clean:sales", "dedupe:crm", "dedupe:pairs",
                                              "segment:crm"}
    assert all(alive == [] for _, alive in seen), seen


def test_freed_memory_is_given_back_after_each_step_done(demo_copy, tmp_path, monkeypatch):
    import core.recipe.staging as staging

    calls = []
    monkeypatch.setattr(staging, "release_freed_memory", lambda: calls.append(len(calls)))
    recipe, base = load_recipe(demo_copy / "recipe.toml")
    report = run_recipe(recipe, tmp_path / "out", base=base)
    assert len(calls) == sum(s["status"] == "done" for s in report["steps"]) >= 7


def test_declared_roles_win_and_a_fully_declared_list_is_not_guessed(monkeypatch):
    import core.steps.importing as importing

    df = pd.DataFrame({"Mail": ["anna@example.de"], "Nr": ["C1"], "Kanal": ["online"]})
    declared = {"Nr": "customer_id", "Mail": "email", "Kanal": "channel", "elsewhere": "phone"}
    guessed = []
    real = importing.detect_roles
    monkeypatch.setattr(importing, "detect_roles", lambda frame: guessed.append(1) or real(frame))
    assert importing.column_roles(df, declared) == {"Mail": "email", "Nr": "customer_id", "Kanal": "channel"}
    assert list(importing.column_roles(df, declared)) == ["Mail", "Nr", "Kanal"] and not guessed
    partly = importing.column_roles(df, {"Nr": "order_id"})
    assert guessed and partly["Nr"] == "order_id" and partly["Mail"] == "email"


NO_IDS_RECIPE = """name = "No ids"
version = 1
[crm]
file = "contacts.csv"
[sales]
file = "orders.csv"
[steps.clean]
[steps.dedupe]
[steps.link]
[steps.pseudonymize]
[steps.segment]
[steps.merge]
template = "t.txt"
format = "csv"
"""


def test_a_list_without_ids_runs_the_whole_recipe_keyed_by_e_mail(headless, tmp_path, monkeypatch, capsys):
    """A contacts list with no id column (as Google and Outlook export them) and orders by
    e-mail: the link step stopped with 'The customer list has no id column'. The e-mail
    now keys each person: the lines' matched_id is the list's e-mail, a token like the
    list's own once pseudonymised, so the segments and the merge find the buyers."""
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", PASS)
    (tmp_path / "contacts.csv").write_text(
        "Email,First Name,Newsletter\nann@x.org,Ann,yes\nbo@x.org,Bo,yes\ncy@x.org,Cy,no\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text(
        "Email,Date,Total,Product\nAnn@x.org,2024-01-02,10.00,Tea\nbo@x.org,2024-02-03,12.00,Cup\n"
        "ann@x.org,2024-03-04,8.00,Pot\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("Subject: Hi {{ first_name }}\n\n{{ recommendations | join(', ') }}\n",
                                    encoding="utf-8")
    (tmp_path / "r.toml").write_text(NO_IDS_RECIPE, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", str(tmp_path / "r.toml"), "-o", str(out),
                     "--key-file", str(tmp_path / "k.lrkey")]) == 0
    assert "3 of 3 sales lines linked" in capsys.readouterr().out
    pseudo = read_table(out / "customers_pseudonymized.csv")[0]
    linked = read_table(out / "sales_linked.csv")[0]
    assert linked["matched_id"].tolist() == pseudo["Email"].iloc[[0, 1, 0]].tolist()
    assert all(t.startswith("email_v1_") for t in linked["matched_id"])
    merged = read_table(out / "messages" / "merge.csv")[0]
    assert dict(zip(merged["email"], merged["body"].str.strip(), strict=True)) == {
        "ann@x.org": "Cup", "bo@x.org": "Tea, Pot"}
    assert merged["frequency"].tolist() == ["2.0", "1.0"]
