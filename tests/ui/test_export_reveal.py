"""Export after Privacy: real addresses come back from the project's vault, for people who
may be contacted only; no token in the output; each reveal audited without values; a
wrong passphrase shows one error and writes nothing."""

import json
import re

import keyring
import keyring.backends.fail
import pandas as pd
import pytest

from app.document import Document
from app.jobs import JobRunner
from core.compose.campaign import Campaign
from core.compose.template import Template
from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)
from tests.ui.test_privacy_screen import memory_keyring  # noqa: F401 (fixture)
from ui.screens.export import screen as export
from ui.screens.privacy import screen as privacy
from ui.widgets import passphrase as privacy_passphrase

CRM = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4", "C5"],
    "email": ["anna.berg@example.com", "tom.k@example.org", "li@example.net", "max@example.com",
              "eva@example.com"],
    "first_name": ["Anna", "Tom", "Li", "Max", "Eva"],
    "newsletter": ["yes", "yes", "no", "yes", "yes"],
})
ROLES = {"email": "email", "first_name": "first_name"}
WRITTEN = {"anna.berg@example.com": "Dear Anna\n", "tom.k@example.org": "Dear Tom\n",
           "eva@example.com": "Dear Eva\n"}
TOKEN = re.compile(r"[a-z_]+_v\d+_[0-9a-f]{32}")


@pytest.fixture
def doc(qtbot, tmp_path):
    """A pseudonymised project (Privacy screen) with a suppression list and a message."""
    document, jobs = Document(), JobRunner()
    document.set_frame("crm", CRM, "Import", roles=ROLES)
    screen = privacy.Screen(document, jobs)
    qtbot.addWidget(screen)
    screen.show()

    def pseudonymise():
        with qtbot.waitSignal(document.frameChanged, timeout=5000):
            screen.apply_button.click()
        (tmp_path / "dnc.csv").write_text("email\nMAX@example.com\n", encoding="utf-8")
        screen.import_suppression(str(tmp_path / "dnc.csv"))
        screen.hide()
        campaign = Campaign({"A": Template("Hi {{ first_name }}", "Dear {{ first_name }}\n")})
        document.set_state("compose", campaign.to_state(), "Compose")
        assert all(TOKEN.fullmatch(e) for e in document.frame("crm")["email"])
        return document, jobs

    yield pseudonymise
    jobs.shutdown()


def _export_screen(qtbot, document, jobs):
    widget = export.Screen(document, jobs)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        widget.show()
    return widget


def _export(widget, qtbot, folder):
    widget.folder.setText(str(folder))
    widget.format.setCurrentIndex(4)  # csv
    with qtbot.waitSignal(widget.jobs.finished, timeout=30000):
        widget.export_button.click()


@pytest.mark.usefixtures("memory_keyring")
def test_export_reveals_real_addresses_of_contactable_people(doc, qtbot, tmp_path):
    document, jobs = doc()
    widget = _export_screen(qtbot, document, jobs)
    assert widget.plan_label.text() == ("Will write 3 messages; 2 left out: 1 said no to being "
                                        "contacted, 1 on the suppression list.")
    _export(widget, qtbot, tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "merge.csv", dtype=str, keep_default_na=False)
    assert dict(zip(table["email"], table["body"], strict=True)) == WRITTEN
    assert table["subject"].tolist() == ["Hi Anna", "Hi Tom", "Hi Eva"]
    for path in (tmp_path / "out").iterdir():
        text = path.read_text(encoding="utf-8")
        assert not TOKEN.search(text) and "max@" not in text.lower() and "li@" not in text, path.name
    assert pd.read_csv(tmp_path / "out" / "left_out.csv", dtype=str).to_dict("records") == [
        {"row": "4", "id": "C3", "reason": "said no to being contacted"},
        {"row": "5", "id": "C4", "reason": "on the suppression list"}]

    def reveals():
        return [e for e in document.audit_entries() if e["params"].get("action") == "reveal" and e["step"] == "export"]

    # the plan, the export and the plan after it each revealed e-mail and first name of the
    # 3 contactable people (2 unique values per column and call: the audit counts them)
    qtbot.waitUntil(lambda: len(reveals()) == 6, timeout=30000)
    assert [(e["step"], e["rows_in"], e["rows_out"]) for e in reveals()] == [("export", 3, 3)] * 6
    assert {e["key_fingerprint"] for e in reveals()} == {document.state("privacy")["key"]["fingerprint"]}
    assert {e["params"]["purpose"] for e in reveals()} == {"mail merge"}
    entries = document.audit_entries()
    written = [e for e in entries if e["params"].get("format") == "csv"]
    assert [(e["params"], e["rows_out"]) for e in written] == [({"format": "csv", "files": 2}, 3)]
    logged = json.dumps(entries)
    assert "@example" not in logged and "Anna" not in logged and not TOKEN.search(logged)


def test_key_file_passphrase_is_asked_at_export_and_a_wrong_one_writes_nothing(doc, qtbot, monkeypatch,
                                                                               tmp_path):
    answers = iter(["long enough pass", "wrong passphrase", "long enough pass"])
    monkeypatch.setattr(privacy_passphrase, "ask_passphrase", lambda *a: next(answers))
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        document, jobs = doc()  # no keyring: the key goes to a file protected by a passphrase
        widget = _export_screen(qtbot, document, jobs)
        assert widget.plan_label.text() == (
            "Real names and addresses come back from the vault when you export: the messages are "
            "counted then.")
        assert widget.consent.counts.text() == ("3 may be contacted, 1 asked not to be, 0 gave no "
                                                "answer, 1 on the suppression list.")
        errors = []
        monkeypatch.setattr(widget, "show_error", errors.append)
        widget.folder.setText(str(tmp_path / "out"))
        widget.export()
        assert [str(e) for e in errors] == [
            "Wrong passphrase for Key file "
            f"{document.state('privacy')['key']['key_file'].rsplit('/', 1)[-1]} "
            "(or the file was changed); try again."]
        assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".*"))
        _export(widget, qtbot, tmp_path / "out")
    finally:
        keyring.set_keyring(previous)
    table = pd.read_csv(tmp_path / "out" / "merge.csv", dtype=str, keep_default_na=False)
    assert dict(zip(table["email"], table["body"], strict=True)) == WRITTEN
    # the passphrase is kept for this session: the plan now counts the revealed people
    qtbot.waitUntil(lambda: widget.plan_label.text() == (
        "Will write 3 messages; 2 left out: 1 said no to being contacted, 1 on the suppression "
        "list."),
        timeout=30000)
