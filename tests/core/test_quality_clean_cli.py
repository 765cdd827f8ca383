"""`localreach clean`: default steps on a file with known problems, step lists, bad input."""

import json

import pandas as pd
import pytest

from app.cli import main
from core.io import read_table
from core.jobs import Cancelled, JobContext
from core.quality import base
from core.quality.steps import default_steps, load_steps, run_steps, suggested_steps

CSV = (
    "customer_id,first_name,last_name,email,phone,country,postcode,date_of_birth,amount\n"
    "1, anna ,MCDONALD,Anna@Example.COM ,0151 12345678,Deutschland,1067,03.04.1980,\"1.234,56 €\"\n"
    "2,Jan,VAN DER BERG,broken,07789 173776,UK,sw1a1aa,13.12.1975,12\n"
    "3,Lea,o'neil,,,,,,\n"
)


@pytest.fixture
def crm(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_clean_applies_default_steps_and_prints_counts(crm, tmp_path, capsys):
    out = tmp_path / "clean.csv"
    steps = tmp_path / "steps.json"
    before = crm.read_bytes()
    assert main(["clean", str(crm), "-o", str(out), "--region", "DE", "--save-steps", str(steps)]) == 0
    df, _ = read_table(out)
    assert df["first_name"].tolist() == ["Anna", "Jan", "Lea"]
    assert df["last_name"].tolist() == ["McDonald", "van der Berg", "O'Neil"]
    assert df["email"].tolist() == ["anna@example.com", "broken", ""]
    assert df["email_invalid"].tolist() == ["", "yes", ""]
    assert df["phone"].tolist() == ["+4915112345678", "+447789173776", ""]
    assert df["country"].tolist() == ["DE", "GB", ""]
    assert df["postcode"].tolist() == ["01067", "SW1A 1AA", ""]
    assert df["date_of_birth"].tolist() == ["1980-04-03", "1975-12-13", ""]
    assert df["amount"].tolist() == ["1234.56", "12", ""]
    assert df["amount_currency"].tolist() == ["EUR", "", ""]
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Trim spaces: 2 cells changed"
    assert printed[1] == "Name casing: 4 cells changed"
    assert "E-mail addresses: 1 cell changed, 1 could not be read (added email_invalid)" in printed
    assert printed[-1] == "3 rows, 16 cells changed in all; written to clean.csv"
    assert crm.read_bytes() == before
    assert [s["step"] for s in load_steps(steps)] == [
        "trim", "names", "emails", "phones", "dates", "money", "countries", "postcodes"
    ]


def test_clean_with_a_saved_step_list(crm, tmp_path, capsys):
    steps = tmp_path / "steps.json"
    steps.write_text(json.dumps([{"step": "phones", "columns": ["phone"], "region": "GB"}]))
    out = tmp_path / "clean.xlsx"
    assert main(["clean", str(crm), "-o", str(out), "--steps", str(steps)]) == 0
    df, _ = read_table(out)
    # region GB: the German mobile without +49 is not a UK number, so it is kept and counted
    assert df["phone"].tolist() == ["0151 12345678", "+447789173776", ""]
    assert df["last_name"].tolist() == ["MCDONALD", "VAN DER BERG", "o'neil"]
    assert capsys.readouterr().out.splitlines()[0] == "Phone numbers: 1 cell changed, 1 could not be read"


@pytest.mark.parametrize(
    ("steps_json", "message"),
    [
        ('[{"step": "polish"}]', "Step list: step 1 ('polish') is not a known step; use one of "
         "trim, names, emails, phones, dates, money, countries, postcodes, merge_values, impute"),
        ('[{"step": "trim"}, {"step": "phones", "colour": "red"}]',
         "Step list: step 2 ('phones') has unknown setting 'colour'; "
         "it takes columns, country_column, region, strict"),
        ('{"step": "trim"}', "Step list steps.json: expected a JSON list of steps"),
        ('[{"step": "trim",', "Step list steps.json: not readable JSON at line 1; save it as a JSON list of steps"),
        ('[{"step": "phones", "columns": ["tel"]}]',
         "Phone numbers: there is no column named 'tel'; check the column names in the step list"),
    ],
)
def test_bad_step_lists_exit_2_and_write_nothing(crm, tmp_path, capsys, steps_json, message):
    steps = tmp_path / "steps.json"
    steps.write_text(steps_json)
    out = tmp_path / "clean.csv"
    assert main(["clean", str(crm), "-o", str(out), "--steps", str(steps)]) == 2
    assert capsys.readouterr().err == f"localreach clean: {message}\n"
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.csv", "steps.json"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--role", "nope=phone"], "--role: there is no column named 'nope' in the file"),
        (["--role", "phone=telephone"], "--role: 'telephone' is not a role; use one of "),
        (["--region", "Germany"], "--region 'Germany': use a two-letter country code such as DE or GB"),
    ],
)
def test_bad_arguments(crm, tmp_path, capsys, extra, message):
    out = tmp_path / "clean.csv"
    assert main(["clean", str(crm), "-o", str(out), *extra]) == 2
    assert capsys.readouterr().err.startswith(f"localreach clean: {message}")
    assert not out.exists()


def test_output_must_not_be_the_input(crm, capsys):
    assert main(["clean", str(crm), "-o", str(crm)]) == 2
    assert "is also the input" in capsys.readouterr().err


def test_role_override_wins(crm, tmp_path):
    out = tmp_path / "clean.csv"
    assert main(["clean", str(crm), "-o", str(out), "--role", "last_name=other"]) == 0
    df, _ = read_table(out)
    assert df["last_name"].tolist() == ["MCDONALD", "VAN DER BERG", "o'neil"]


def test_run_steps_is_pure(crm):
    df, _ = read_table(crm)
    snapshot = df.copy()
    roles = {c: c for c in df.columns}
    out, reports = run_steps(df, default_steps(df, roles, "DE"), roles=roles)
    assert df.equals(snapshot)
    assert sum(r.changed_cells for r in reports) == 16


def test_suggested_steps_add_gap_filling_only_for_numeric_gaps():
    sales = pd.DataFrame({"order_id": ["1", "2", "3"], "quantity": ["1", "", "3"], "email": ["", "", ""]})
    roles = {"order_id": "order_id", "quantity": "quantity", "email": "email"}
    steps = suggested_steps(sales, roles, None)
    assert [s["step"] for s in steps] == ["trim", "emails", "impute"]
    out, reports = run_steps(sales, steps[-1:], roles=roles)
    assert out["quantity"].tolist() == ["1", "2", "3"]
    assert out["quantity_missing"].tolist() == ["0", "1", "0"]
    assert suggested_steps(sales.assign(quantity=["1", "2", "3"]), roles, None)[-1]["step"] == "emails"


def test_cancel_stops_a_step_and_leaves_the_input_alone(monkeypatch):
    monkeypatch.setattr(base, "CHUNK", 100)
    df = pd.DataFrame({"phone": [f"0151 {12345600 + i}" for i in range(250)]})
    snapshot = df.copy()
    ctx = JobContext(lambda done, total, message: ctx.cancel())
    with pytest.raises(Cancelled):
        run_steps(df, [{"step": "phones", "columns": ["phone"]}], ctx)
    assert df.equals(snapshot)


def test_unknown_region_code_is_refused(crm, tmp_path, capsys):
    assert main(["clean", str(crm), "-o", str(tmp_path / "out.csv"), "--region", "XX"]) == 2
    assert capsys.readouterr().err == (
        "localreach clean: --region 'XX': use a two-letter country code such as DE or GB\n"
    )
