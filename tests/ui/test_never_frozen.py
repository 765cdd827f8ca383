"""The GUI thread never does the heavy part: saving and autosaving write in an engine child,
audit hashing runs on a worker, and undo keeps only the columns a step replaced, under a cap the user sees."""

import contextlib
import sqlite3
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


def test_a_column_passed_on_unchanged_is_hashed_once(qtbot, monkeypatch):
    import core.audit as audit

    hashed, real = [], audit._column_digest
    monkeypatch.setattr(audit, "_column_digest", lambda values, between: hashed.append(values.name)
                        or real(values, between))
    doc = Document()
    crm = _crm()
    cleaned = crm.assign(city=crm["city"].str.upper())
    segmented = cleaned.assign(segment="A")
    with qtbot.waitSignal(doc.auditChanged, timeout=10000):
        doc.audit("clean", {"steps": []}, N, N, crm, cleaned)
    with qtbot.waitSignal(doc.auditChanged, timeout=10000):
        doc.audit("segment", {}, N, N, cleaned, segmented)
    doc.wait_for_audit()
    first, second = doc.audit_entries()
    assert second["input_hash"] == first["output_hash"] == frame_hash(cleaned)
    assert second["output_hash"] == frame_hash(segmented)
    # email, city, amount, then the new city; the second row only its new column
    assert hashed[:5] == ["email", "city", "amount", "city", "segment"]


def _sent_to_a_child(monkeypatch, jobs) -> list[str]:
    """The functions ``jobs`` sends to an engine child (recorded here, in the parent)."""
    sent, real = [], jobs.processes.run

    def run(fn, ctx):
        sent.append(getattr(fn, "func", fn).__name__)
        return real(fn, ctx)

    monkeypatch.setattr(jobs.processes, "run", run)
    return sent


def test_saving_from_the_window_writes_in_a_child_while_the_gui_keeps_ticking(window, qtbot, tmp_path, caplog,
                                                                              monkeypatch):
    caplog.set_level("INFO", logger="app.project")
    sent = _sent_to_a_child(monkeypatch, window.jobs)
    doc = window.document
    crm = _crm().head(20_000)
    doc.set_source("crm", crm, {"path": "crm.csv"}, {"email": "email"}, "Import customer list")
    doc.audit("import", {}, 0, len(crm), None, crm)
    file = tmp_path / "shop.lreach"
    ticks = []  # at each GUI-thread tick: was the save still running?
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(window.jobs.is_running(app.project.SAVE_SLOT)))
    timer.start(5)
    assert window._save_to(str(file))
    timer.stop()
    # the event loop ran while the save worked (whether before or after the child wrote
    # the file depends on the machine's load: CI once saw the file first, then 2 ticks)
    assert any(ticks)
    assert not window.isWindowModified() and "runs on a thread" not in caplog.text
    assert sent == ["save_project"]
    saved = load_project(file)
    assert saved["audit"][0]["output_hash"] == frame_hash(crm)  # waited for the hashing thread
    pd.testing.assert_frame_equal(saved["frames"]["crm"], crm)
    app.project.save_document(doc, tmp_path / "at_once.lreach")  # on this thread
    assert _rows(file) == _rows(tmp_path / "at_once.lreach")


def _rows(path) -> list[str]:
    """A project file's every row as SQL, but the second it was saved (two saves may
    straddle a second: the bytes then differed in a slow full run)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [line for line in db.iterdump() if "'saved_at'" not in line]


def test_a_second_save_waits_for_the_first_and_a_failed_one_keeps_the_old_file(window, qtbot, tmp_path,
                                                                              monkeypatch):
    doc, file = window.document, tmp_path / "shop.lreach"
    doc.set_source("crm", _crm().head(1000), {"path": "crm.csv"}, {}, "Import")
    assert window._save_to(str(file))
    old = file.read_bytes()
    doc.set_source("sales", _crm().head(10), {"path": "sales.csv"}, {}, "Import sales")
    window.jobs.start(app.project.SAVE_SLOT, lambda ctx: time.sleep(0.2), lambda _: None)
    assert not window.save() and not window.save_as()  # one save at a time
    qtbot.waitUntil(lambda: not window.jobs.is_running(app.project.SAVE_SLOT), timeout=5000)
    warnings = []
    doc.set_state("notes", {"tags": {"vip"}}, "A set the store cannot write")  # fails in the child
    monkeypatch.setattr("ui.main_window.QMessageBox.warning", lambda _w, _t, text: warnings.append(text))
    assert not window._save_to(str(file))
    [warning] = warnings  # one line, naming no value
    assert warning.startswith("Something went wrong (StateTypeError). Nothing was changed; the details are in ")
    assert "\n" not in warning
    assert file.read_bytes() == old and window.isWindowModified()
    assert [f.name for f in tmp_path.iterdir()] == ["shop.lreach"]  # no temp file left


def test_autosave_writes_in_a_child(qtbot, tmp_path, caplog, monkeypatch):
    caplog.set_level("INFO", logger="app.project")
    doc, jobs = Document(), JobRunner()
    sent = _sent_to_a_child(monkeypatch, jobs)
    doc.set_source("crm", _crm(), {"path": "crm.csv"}, {}, "Import")
    saver = Autosaver(doc, jobs, directory=tmp_path)
    with qtbot.waitSignal(saver.autosaved, timeout=30000):
        saver.autosave_now()
    pd.testing.assert_frame_equal(load_project(saver.file)["frames"]["crm"], doc.frame("crm"))
    assert "runs on a thread" not in caplog.text and sent == ["save_project"]
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
