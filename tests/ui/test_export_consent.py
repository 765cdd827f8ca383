"""Export screen, consent in people: counts with an opt-out duplicate, the flip of a
column's meaning (undoable), an unclear column answered, and a list without consent."""

import pandas as pd

from app.document import Document
from app.jobs import JobRunner
from core.compose.campaign import Campaign
from core.compose.template import Template
from ui.screens.export import screen as export

# Ann is two records (cluster 1): her second record opted out, so she is written to never.
CRM = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4", "C5"],
    "email": ["ann@example.org", "ann.b@example.org", "bob@example.org", "cy@example.org",
              "di@example.org"],
    "first_name": ["Ann", "Ann", "Bob", "Cy", "Di"],
    "cluster_id": ["1", "1", "2", "3", "4"],
    "unsubscribed": ["no", "yes", "no", "no", ""],
})
ROLES = {"customer_id": "customer_id", "email": "email", "first_name": "first_name"}


def _screen(qtbot, frame, roles=ROLES):
    document, jobs = Document(), JobRunner()
    document.set_frame("crm", frame, "Import", roles=roles)
    campaign = Campaign({"A": Template("Hi {{ first_name }}", "Dear {{ first_name }}\n")})
    document.set_state("compose", campaign.to_state(), "Compose")
    widget = export.Screen(document, jobs)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        widget.show()
    return document, jobs, widget


def _wait_plan(qtbot, widget, action):
    with qtbot.waitSignal(widget.jobs.finished, timeout=30000):
        action()


def test_counts_are_people_and_an_opt_out_duplicate_is_never_written(qtbot, tmp_path):
    document, jobs, widget = _screen(qtbot, CRM)
    assert widget.consent.counts.text() == "3 may be contacted, 1 asked not to be, 0 gave no answer."
    assert widget.plan_label.text() == "Will write 3 messages; 1 left out: 1 asked not to be contacted."
    widget.folder.setText(str(tmp_path / "out"))
    widget.format.setCurrentIndex(4)  # csv
    _wait_plan(qtbot, widget, widget.export_button.click)
    table = pd.read_csv(tmp_path / "out" / "merge.csv", dtype=str, keep_default_na=False)
    assert table["email"].tolist() == ["bob@example.org", "cy@example.org", "di@example.org"]
    left = pd.read_csv(tmp_path / "out" / "left_out.csv", dtype=str, keep_default_na=False)
    assert left.to_dict("records") == [{"row": "2", "id": "C1", "cluster_id": "1",
                                        "reason": "asked not to be contacted"}]
    jobs.shutdown()


def test_flipping_a_columns_meaning_changes_the_counts_and_undoes(qtbot):
    document, jobs, widget = _screen(qtbot, CRM)
    flips = [b for b in widget.consent.findChildren(export.QPushButton) if b.text() == "Flip meaning"]
    assert [b.accessibleName() for b in flips] == ["Flip the meaning of unsubscribed"]
    _wait_plan(qtbot, widget, flips[0].click)
    # read as consent: only Ann's second record says yes, but her first says no -> nobody
    assert document.state("consent") == {"polarity": {"unsubscribed": "opt-in"},
                                         "without_consent": False, "channel": "email"}
    assert widget.consent.counts.text() == "0 may be contacted, 3 asked not to be, 1 gave no answer."
    assert not widget.export_button.isEnabled()
    _wait_plan(qtbot, widget, document.undo_stack.undo)
    assert document.state("consent") is None
    assert widget.consent.counts.text() == "3 may be contacted, 1 asked not to be, 0 gave no answer."
    jobs.shutdown()


def test_an_unclear_column_is_asked_and_a_list_without_consent_needs_a_legal_basis(qtbot):
    frame = CRM.drop(columns=["unsubscribed"]).assign(flag=["yes", "no", "yes", "no", "yes"])
    document, jobs, widget = _screen(qtbot, frame, {**ROLES, "flag": "consent"})
    assert widget.consent.counts.text().startswith("Column 'flag' may record consent or opt-outs")
    assert not widget.export_button.isEnabled()
    buttons = {b.text(): b for b in widget.consent.findChildren(export.QPushButton)}
    _wait_plan(qtbot, widget, buttons["Yes means: do not contact"].click)
    assert widget.consent.counts.text() == "1 may be contacted, 3 asked not to be, 0 gave no answer."
    jobs.shutdown()

    book = CRM.drop(columns=["unsubscribed", "cluster_id"])
    document, jobs, widget = _screen(qtbot, book)
    assert widget.consent.counts.text() == ("Nobody in this list has said they may be contacted: it "
                                            "has no consent or opt-out column.")
    assert widget.consent.legal_basis.isVisible() and not widget.export_button.isEnabled()
    _wait_plan(qtbot, widget, lambda: widget.consent.legal_basis.setChecked(True))
    assert widget.plan_label.text() == "Will write 5 messages."
    assert widget.export_button.isEnabled()
    assert any(e["params"].get("action") == "legal basis without consent column"
               for e in document.audit_entries())
    jobs.shutdown()


def test_the_privacy_screen_counts_people_and_flips_too(qtbot):
    from ui.screens.privacy import screen as privacy

    document, jobs = Document(), JobRunner()
    document.set_frame("crm", CRM, "Import", roles=ROLES)
    screen = privacy.Screen(document, jobs)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: "may be contacted" in screen.suppress_label.text(), timeout=5000)
    assert screen.suppress_label.text() == "3 may be contacted, 1 asked not to be, 0 gave no answer."
    flips = [b for b in screen.consent.findChildren(privacy.QPushButton) if b.text() == "Flip meaning"]
    flips[0].click()
    qtbot.waitUntil(lambda: screen.suppress_label.text().startswith("0 may be contacted"), timeout=5000)
    assert document.state("consent")["polarity"] == {"unsubscribed": "opt-in"}
    document.undo_stack.undo()
    qtbot.waitUntil(lambda: screen.suppress_label.text().startswith("3 may be contacted"), timeout=5000)
    jobs.shutdown()


def test_a_mailchimp_unsubscribed_export_writes_nobody(qtbot, tmp_path):
    """Imported as the customer list, Mailchimp's export of the people who left: the plan
    says nobody, and Export writes nothing (it wrote to both before)."""
    from pathlib import Path

    from core.io import read_table
    from core.roles import detect_roles

    frame = read_table(Path(__file__).parents[1] / "fixtures" / "vendors" / "mailchimp_unsubscribed.csv")[0]
    roles = {c: g.role.value for c, g in detect_roles(frame).items()}
    document, jobs, widget = _screen(qtbot, frame, roles)
    assert widget.consent.counts.text() == "0 may be contacted, 2 asked not to be, 0 gave no answer."
    assert widget.plan_label.text() == ("Nobody may be written to; 2 left out: 2 in a Mailchimp "
                                        "unsubscribed members export: people who left the list.")
    widget.folder.setText(str(tmp_path / "out"))
    assert not widget.export_button.isEnabled()
    jobs.shutdown()


def test_a_plan_that_fails_says_so_instead_of_its_old_sentence(qtbot):
    """A template naming a field the list lacks: the plan fails with the error dialog, and
    the plan line says why (it kept 'Nothing can be written until the question above is
    answered.' from before, with that question answered)."""
    document, jobs, widget = _screen(qtbot, CRM)
    campaign = Campaign({"A": Template("Hi {{ Vorname }}", "Hallo {{ Vorname }}\n")})
    _wait_plan(qtbot, widget, lambda: document.set_state("compose", campaign.to_state(), "Compose"))
    assert widget.plan_label.text() == ("Nothing can be written: subject: unknown merge field Vorname; "
                                        "check the field list (and 1 more problem)")
    assert not widget.export_button.isEnabled()
    jobs.shutdown()
