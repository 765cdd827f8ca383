"""Inside the window the preview and its search show real people once the project key is
unlocked; codes stay in what is exported for analysis only."""

import pytest

from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)
from tests.ui.test_export_reveal import TOKEN, doc  # noqa: F401 (the pseudonymised project)
from tests.ui.test_privacy_screen import memory_keyring  # noqa: F401 (fixture)
from ui.screens.compose.screen import Screen


@pytest.mark.usefixtures("memory_keyring")
def test_preview_and_search_show_real_names_once_the_key_is_unlocked(doc, qtbot):  # noqa: F811
    document, jobs = doc()
    assert TOKEN.fullmatch(document.frame("crm")["first_name"].iloc[0])
    screen = Screen(document, jobs)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.preview.shown_text() == "Subject: Hi Anna\n\nDear Anna"
    screen.preview.search.setText("tom.k@")
    screen.preview.find()
    assert screen.preview.shown_text() == "Subject: Hi Tom\n\nDear Tom"
    assert not TOKEN.search(screen.preview.shown_text())
    reveals = [e for e in document.audit_entries() if e["params"].get("purpose") == "preview"]
    assert reveals and all(e["key_fingerprint"] for e in reveals)
