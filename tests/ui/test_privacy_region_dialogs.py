"""Privacy in the project's home country: a UK number typed with or without +44 gets one
code; the suppression-list dialog starts in Documents, then where the last file was."""

import pandas as pd
import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from app.document import Document
from app.jobs import JobRunner
from app.region import set_document_region
from tests.ui.test_privacy_screen import memory_keyring  # noqa: F401 (fixture)
from ui.screens.privacy.screen import Screen

CRM = pd.DataFrame({"email": ["amy@example.co.uk", "ben@example.co.uk", "cat@example.co.uk"],
                    "phone": ["07700 900123", "+44 7700 900123", "020 7946 0018"]})


@pytest.fixture
def screen(qtbot):
    doc, jobs = Document(), JobRunner()
    doc.set_frame("crm", CRM, "Import", roles={"email": "email", "phone": "phone"})
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    jobs.shutdown()


@pytest.mark.parametrize("region, same", [("GB", True), ("DE", False)])
def test_phone_codes_follow_the_projects_region(screen, qtbot, memory_keyring, region, same):  # noqa: F811
    set_document_region(screen.document, region)
    assert screen.config().phone_region == region
    with qtbot.waitSignal(screen.document.frameChanged, timeout=5000):
        screen.apply_button.click()
    phones = screen.document.frame("crm")["phone"].tolist()
    assert phones[0].startswith("phone_v1_") and (phones[0] == phones[1]) is same
    assert phones[2] != phones[0]
    assert screen.document.state("privacy")["configs"]["crm"]["phone_region"] == region


def test_suppression_dialog_starts_in_documents_then_the_last_folder(screen, monkeypatch, tmp_path, memory_keyring):  # noqa: F811
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "dnc.csv").write_text("email\nben@example.co.uk\n", encoding="utf-8")
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(
        lambda _p, _c, start, _f: (asked.append(start), (str(folder / "dnc.csv"), ""))[1]))
    screen.import_suppression()
    screen.import_suppression()  # the next dialog starts where this file was
    assert asked == [QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation),
                     str(folder)]
    assert len(screen.document.state("privacy")["suppression"]) == 1  # the same person twice: one entry
