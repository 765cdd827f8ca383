"""Background threads give way to the GUI thread while it works: they wait while its
heartbeat is late (busy, or waiting for the GIL), never when it is on time, never when
it is so late it is blocked, never on the GUI thread itself, and without a window."""

import threading
import time
from types import SimpleNamespace

import pytest

import app.give_way as gw


class Clock:
    """A clock that moves only when give_way sleeps."""

    def __init__(self) -> None:
        self.now, self.sleeps = 100.0, 0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(gw, "time", SimpleNamespace(monotonic=clock.monotonic, sleep=clock.sleep))
    monkeypatch.setattr(gw, "_beat", [])
    monkeypatch.setattr(gw, "_wake", [])
    return clock


def _on_a_worker(fn) -> None:
    thread = threading.Thread(target=fn)
    thread.start()
    thread.join(10)


@pytest.mark.parametrize("late_s, sleeps", [(0.0, 0), (0.005, 0), (0.05, 20), (0.14, 10), (0.5, 0)])
def test_a_worker_waits_only_while_the_gui_thread_works(clock, late_s, sleeps):
    """50 ms late: it waits its 20 ms; 140 ms late it waits until the GUI thread counts
    as blocked (150 ms); on time, 5 ms late or blocked (500 ms): not at all."""
    gw._beat[:] = [clock.now - late_s]
    _on_a_worker(gw.give_way)
    assert clock.sleeps == sleeps


def test_the_gui_thread_and_a_program_without_window_never_wait(clock):
    gw._beat[:] = [clock.now - 0.05]
    gw.give_way()  # on the GUI thread itself
    gw._beat.clear()
    _on_a_worker(gw.give_way)  # no heartbeat: no window
    assert clock.sleeps == 0


def test_the_heartbeat_ticks_only_while_background_threads_ask(qtbot, monkeypatch):
    """Idle, it stops (no 200 wake-ups a second in a window doing nothing); the first
    background thread to ask wakes it, and it ticks again."""
    from app.heartbeat import ensure_heartbeat

    beat = ensure_heartbeat()
    assert ensure_heartbeat() is beat  # one per application
    monkeypatch.setattr(gw, "IDLE_S", 0.3)
    before = time.monotonic()
    _on_a_worker(gw.give_way)
    qtbot.waitUntil(lambda: gw._beat[0] > before, timeout=5000)  # it ticked after the ask
    qtbot.waitUntil(lambda: not beat.timer.isActive(), timeout=5000)  # nobody asked for 0.3 s
    assert gw._beat == [0.0]  # marked as long ago: the next thread to ask wakes it
    _on_a_worker(gw.give_way)
    qtbot.waitUntil(beat.timer.isActive, timeout=5000)


def test_a_chart_waits_longer_for_the_gui_threads_own_work(clock):
    """Before one long piece (drawing a chart: the painter thread gives way with 250 ms):
    50 ms late, it waits until the GUI thread counts as blocked, 100 ms later."""
    gw._beat[:] = [clock.now - 0.05]
    _on_a_worker(lambda: gw.give_way(0.25))
    assert clock.sleeps == 100
