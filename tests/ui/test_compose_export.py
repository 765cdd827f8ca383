"""Export screen: the plan, writing with progress, A/B results with the verdict."""

import email
from email import policy

import pandas as pd
import pytest

from app.document import Document
from app.jobs import JobRunner
from core.compose.campaign import Campaign
from core.compose.template import Template
from ui.screens.export.screen import Screen

ROLES = {"email": "email", "first_name": "first_name", "consent": "consent"}


@pytest.fixture
def screen(qtbot):
    doc, jobs = Document(), JobRunner()
    frame = pd.DataFrame({
        "email": [f"p{i}@example.org" for i in range(40)],
        "first_name": [f"P{i}" for i in range(40)],
        "segment": ["s1"] * 20 + ["s2"] * 20,
        "consent": ["yes"] * 36 + ["no"] * 4,
    })
    doc.set_frame("crm", frame, "Import", roles=ROLES)
    campaign = Campaign({"A": Template("Hi {{ first_name }}", "Version A for {{ first_name }}\n")})
    doc.set_state("compose", campaign.to_state(), "Compose")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        widget.show()
    yield widget
    jobs.shutdown()


def test_plan_then_export_eml(screen, qtbot, tmp_path, monkeypatch):
    assert not screen.open_button.isVisibleTo(screen)
    assert screen.plan_label.text() == "Will write 36 messages; 4 left out: 4 said no to being contacted."
    screen.folder.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(screen.jobs.finished, timeout=10000):
        screen.export_button.click()
    qtbot.waitUntil(lambda: screen.document.state("export") is not None, timeout=10000)
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 37 and files[0] == "left_out.csv"
    msg = email.message_from_bytes((tmp_path / "out" / files[1]).read_bytes(), policy=policy.default)
    assert (msg["To"], msg["Subject"], msg.get_content()) == (
        "p0@example.org", "Hi P0", "Version A for P0\n")
    state = screen.document.state("export")
    assert state["summary"] == {"written": 36, "left_out": 4, "reasons": {"said no to being contacted": 4}}
    assert screen.status() == ("done", "36 messages written")
    assert screen.document.audit_entries()[-1]["rows_out"] == 36
    opened = []
    monkeypatch.setattr("ui.screens.export.screen.QDesktopServices.openUrl", opened.append)
    assert screen.open_button.isVisibleTo(screen)
    screen.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str((tmp_path / "out").resolve())]


def test_ab_export_then_results(screen, qtbot, tmp_path):
    campaign = Campaign.from_state(screen.document.state("compose"))
    campaign = campaign.with_template("B", Template("Hey {{ first_name }}", "Version B\n"))
    with qtbot.waitSignal(screen.jobs.finished, timeout=5000):
        screen.document.set_state("compose", campaign.to_state(), "Add B")
    screen.folder.setText(str(tmp_path / "out"))
    screen.format.setCurrentIndex(4)  # csv
    with qtbot.waitSignal(screen.jobs.finished, timeout=10000):
        screen.export_button.click()
    qtbot.waitUntil(lambda: screen.document.state("export") is not None, timeout=10000)
    assignment = screen.document.state("export")["assignment"]
    assert assignment["variant"].value_counts().to_dict() == {"A": 16, "B": 16, "control": 4}
    table = pd.read_csv(tmp_path / "out" / "merge.csv", dtype=str)
    assert len(table) == 32 and set(table["variant"]) == {"A", "B"}
    converted = assignment["variant"].map({"A": "", "B": "yes", "control": ""})
    pd.DataFrame({"email": assignment["email"], "converted": converted}).to_csv(
        tmp_path / "results.csv", index=False)
    screen.load_results(tmp_path / "results.csv")
    qtbot.waitUntil(lambda: screen.results.table.rowCount() == 3, timeout=10000)
    rows = [[screen.results.table.item(r, c).text() for c in range(5)] for r in range(3)]
    assert rows[0][:4] == ["A", "16", "0.0 %", "+0.0 per 100"]
    assert rows[1][:4] == ["B", "16", "100.0 %", "+100.0 per 100"]
    assert "Variant B got 100.0 more purchases per 100 people" in screen.results.verdicts.text()
    assert screen.results.canvas is not None
