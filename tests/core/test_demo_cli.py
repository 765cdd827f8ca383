"""`localreach demo`: writes the three files and says what it wrote; bad input writes nothing."""

from __future__ import annotations

import pandas as pd

from app.cli import main


def test_demo_command_writes_and_reports(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", str(out), "--customers", "120", "--seed", "5"]) == 0
    stdout, stderr = capsys.readouterr()
    truth = pd.read_csv(out / "truth.csv", dtype=str)
    sales = pd.read_csv(out / "sales.csv", dtype=str)
    people = truth["person_id"].nunique()
    dups = len(truth) - people
    dup_people = int((truth.groupby("person_id").size() > 1).sum())
    lines = stdout.splitlines()
    assert people == 120
    assert lines[0].startswith(
        f"120 people, {len(truth):,} CRM rows ({dups:,} duplicate records of {dup_people:,} people, "
    )
    assert lines[1] == f"{len(sales):,} sales rows"
    assert lines[2] == f"wrote {out / 'crm.xlsx'}, {out / 'sales.csv'}, {out / 'truth.csv'}"
    assert stderr == ""  # no progress bar when not on a terminal


def test_bad_demo_input_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", str(out), "--customers", "0"]) == 2
    assert capsys.readouterr().err == (
        "localreach demo: The demo needs at least 1 customer: use --customers 1 or more.\n"
    )
    assert main(["demo", str(out), "--seed", "-1"]) == 2
    assert capsys.readouterr().err == (
        "localreach demo: The seed must be 0 or a positive whole number.\n"
    )
    assert not out.exists()
    blocker = tmp_path / "taken"
    blocker.write_text("keep")
    assert main(["demo", str(blocker)]) == 2
    assert capsys.readouterr().err == (
        f"localreach demo: {blocker} is a file, not a folder: choose a folder for the demo files.\n"
    )
    assert blocker.read_text() == "keep"
