"""Privacy screen: policies are undoable, pseudonymising is one undo step and audited with
the key fingerprint, the passphrase fallback without a keyring, the risk panel's fixes."""

from pathlib import Path

import keyring
import keyring.backends.fail
import pandas as pd
import pytest

from app.document import Document
from app.jobs import JobRunner
from app.project import save_document
from core.errors import KeyStoreError
from core.privacy import keystore
from core.privacy.consent import contactable, suppression_from_state
from core.privacy.keystore import KeyRef
from core.privacy.policy import ColumnPolicy
from core.privacy.vault import Vault, project_vault, reveal
from tests.core.privacy_support import MemoryKeyring, fast_scrypt  # noqa: F401 (autouse fixture)
from ui.screens.privacy.screen import Screen
from ui.widgets import passphrase as privacy_passphrase

CRM = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
    "email": ["anna.berg@example.com", "tom.k@example.org", "li@example.net", "max@example.com",
              "eva@example.com", "ole@example.com"],
    "phone": ["+49 151 1111111", "0151 2222222", "", "0170 3333333", "0171 4444444", "0172 5555555"],
    "first_name": ["Anna", "Tom", "Li", "Max", "Eva", "Ole"],
    "postcode": ["10115", "10117", "10119", "20095", "20097", "20099"],
    "date_of_birth": ["1980-05-01", "1982-11-30", "1985-01-01", "1990-06-06", "1991-07-07", "1992-08-08"],
    "gender": ["f", "m", "f", "m", "f", "m"],
    "newsletter": ["yes", "yes", "no", "yes", "yes", "yes"],
})
PLAIN = ["anna.berg", "tom.k@", "Anna", "1111111", "1980-05-01"]


@pytest.fixture
def memory_keyring(monkeypatch):
    backend = MemoryKeyring()
    monkeypatch.setitem(keystore.TRUSTED_BACKENDS, f"{MemoryKeyring.__module__}.MemoryKeyring", "test keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def screen(qtbot):
    doc, jobs = Document(), JobRunner()
    doc.set_frame("crm", CRM, "Import", roles={"email": "email", "first_name": "first_name"})
    doc.undo_stack.clear()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    jobs.shutdown()


def _row(screen, column):
    return [screen.columns.item(r, 0).text() for r in range(screen.columns.rowCount())].index(column)


def _pseudonymise(screen, qtbot):
    with qtbot.waitSignal(screen.document.frameChanged, timeout=5000):
        screen.apply_button.click()


def test_waiting_for_a_customer_list(qtbot):
    doc, jobs = Document(), JobRunner()
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    assert widget.waiting_for() == "Import a customer list first: this step protects the people in it."
    jobs.shutdown()


def test_columns_show_kind_policy_and_preview_and_a_change_is_undoable(screen):
    row = _row(screen, "email")
    assert screen.columns.cellWidget(row, 1).currentText() == "e-mail addresses (100% sure)"
    combo = screen.columns.cellWidget(row, 2)
    assert combo.currentData() == "token"
    assert screen.columns.item(row, 3).text().startswith("email_v1_")
    assert screen.columns.item(_row(screen, "postcode"), 3).text() == "101"
    assert screen.columns.cellWidget(_row(screen, "customer_id"), 1).currentText() == "nothing personal"
    assert screen.preview_after.frame()["postcode"].tolist() == ["101", "101", "101", "200", "200"]
    combo.setCurrentIndex(2)  # "Show part only"
    assert screen.config().columns["email"].action == "mask"
    assert screen.columns.item(_row(screen, "email"), 3).text() == "an***@example.com"
    assert screen.document.undo_stack.undoText() == "Privacy: show part only for email"
    entry = screen.document.audit_entries()[-1]
    assert (entry["step"], entry["params"]) == ("privacy", {"action": "set policy", "column": "email", "policy": "mask",
                                                            "option": "", "table": "crm"})
    screen.document.undo_stack.undo()
    assert screen.config().columns["email"].action == "token"
    postcode = screen.columns.cellWidget(_row(screen, "postcode"), 2)
    assert [postcode.itemText(i) for i in range(postcode.count())] == [
        "Keep as is", "Hide behind a code (back at export)", "Show part only",
        "Keep only the area (outward code)", "Keep only the first 2 characters",
        "Keep only the first character", "Leave out"]
    postcode.setCurrentIndex(postcode.findData("generalise:prefix2"))
    assert screen.document.undo_stack.undoText() == "Privacy: keep only the first 2 characters for postcode"
    assert screen.preview_after.frame()["postcode"].tolist() == ["10", "10", "10", "20", "20"]


def test_pseudonymise_is_one_undo_step_audited_and_saves_no_plaintext(screen, qtbot, memory_keyring, tmp_path):
    _pseudonymise(screen, qtbot)
    doc = screen.document
    out, state = doc.frame("crm"), doc.state("privacy")
    ref = KeyRef(**state["key"])
    assert out["email"].str.startswith("email_v1_").all() and "first_name" in doc.roles("crm")
    assert out["postcode"].tolist() == ["101", "101", "101", "200", "200", "200"]
    key = keystore.unlock(ref)
    vault = Vault.from_frame(key, state["vault"])
    assert reveal(vault, out["email"], purpose="test", audit=lambda e: None).tolist() == CRM["email"].tolist()
    entry = doc.audit_entries()[-1]
    assert entry["key_fingerprint"] == ref.fingerprint == keystore.fingerprint(key)
    assert not [p for p in PLAIN if p in str(entry)]
    assert screen.status() == ("done", "5 columns protected")
    path = save_document(doc, tmp_path / "p.lreach")
    raw = path.read_bytes()
    assert not [p for p in PLAIN if p.encode() in raw]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.frame("crm").equals(CRM) and doc.state("privacy") is None


def test_suppression_list_and_consent_leave_people_out(screen, qtbot, memory_keyring, tmp_path):
    _pseudonymise(screen, qtbot)
    (tmp_path / "dnc.csv").write_text("email\nMAX@example.com\n", encoding="utf-8")
    screen.import_suppression(str(tmp_path / "dnc.csv"))
    assert screen.suppress_label.text() == ("1 person asked not to be contacted\n4 may be contacted, "
                                            "1 asked not to be, 0 gave no answer, 1 on the "
                                            "suppression list.")
    tokens = screen.document.state("privacy")["suppression"]
    assert all(t.startswith("email_v1_") for t in tokens)
    state = screen.document.state("privacy")
    frame = screen.document.frame("crm")
    result = contactable(frame, email_column="email", suppression=suppression_from_state(state))
    assert result.summary() == {"said no to being contacted": 1, "on the suppression list": 1}
    assert result.mask.tolist() == [True, True, False, False, True, True]
    audit = []
    emails = reveal(project_vault(state), frame["email"][result.mask], purpose="export", audit=audit.append)
    assert emails.tolist() == ["anna.berg@example.com", "tom.k@example.org", "eva@example.com", "ole@example.com"]
    assert audit[0]["tokens_revealed"] == 4 and audit[0]["key_fingerprint"] == state["key"]["fingerprint"]


def test_without_a_keyring_the_key_goes_to_a_passphrase_file(screen, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(privacy_passphrase, "ask_passphrase",
                        lambda parent, title, text, confirm: asked.append((title, confirm)) or "long enough pass")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        _pseudonymise(screen, qtbot)
    finally:
        keyring.set_keyring(previous)
    ref = KeyRef(**screen.document.state("privacy")["key"])
    assert asked == [("Protect the key with a passphrase", True)]
    assert ref.key_file.endswith(f"{ref.project_id}-{ref.fingerprint}.lrkey")
    assert keystore.fingerprint(keystore.unlock(ref, "long enough pass")) == ref.fingerprint
    assert "key file" in screen.key_label.text() and ref.fingerprint in screen.key_label.text()


def test_rotate_recomputes_codes_and_undo_finds_the_old_key(screen, qtbot, memory_keyring, monkeypatch):
    _pseudonymise(screen, qtbot)
    before = screen.document.frame("crm")
    old_ref = KeyRef(**screen.document.state("privacy")["key"])
    monkeypatch.setattr(screen, "confirm", lambda title, text: True)
    screen.rotate_key()
    new_ref = KeyRef(**screen.document.state("privacy")["key"])
    after = screen.document.frame("crm")
    assert new_ref.fingerprint != old_ref.fingerprint
    assert (after["email"] != before["email"]).all() and after["customer_id"].equals(before["customer_id"])
    vault = Vault.from_frame(keystore.unlock(new_ref), screen.document.state("privacy")["vault"])
    assert vault.open(after["email"][0]) == "anna.berg@example.com"
    screen.document.undo_stack.undo()
    assert screen.document.frame("crm").equals(before)
    assert keystore.fingerprint(keystore.unlock(old_ref)) == old_ref.fingerprint


def test_risk_panel_reports_and_applies_fixes(screen, qtbot):
    assert screen.chosen_quasi_identifiers() == ["postcode", "date_of_birth", "gender"]
    screen.k_spin.setValue(3)
    with qtbot.waitSignal(screen.document.stateChanged, timeout=5000):
        screen.risk_button.click()
    assert screen.risk_label.text() == (
        "6 people (33% alone in their group) could be recognised: the smallest group has 1.")
    assert screen.suggestion_list.count() >= 1
    screen.apply_suggestions_button.click()
    sizes = pd.DataFrame({"segment": ["Champions", "At risk", "New"], "people": [40, 2, 3]})
    screen.document.set_state("segments", {"result": {"report": {"sizes": sizes}}}, "Find groups")
    with qtbot.waitSignal(screen.document.stateChanged, timeout=5000):
        screen.risk_button.click()
    assert screen.risk_label.text() == (
        "Safe: every combination fits at least 3 people. Customer groups smaller than 3 people, "
        "too small to show safely: At risk.")


def test_backup_delete_and_restore_the_key(screen, qtbot, memory_keyring, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    _pseudonymise(screen, qtbot)
    ref = KeyRef(**screen.document.state("privacy")["key"])
    monkeypatch.setattr(privacy_passphrase, "ask_passphrase", lambda *a: "backup passphrase")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "b.lrkey"), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "b.lrkey"), ""))
    monkeypatch.setattr(screen, "confirm", lambda title, text: True)
    screen.backup_key()
    assert keystore.import_backup(tmp_path / "b.lrkey", "backup passphrase", expected=ref.fingerprint)
    screen.delete_key()
    assert memory_keyring.store == {} and screen.document.state("privacy")["key"] is None
    assert [e["params"]["action"] for e in screen.document.audit_entries()[-2:]] == ["back up key", "delete key"]
    screen.document.undo_stack.undo()  # the project knows the key again, but the key is gone
    with pytest.raises(KeyStoreError, match="restore it from its backup"):
        keystore.unlock(ref)
    screen._key = None
    screen.restore_key()
    assert keystore.fingerprint(keystore.unlock(ref)) == ref.fingerprint
    assert screen.document.audit_entries()[-1]["params"] == {"action": "restore key"}


def test_main_window_flow_on_the_demo_data(qtbot, memory_keyring):
    from ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    try:
        with qtbot.waitSignal(win.document.frameChanged, timeout=15000):
            win.screens["import"].load_demo()
        qtbot.waitUntil(lambda: win.document.frame("sales") is not None, timeout=15000)
        crm = win.document.frame("crm")
        win.go_to("privacy")
        privacy = win.screens["privacy"]
        assert privacy.status() == ("not started", "")
        assert privacy.summary.text() == f"{len(crm):,} rows · 7 columns will be protected"
        _pseudonymise(privacy, qtbot)
        out = win.document.frame("crm")
        empty = crm["email"].str.strip() == ""
        assert len(out) == len(crm) and (out["email"] == "").equals(empty)
        assert out["email"][~empty].str.startswith("email_v1_").all()
        assert 0 < out["phone"].nunique() <= crm["phone"].nunique()
        assert privacy.status() == ("done", "7 columns protected")
        assert privacy.key_buttons["backup"].isEnabled()
    finally:
        win.jobs.shutdown()


def test_the_user_overrides_what_a_column_holds(screen):
    kind = screen.columns.cellWidget(_row(screen, "customer_id"), 1)
    kind.setCurrentIndex(kind.findData("national_id"))
    assert screen.config().columns["customer_id"] == ColumnPolicy("drop", "national_id", "")
    assert screen.document.undo_stack.undoText() == "Privacy: customer_id holds national id numbers"
    assert screen.columns.item(_row(screen, "customer_id"), 3).text() == "(left out)"
    assert screen.document.audit_entries()[-1]["params"] == {
        "action": "set kind", "column": "customer_id", "kind": "national_id", "table": "crm"}
    screen.document.undo_stack.undo()
    assert screen.config().columns["customer_id"] == ColumnPolicy("keep", None, "")


def test_passphrase_dialog_allows_ok_only_for_a_usable_passphrase(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = privacy_passphrase.PassphraseDialog("Protect the key", "No safe keyring here.", confirm=True)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.hint.text() == "Use at least 8 characters."
    dialog.passphrase.setText("long enough")
    assert not ok.isEnabled() and dialog.hint.text() == "The two entries differ."
    dialog.repeat.setText("long enough")
    assert ok.isEnabled() and dialog.hint.text() == ""


def test_a_wrong_passphrase_is_refused_and_asked_again(screen, qtbot, monkeypatch):
    answers = iter(["long enough pass", "wrong passphrase", "long enough pass"])
    monkeypatch.setattr(privacy_passphrase, "ask_passphrase", lambda *a: next(answers))
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        _pseudonymise(screen, qtbot)
        screen._key, screen._passphrase = None, None  # as after reopening the project
        with pytest.raises(KeyStoreError, match="^Wrong passphrase for Key file"):
            screen.unlock()
        key, ref = screen.unlock()
    finally:
        keyring.set_keyring(previous)
    assert keystore.fingerprint(key) == ref.fingerprint


def test_restore_into_a_key_file_project(screen, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(privacy_passphrase, "ask_passphrase", lambda *a: "long enough pass")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "b.lrkey"), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "b.lrkey"), ""))
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        _pseudonymise(screen, qtbot)
        ref = KeyRef(**screen.document.state("privacy")["key"])
        screen.backup_key()
        Path(ref.key_file).unlink()  # the key file is lost, the backup is not
        screen._key = screen._passphrase = None
        screen.restore_key()
        assert keystore.fingerprint(keystore.unlock(ref, "long enough pass")) == ref.fingerprint
        assert screen.document.audit_entries()[-1]["params"] == {"action": "restore key"}
    finally:
        keyring.set_keyring(previous)
