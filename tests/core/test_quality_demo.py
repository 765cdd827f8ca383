"""The default cleaning and the report on the shipped demo files (realistic noise)."""

import pytest

from core.io import read_table
from core.quality.report import quality_report
from core.quality.steps import default_steps, run_steps
from core.resources import resource_path
from core.roles import detect_roles


@pytest.fixture(scope="module")
def demo():
    frames = {"crm": read_table(resource_path("demo/crm.xlsx"))[0],
              "sales": read_table(resource_path("demo/sales.csv"))[0]}
    roles = {n: {c: str(g.role) for c, g in detect_roles(df).items()} for n, df in frames.items()}
    return frames, roles


def test_default_clean_reads_every_phone_and_country(demo):
    frames, roles = demo
    crm = frames["crm"]
    out, reports = run_steps(crm, default_steps(crm, roles["crm"], "DE"), roles=roles["crm"])
    by_step = {r.step: r for r in reports}
    assert by_step["Phone numbers"].failed == 0
    assert by_step["Countries"].failed == 0
    filled = out["phone"][out["phone"] != ""]
    assert filled.str.fullmatch(r"\+\d{8,15}").all()
    assert set(out["country"]) <= {"DE", "FR", "GB", ""}
    assert (out["email"] == out["email"].str.lower()).all()
    assert len(out) == len(crm) and list(out.columns)[: crm.shape[1]] == list(crm.columns)


def test_report_on_demo_finds_no_orphan_sales_and_one_currency(demo):
    frames, roles = demo
    report = quality_report(frames, roles)
    kinds = {(i.file, i.kind) for i in report.issues}
    assert ("sales", "not in CRM") not in kinds
    assert ("sales", "mixed currencies") not in kinds
    crm = report.files["crm"]
    assert crm.score >= 0.95
    assert {c.column: c.invalid for c in crm.columns}["email"] == 0
