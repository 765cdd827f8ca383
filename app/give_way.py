"""Background threads give way to the window's thread while it works.

Python runs one thread at a time (the GIL). While the GUI thread had work of its own
after an import (its table, its roles), a thread pickling the frames for the engine
process and the audit-hashing thread took most of the GIL from it, and 50 ms of GUI
work became a stall of 150-230 ms (``bench/ui_stall_bench.py --actions import``). So
the GUI thread ticks a heartbeat, and between pieces of their work those threads call
:func:`give_way`: while the heartbeat is late (the GUI thread is busy or waiting for
the GIL) they sleep, with the GIL released, a bounded while. A GUI thread late by more
than :data:`BLOCKED_S` is blocked (waiting for a job, say), not busy: nobody waits then.
No Qt here: the engine process pickles its results with the same code.
"""

from __future__ import annotations

import threading
import time

TICK_MS = 5
LATE_S = 0.012  # the heartbeat is late: the GUI thread is at work
BLOCKED_S = 0.15  # so late the GUI thread is waiting, not working: giving way would slow it
MAX_WAIT_S = 0.02  # at most this long per call

IDLE_S = 1.0  # nobody asked for this long: the heartbeat stops (no wake-ups in an idle window)

_beat: list[float] = []  # the GUI thread's last tick; empty without a window: never wait
_asked: list[float] = [0.0]  # when a background thread last asked
_wake: list = []  # [callable] that restarts a stopped heartbeat (thread-safe), set by app.heartbeat


def beat() -> bool:
    """The GUI thread's heartbeat (app.heartbeat ticks it every :data:`TICK_MS`); False
    when nobody has asked for :data:`IDLE_S`: the heartbeat stops, marked as long ago so
    that the next thread to ask wakes it rather than waits for it."""
    now = time.monotonic()
    idle = now - _asked[0] >= IDLE_S
    _beat[:] = [0.0 if idle else now]
    return not idle


def asked() -> None:
    """A background thread wants the heartbeat (now)."""
    _asked[0] = time.monotonic()


def wake() -> None:
    """Work is starting (call on the GUI thread, as a job or a hash is handed out): the
    heartbeat must tick before the GUI thread gets busy, since a stopped one is restarted
    by a queued call that a busy GUI thread runs only when it is done."""
    asked()
    if _wake:
        _wake[0]()


def give_way(max_wait_s: float = MAX_WAIT_S) -> None:
    """Between two pieces of background work: wait while the GUI thread is at work (at
    most ``max_wait_s``; longer before one long piece, such as drawing a chart)."""
    if not _beat or threading.current_thread() is threading.main_thread():
        return
    asked()
    now = _asked[0]
    if now - _beat[0] >= BLOCKED_S and _wake:
        _wake[0]()  # stopped while idle (or the GUI thread is blocked): tick again
    deadline = now + max_wait_s
    while LATE_S < time.monotonic() - _beat[0] < BLOCKED_S and time.monotonic() < deadline:
        time.sleep(0.001)
