"""The Qt binding the app runs on must not corrupt Python's memory. PySide6 6.12.0 drops
a reference to ``True`` on every signal emit (measured: -300 for 300 emits, with a method
slot, a lambda or no receiver); once the count reaches zero Python aborts with
"bool_dealloc", so the window would crash after enough edits in one session. The
version is excluded in pyproject.toml; this test fails at once if a release brings the
bug back."""

from __future__ import annotations

import gc
import sys

import PySide6
from PySide6.QtCore import QObject, Signal


class _Sender(QObject):
    changed = Signal()
    counted = Signal(int, str)


def test_emitting_signals_leaves_the_reference_counts_of_true_and_false_alone(qapp):
    sender = _Sender()
    received = []
    sender.changed.connect(lambda: received.append(1))
    gc.collect()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(100):
        sender.changed.emit()
        sender.counted.emit(n, "x")
    gc.collect()
    assert len(received) == 100
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before, (
        f"PySide6 {PySide6.__version__} changes the reference count of True/False on emit: "
        "exclude this version in pyproject.toml")
