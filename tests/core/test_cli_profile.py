"""`localreach profile`: shape, roles, missing shares and warnings; JSON and plain text; bad input."""

from __future__ import annotations

import json

import pandas as pd

from app.cli import main
from core.resources import resource_path

CRM = resource_path("demo", "crm.xlsx")


def test_json_profile_of_the_demo_crm(capsys):
    assert main(["profile", str(CRM), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    profile = json.loads(out)
    assert (profile["file"], profile["sheet"], profile["rows"], profile["columns"]) == (
        "crm.xlsx", "Contacts", 461, 13,
    )  # fmt: skip
    roles = {d["name"]: d["role"] for d in profile["column_details"]}
    assert roles == {c: (c if c != "created_at" else "other") for c in roles}
    crm = pd.read_excel(CRM, dtype=str, keep_default_na=False, engine="openpyxl")
    missing = {d["name"]: d["missing"] for d in profile["column_details"]}
    assert missing["email"] == round((crm["email"] == "").mean(), 4) == 0.0499
    assert missing["customer_id"] == 0.0
    assert profile["warnings"] == []
    assert all(0 <= d["confidence"] <= 1 for d in profile["column_details"])


def test_plain_profile_is_a_readable_table(capsys):
    assert main(["profile", str(CRM), "--sheet", "Contacts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "crm.xlsx (sheet Contacts): 461 rows, 13 columns"
    assert lines[1].split() == ["Column", "Role", "Sure", "Empty", "Why"]
    email = next(line for line in lines if line.startswith("email "))
    assert email.split()[:4] == ["email", "email", "99%", "5.0%"]
    assert lines[-1] == "No import warnings."


def test_import_warnings_are_listed(tmp_path, capsys):
    src = tmp_path / "contacts.csv"
    src.write_text("Name;E-Mail;E-Mail\nAnna;a@x.example;b@x.example\n", encoding="utf-8")
    assert main(["profile", str(src)]) == 0
    out = capsys.readouterr().out
    assert "contacts.csv: 1 rows, 3 columns" in out
    assert "Import warnings:\n  - " in out
    assert "a@x.example" not in out  # never a cell value


def test_missing_file_exits_2_with_one_line(tmp_path, capsys):
    assert main(["profile", str(tmp_path / "nofile.csv")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "localreach profile: nofile.csv: file not found; check the path and try again.\n"
    assert list(tmp_path.iterdir()) == []


def test_unknown_sheet_and_sheet_on_csv_are_refused(tmp_path, capsys):
    assert main(["profile", str(CRM), "--sheet", "Orders"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "localreach profile: crm.xlsx: there is no sheet named 'Orders'; "
        "choose one of its 1 sheets.\n"
    )
    src = tmp_path / "a.csv"
    src.write_text("x\n1\n", encoding="utf-8")
    assert main(["profile", str(src), "--sheet", "x"]) == 2
    assert capsys.readouterr().err == (
        "localreach profile: a.csv: --sheet only applies to workbooks; leave it out.\n"
    )
