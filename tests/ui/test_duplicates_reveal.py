"""A project pseudonymised before its duplicates were looked for (issue 18): once the key
opens, the review compares and shows real names and streets from the vault, never codes,
with one audited reveal (counts only); the customer list keeps its codes. A key in a key
file needs its passphrase first: until then the screen says why it shows codes."""

from __future__ import annotations

import re

import keyring
import keyring.backends.fail
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.jobs import JobRunner
from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)
from tests.ui.test_dedupe_screen import febrl  # noqa: F401 (fixture)
from tests.ui.test_privacy_screen import memory_keyring  # noqa: F401 (fixture)
from ui.screens.duplicates.screen import Screen
from ui.screens.privacy import screen as privacy
from ui.widgets import passphrase

TOKEN = re.compile(r"[a-z_]+_v\d+_[0-9a-f]{32}")
ROLES = {"rec_id": "customer_id", "given_name": "first_name", "surname": "last_name"}


def all_codes(values: pd.Series) -> bool:
    """Every filled value is a code (empty ones stay empty)."""
    return bool(values[values != ""].str.fullmatch(TOKEN.pattern).all())


@pytest.fixture
def pseudonymised(qtbot, febrl):  # noqa: F811
    """FEBRL 3 through the Privacy step (names and streets become codes); the job runner
    is stopped after the test, whatever happened."""
    doc, jobs = Document(), JobRunner()

    def make() -> tuple[Document, JobRunner]:
        doc.set_frame("crm", febrl.copy(), "Import", roles=ROLES)
        screen = privacy.Screen(doc, jobs)
        qtbot.addWidget(screen)
        screen.show()
        with qtbot.waitSignal(doc.frameChanged, timeout=20000):
            screen.apply_button.click()
        screen.hide()
        assert all_codes(doc.frame("crm")["surname"])
        return doc, jobs

    yield make
    jobs.shutdown()


def duplicates_screen(qtbot, doc, jobs) -> Screen:
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.found is not None, timeout=20000)
    return widget


def shown(screen) -> list[str]:
    """Every value on show: both records of the pair and the merged record."""
    table, golden = screen.review.table, screen.golden_table
    return ([table.item(r, c).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount())
             for c in (1, 2)] + [golden.item(r, 1).text() for r in range(golden.rowCount())])


@pytest.mark.usefixtures("memory_keyring")
def test_review_shows_real_names_from_the_vault(qtbot, febrl, pseudonymised):  # noqa: F811
    doc, jobs = pseudonymised()
    screen = duplicates_screen(qtbot, doc, jobs)
    assert screen.codes_line.isHidden()
    assert screen.current_pair() is not None
    values = shown(screen)
    assert not [v for v in values if TOKEN.search(v)]
    a, b = (int(x[screen.grouped.queue[0]]) for x in (screen.found.scored.left,
                                                       screen.found.scored.right))
    real = febrl.set_index("rec_id")
    for row, column in ((a, 1), (b, 2)):
        rec_id = screen.review.table.item(0, column).data(Qt.ItemDataRole.UserRole)
        assert rec_id == febrl.at[row, "rec_id"]  # ids were not pseudonymised
        names = [screen.review.table.item(r, column).data(Qt.ItemDataRole.UserRole)
                 for r in (1, 2)]
        assert names == [real.at[rec_id, "given_name"], real.at[rec_id, "surname"]]
    assert all_codes(doc.frame("crm")["surname"])  # the list keeps its codes
    entry = doc.audit_entries()[-1]
    assert (entry["step"], entry["params"]["action"], entry["params"]["purpose"]) == (
        "duplicates", "reveal", "duplicate review")
    assert entry["rows_in"] == doc.frame("crm").size == 55_000  # every cell, in one reveal
    assert entry["rows_out"] > 0 and not [n for n in febrl["surname"].head(50) if n and n in str(entry)]


def test_a_key_file_asks_its_passphrase_before_real_names_show(qtbot, pseudonymised, monkeypatch):
    answers = iter(["long enough pass", "wrong passphrase", "long enough pass"])
    monkeypatch.setattr(passphrase, "ask_passphrase", lambda *a: next(answers))
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        doc, jobs = pseudonymised()  # no keyring: the key went to a key file
        screen = duplicates_screen(qtbot, doc, jobs)
        assert screen.codes_line.text() == (
            "Names and addresses show as codes: unlock the project's key to compare and review "
            "the real ones.")
        assert screen.unlock_button.isVisible()
        assert all_codes(screen.found.shown["surname"])
        errors = []
        monkeypatch.setattr(screen, "show_error", errors.append)
        screen.unlock_button.click()  # a wrong passphrase: one error, still codes
        assert len(errors) == 1 and "passphrase" in str(errors[0]).lower()
        before = screen.found
        screen.unlock_button.click()
        qtbot.waitUntil(lambda: screen.found is not before, timeout=20000)
        assert screen.codes_line.isHidden() and screen.unlock_button.isHidden()
        assert not [v for v in shown(screen) if TOKEN.search(v)]
        assert not screen.found.shown["surname"].str.fullmatch(TOKEN.pattern).any()
    finally:
        keyring.set_keyring(previous)
