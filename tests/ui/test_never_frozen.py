"""The GUI thread never does the heavy part: saving, autosaving and audit hashing run on
workers, and undo keeps only the columns a step replaced, under a cap the user sees."""

import threading
import time

import numpy as np
import pandas as pd
from PySide6.QtCore import QTimer

import app.autosave
import app.document
import app.project
from app.autosave import Autosaver
from app.document import Document
from app.jobs import JobRunner
from core.audit import frame_hash
from core.project.store import load_project

N = 50_000


def _crm() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "email": [f"person{i}@example.org" for i in range(N)],
        "city": rng.choice(["Berlin", "Köln", "Lyon"], N).astype(object),
        "amount": rng.random(N),
    })


def _on_worker(monkeypatch, module, name: str) -> list[str]:
    """Wrap ``module.name`` so each call records the thread it ran on."""
    threads, real = [], getattr(module, name)

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return threads


def test_audit_hashes_are_computed_off_the_gui_thread(qtbot, monkeypatch):
    threads = _on_worker(monkeypatch, app.document, "frame_hash")
    doc = Document()
    before, after = _crm(), _crm().assign(city="Bonn")
    with qtbot.waitSignal(doc.auditChanged, timeout=10000):  # the row, then its hashes
        doc.audit("clean", {"steps": []}, N, N, before, after)
    doc.wait_for_audit()
    entry = doc.audit_entries()[0]
    assert entry["input_hash"] == frame_hash(before) and entry["output_hash"] == frame_hash(after)
    assert threads and threading.main_thread().name not in threads


def test_saving_from_the_window_runs_on_a_worker_while_the_gui_keeps_ticking(window, qtbot, tmp_path, monkeypatch):
    threads = _on_worker(monkeypatch, app.project, "save_project")
    real = app.project.save_project

    saving = threading.Event()

    def slow_save(*args, **kwargs):
        saving.set()
        time.sleep(0.4)  # a big project: the GUI must go on meanwhile
        try:
            return real(*args, **kwargs)
        finally:
            saving.clear()

    monkeypatch.setattr(app.project, "save_project", slow_save)
    doc = window.document
    crm = _crm()
    doc.set_source("crm", crm, {"path": "crm.csv"}, {"email": "email"}, "Import customer list")
    doc.audit("import", {}, 0, N, None, crm)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(saving.is_set()))
    timer.start(10)
    assert window._save_to(str(tmp_path / "shop.lreach"))
    timer.stop()
    assert any(ticks)  # a GUI-thread timer ran while the file was being written
    assert not window.isWindowModified() and (tmp_path / "shop.lreach").is_file()
    assert threads and threading.main_thread().name not in threads
    saved = load_project(tmp_path / "shop.lreach")
    assert saved["audit"][0]["output_hash"] == frame_hash(crm)  # waited for the hashing thread
    pd.testing.assert_frame_equal(saved["frames"]["crm"], crm)


def test_autosave_writes_on_a_worker(qtbot, tmp_path, monkeypatch):
    threads = _on_worker(monkeypatch, app.autosave, "save_project")
    doc, jobs = Document(), JobRunner()
    doc.set_source("crm", _crm(), {"path": "crm.csv"}, {}, "Import")
    saver = Autosaver(doc, jobs, directory=tmp_path)
    with qtbot.waitSignal(saver.autosaved, timeout=10000):
        saver.autosave_now()
    assert saver.file.is_file() and threads and threading.main_thread().name not in threads
    jobs.shutdown()


def test_undo_keeps_only_the_replaced_column_and_brings_the_frame_back(qtbot):
    doc = Document()
    crm = _crm()
    doc.set_source("crm", crm, {"path": "crm.csv"}, {"email": "email"}, "Import")
    cleaned = crm.assign(city=crm["city"].str.upper())
    with qtbot.waitSignal(doc.undoMemoryChanged, timeout=10000) as changed:
        doc.set_frame("crm", cleaned, "Tidy cities")
    kept = crm["city"].memory_usage(index=False, deep=True)
    assert changed.args == [kept, doc.undo_cap] and doc.undo_bytes() == kept
    doc.undo_stack.undo()
    pd.testing.assert_frame_equal(doc.frame("crm"), crm)
    doc.undo_stack.redo()
    pd.testing.assert_frame_equal(doc.frame("crm"), cleaned)


def test_past_the_cap_the_oldest_step_is_let_go_and_the_window_says_so(window, qtbot):
    doc = window.document
    crm = _crm()
    doc.set_source("crm", crm, {"path": "crm.csv"}, {}, "Import")
    one_column = crm["city"].memory_usage(index=False, deep=True)
    doc.undo_cap = one_column  # room for one replaced column
    first = crm.assign(city="Bonn")
    second = first.assign(city="Wien")
    with qtbot.waitSignal(doc.undoMemoryChanged, timeout=10000):
        doc.set_frame("crm", first, "Cities to Bonn")
    with qtbot.waitSignal(doc.undoMemoryChanged, timeout=10000):
        doc.set_frame("crm", second, "Cities to Wien")
    assert doc.undo_bytes() <= one_column and doc.undo_floor() == 2  # import and Bonn let go
    doc.undo_stack.undo()
    pd.testing.assert_frame_equal(doc.frame("crm"), first)
    doc.undo_stack.undo()  # beyond the floor: nothing changes
    pd.testing.assert_frame_equal(doc.frame("crm"), first)
    assert doc.undo_stack.index() == 2
    assert window.undo_label.text().startswith("Undo keeps ")
