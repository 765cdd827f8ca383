"""Export screen: Cancel during a long export leaves nothing behind -- no output folder,
no hidden staging folder, no export recorded."""

import gc
import threading
import time

import pandas as pd

from app.document import Document
from app.jobs import JobRunner
from core.compose import outputs
from core.compose.campaign import Campaign
from core.compose.outputs import email_files
from core.compose.template import Template
from ui.screens.export.screen import Screen

PEOPLE = 1200


def test_cancel_a_long_export_leaves_nothing(qtbot, tmp_path, monkeypatch):
    # Qt objects left as garbage by earlier tests must be freed here, on the GUI thread,
    # not by a collection that happens to start in the export's worker thread
    gc.collect()
    doc, jobs = Document(), JobRunner()
    doc.set_frame("crm", pd.DataFrame({
        "email": [f"p{i}@example.org" for i in range(PEOPLE)],
        "first_name": [f"P{i}" for i in range(PEOPLE)],
        "consent": ["yes"] * PEOPLE,
    }), "Import", roles={"email": "email", "first_name": "first_name", "consent": "consent"})
    doc.set_state("compose", Campaign({"A": Template("Hi {{ first_name }}", "Dear {{ first_name }}\n")})
                  .to_state(), "Compose")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(jobs.finished, timeout=5000):
        widget.show()

    writing, staged, built = threading.Event(), [], []
    real_write, real_build = outputs.FORMATS["eml"], email_files.build_message

    def slow_build(*args):  # a long export: about 2 s for all of them
        built.append(1)
        writing.set()
        time.sleep(0.002)
        return real_build(*args)

    def write_eml(result, folder, ctx):
        staged.append(folder)
        real_write(result, folder, ctx)

    monkeypatch.setattr(jobs.processes, "broken", True)  # on a thread, where the patches apply
    monkeypatch.setattr(email_files, "build_message", slow_build)
    monkeypatch.setitem(outputs.FORMATS, "eml", write_eml)
    out = tmp_path / "out"
    widget.folder.setText(str(out))
    try:
        widget.export_button.click()
        qtbot.waitUntil(lambda: writing.is_set() and widget.progress.cancel_button.isVisible(),
                        timeout=5000)
        qtbot.waitUntil(lambda: any(staged[0].glob("*.eml")), timeout=5000)  # files were written
        with qtbot.waitSignal(jobs.finished, timeout=10000):
            widget.progress.cancel_button.click()
    finally:
        jobs.shutdown()
    assert 0 < len(built) < PEOPLE
    assert not out.exists() and not staged[0].exists()
    assert list(tmp_path.iterdir()) == []
    assert doc.state("export") is None
    assert not widget.progress.isVisible()
    assert not [e for e in doc.audit_entries() if "format" in e["params"]]
