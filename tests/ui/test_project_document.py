"""The open Document saved and reopened, autosaved, and recovered after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd

from app.autosave import Autosaver, find_recoveries
from app.document import Document
from app.jobs import JobRunner
from app.project import open_document, recent_projects, save_document, start_save
from app.settings import Settings
from core.io import read_table

ROOT = Path(__file__).resolve().parents[2]


def _crm() -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": ["C1", "C2", "C3"], "email": ["anna@example.org", "", "NA"], "postcode": ["01234", "", "9"]},
        dtype="str",
    )


def _edited_document() -> Document:
    doc = Document()
    crm = _crm()
    doc.set_source("crm", crm, {"path": "/data/crm.csv", "encoding": "utf-8"}, {"email": "email"}, "Import crm.csv")
    doc.set_state("segments", {"config": {"method": "rfm", "k": 4}, "table": crm.head(2)}, "Make customer groups")
    doc.audit("import", {"encoding": "utf-8"}, 0, 3, None, crm)
    return doc


def test_save_then_open_gives_back_the_same_document(qtbot, tmp_path):
    doc = _edited_document()
    settings = Settings(tmp_path / "settings.json")
    path = save_document(doc, tmp_path / "shop", settings=settings)
    assert path == tmp_path / "shop.lreach"
    assert not doc.dirty and doc.name == "shop"

    again = open_document(path, settings=settings)
    pd.testing.assert_frame_equal(again.frame("crm"), doc.frame("crm"), check_exact=True)
    assert again.roles("crm") == {"email": "email"}
    assert again.source("crm") == {"path": "/data/crm.csv", "encoding": "utf-8"}
    assert again.state("segments")["config"] == {"method": "rfm", "k": 4}
    pd.testing.assert_frame_equal(again.state("segments")["table"], _crm().head(2))
    assert again.audit_entries() == doc.audit_entries()
    assert again.path == str(path) and not again.dirty and again.undo_stack.count() == 0
    assert recent_projects(settings) == [path]


def test_background_save_marks_clean_only_if_nothing_changed_meanwhile(qtbot, tmp_path):
    doc = _edited_document()
    jobs = JobRunner()
    with qtbot.waitSignal(jobs.finished, timeout=10_000):
        start_save(doc, jobs, tmp_path / "a.lreach")
    assert not doc.dirty and doc.path == str(tmp_path / "a.lreach")

    doc.set_state("segments", {"config": {"k": 5}}, "Change groups")
    with qtbot.waitSignal(jobs.finished, timeout=10_000):
        start_save(doc, jobs, tmp_path / "a.lreach")
        doc.set_state("segments", {"config": {"k": 6}}, "Change groups again")
    assert doc.dirty  # the later edit is not in the file
    assert open_document(tmp_path / "a.lreach").state("segments") == {"config": {"k": 5}}
    jobs.shutdown()


def test_autosave_writes_unsaved_work_and_a_clean_quit_removes_it(qtbot, tmp_path):
    doc = _edited_document()
    saver = Autosaver(doc, JobRunner(), directory=tmp_path)
    saver.start()
    with qtbot.waitSignal(saver.autosaved, timeout=10_000):
        saver.autosave_now()
    assert saver.file.exists() and saver.file.with_suffix(".json").exists()
    # Our own running session is not offered for recovery.
    assert find_recoveries(tmp_path) == []
    # Saving the project makes the autosave obsolete.
    save_document(doc, tmp_path / "shop.lreach")
    assert not saver.file.exists()
    doc.set_state("segments", {"config": {"k": 2}}, "Change groups")
    saver.autosave_now(background=False)
    assert saver.file.exists()
    saver.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.lreach"]


# A LocalReach session that edits a project, autosaves, then dies without quitting.
CRASHING_SESSION = """
import os, signal, sys
from pathlib import Path
import pandas as pd
from PySide6.QtCore import QCoreApplication
from app.autosave import Autosaver
from app.document import Document
from app.jobs import JobRunner
from app.project import save_document
qapp = QCoreApplication([])
doc = Document()
crm = pd.DataFrame({"customer_id": ["C1", "C2"], "email": ["anna@example.org", ""]}, dtype="str")
doc.set_source("crm", crm, {"path": "/data/crm.csv"}, {"email": "email"}, "Import crm.csv")
save_document(doc, sys.argv[2])
doc.set_state("segments", {"config": {"method": "kmeans", "k": 3}}, "Make customer groups")
saver = Autosaver(doc, JobRunner(), directory=Path(sys.argv[1]))
saver.start()
saver.autosave_now(background=False)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_after_a_crash_the_next_start_offers_the_unsaved_work(qtbot, tmp_path):
    autosaves, project = tmp_path / "autosave", tmp_path / "shop.lreach"
    autosaves.mkdir()
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_SESSION, str(autosaves), str(project)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL

    found = find_recoveries(autosaves)
    assert [(r.project_name, r.project_path) for r in found] == [("shop", str(project))]
    doc = Document()
    found[0].restore(doc)
    assert doc.state("segments") == {"config": {"method": "kmeans", "k": 3}}
    assert doc.frame("crm")["email"].tolist() == ["anna@example.org", ""]
    assert doc.path == str(project) and doc.dirty  # unsaved until the user saves
    assert list(autosaves.glob("session-*.lreach")) == []
    # The project file itself still holds the last real save.
    assert open_document(project).state("segments") is None
    assert find_recoveries(autosaves) == []


def test_discarding_a_recovery_deletes_it(qtbot, tmp_path):
    doc = _edited_document()
    saver = Autosaver(doc, JobRunner(), directory=tmp_path)
    saver.autosave_now(background=False)  # never started: no lock held, as after a crash
    found = find_recoveries(tmp_path)
    assert len(found) == 1 and found[0].project_name == "Untitled"
    found[0].discard()
    assert list(tmp_path.glob("session-*")) == []


def test_embedding_sources_keeps_their_bytes_and_never_touches_the_files(qtbot, tmp_path):
    crm_file, sales_file = tmp_path / "crm.csv", tmp_path / "sales.csv"
    crm_file.write_bytes("customer_id;email\r\nC1;anna@example.org\r\nC2;NA\r\n".encode("cp1252"))
    sales_file.write_bytes(b"order_id,customer_id\nO1,C1\n")
    for f in (crm_file, sales_file):
        os.utime(f, (1_600_000_000, 1_600_000_000))
    before = {f: f.read_bytes() for f in (crm_file, sales_file)}
    doc = Document()
    for name, f in (("crm", crm_file), ("sales", sales_file)):
        df, report = read_table(f)
        doc.set_source(name, df, report.to_dict(), {}, f"Import {f.name}")
    sales_file.write_bytes(b"order_id,customer_id\nO1,C1\nO2,C2\n")  # changed after import
    os.utime(sales_file, (1_600_000_000, 1_600_000_000))
    before[sales_file] = sales_file.read_bytes()

    path = save_document(doc, tmp_path / "travel.lreach", embed_sources=True)

    again = open_document(path)
    assert again.source("crm")["content"] == before[crm_file]
    assert "content" not in again.source("sales")  # changed since import: path and hash only
    assert again.source("sales")["sha256"] == doc.source("sales")["sha256"]
    assert "content" not in doc.source("crm")  # the open document is not changed by saving
    pd.testing.assert_frame_equal(again.frame("crm"), doc.frame("crm"))
    for f, data in before.items():
        assert f.read_bytes() == data and f.stat().st_mtime == 1_600_000_000
