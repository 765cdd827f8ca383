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


def test_a_subscribers_status_is_no_orders_status(tmp_path, capsys):
    """A contact list's Status (Subscribed / Pending) says nothing about spend; a sales
    file's Status still sets cancelled orders aside."""
    (tmp_path / "list.csv").write_text("id,name,email,Status\n1,Ann,ann@x.org,Subscribed\n"
                                       "2,Bo,bo@x.org,Pending\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text("Order ID,Customer,Order Date,Total,Status\n"
                                         "1,a,2024-01-02,10.00,completed\n"
                                         "2,b,2024-01-03,5.00,cancelled\n", encoding="utf-8")
    assert main(["profile", str(tmp_path / "list.csv")]) == 0
    assert "order(s)" not in capsys.readouterr().out
    assert main(["profile", str(tmp_path / "orders.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == ["1 order(s) from 2 line(s) count as spend.",
                          "Set aside as no spend: 1 cancelled (1 line(s))."]


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    """`localreach profile f.csv | head -1`: no traceback when the reader stops."""
    import subprocess
    import sys

    (tmp_path / "f.csv").write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(50)), encoding="utf-8")
    reader = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.readline()"],
                              stdin=subprocess.PIPE)
    command = subprocess.run([sys.executable, "-c", "import sys, time; from app.cli import main;"
                              " time.sleep(1); sys.exit(main(sys.argv[1:]))", "profile", str(tmp_path / "f.csv")],
                             stdout=reader.stdin, stderr=subprocess.PIPE, text=True,
                             cwd=str(resource_path("demo", "crm.xlsx").parents[2]))
    reader.wait()
    assert "Traceback" not in command.stderr and command.returncode in (0, 1)
