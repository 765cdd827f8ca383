"""Worker threads never hold a window or a document: one that is the last to let go of a
QObject frees it on its own thread, and Qt crashes later (the suite's rare segfault in
gc.collect, after the shortest window tests)."""

import gc
import threading
import weakref

import pandas as pd

import app.document as document_module
from app.document import Document
from ui import main_window
from ui.main_window import MainWindow


def test_a_document_dropped_while_its_audit_is_hashed_is_freed_at_once(qtbot, monkeypatch):
    started, release = threading.Event(), threading.Event()

    def slow_hash(frame, between=None, columns=None):
        started.set()
        release.wait(10)
        return "hash"

    monkeypatch.setattr(document_module, "frame_hash", slow_hash)
    doc = Document()
    entry_frame = pd.DataFrame({"a": [1, 2, 3]})
    doc.audit("clean", {}, 3, 3, entry_frame, entry_frame)
    assert started.wait(10)
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None  # the hashing thread holds only its id (it held a bound method)
    release.set()
    document_module._hasher.submit(lambda: None).result(10)  # the row is hashed, nobody told


def test_the_screen_warm_up_holds_only_the_windows_id(qtbot, monkeypatch):
    made = []

    class Recorded(threading.Thread):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.name == "screen-warm-up":  # (the patch is threading's own: other threads too)
                made.append((self._target, self._args, self._kwargs))

    monkeypatch.setattr(main_window.threading, "Thread", Recorded)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(made), timeout=10000)
    target, args, kwargs = made[0]
    held = gc.get_referents(target, *args, *kwargs.values())
    assert window not in held and not any(isinstance(v, MainWindow) for v in (target, *args))
    assert id(window) in args
    qtbot.waitUntil(lambda: len(window.screens.built) == len(window.screens), timeout=30000)
    window.jobs.shutdown()
