"""GUI-thread stall benchmark (not a test): how late a 10 ms timer on the GUI thread fires
while the real main window imports, runs a quality step, saves, finds duplicates,
segments and exports, on demo data (100,000 CRM rows by default; ``--crm 1000000``).

The probe is a QTimer on the GUI thread; each tick records how much later than due it
ran. Any stall over 100 ms is a moment a user would see the window freeze. Each action
is started the way its button starts it and waited for with the event loop running.
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_stall_bench.py [--crm N] [--where]
[--threads] [--actions import,quality]``. ``--threads`` runs every job on a thread, as when no engine process can
start (the figures before issue 17); otherwise the pool is warmed as the app does. The
process's CPU seconds (the GUI process's and its engine children's) are printed at the end.
``--where`` also samples the GUI thread's stack while a tick is overdue and prints, per
action, the lines of LocalReach code the GUI thread was stuck in (a poor man's py-spy that
needs no ptrace rights).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PERIOD_MS = 10
GOAL_MS = 100
ACTIONS = ("import", "quality", "save", "duplicates", "segments", "export")


class StallProbe:
    """A GUI-thread timer that records its lateness (ms) per tick, and whether a job was
    working then (``working``, set by the bench) or the GUI thread was showing a result."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.lateness: list[tuple[float, bool]] = []
        self.working = False
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.timer.start(PERIOD_MS)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append((max(0.0, (now - self._last) * 1000 - PERIOD_MS), self.working))
        self._last = now

    def take(self) -> list[tuple[float, bool]]:
        taken, self.lateness = self.lateness, []
        self._last = time.perf_counter()
        return taken


class StallSampler(threading.Thread):
    """Samples the GUI thread's stack every 5 ms while the probe's tick is overdue by over
    half the goal; counts the innermost LocalReach frames (file:line function)."""

    def __init__(self, probe: StallProbe) -> None:
        super().__init__(daemon=True)
        self.probe, self.gui = probe, threading.main_thread().ident
        self.samples: Counter = Counter()

    def run(self) -> None:
        while True:
            time.sleep(0.005)
            if (time.perf_counter() - self.probe._last) * 1000 < GOAL_MS / 2:
                continue
            frames = sys._current_frames()
            if self.gui not in frames:
                continue
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                where = self._where(traceback.extract_stack(frame), ident == self.gui)
                if where:
                    prefix = "" if ident == self.gui else f"[{names.get(ident, 'thread')}] "
                    self.samples[prefix + where] += 1

    @staticmethod
    def _where(stack, gui: bool) -> str:
        """The innermost frame (often a library's) and the LocalReach code calling it; for
        another thread (which may hold the GIL the GUI thread waits for) only when it is
        not waiting itself."""
        ours = [f for f in stack if str(ROOT) in f.filename and ".venv" not in f.filename
                and "bench" not in f.filename]
        if not ours or (not gui and stack[-1].name in ("wait", "_wait_for_tstate_lock", "select",
                                                           "poll", "recv_bytes", "_recv", "_recv_bytes",
                                                           "get", "sleep", "_watch", "run")):
            return ""
        where = [stack[-1]] + [f for f in reversed(ours[-2:]) if f is not stack[-1]]
        return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in where)

    def take(self) -> list[tuple[str, int]]:
        taken, self.samples = self.samples.most_common(8), Counter()
        return taken


def run_until(done, timeout_s: float = 1800.0, poll_ms: int = 20) -> bool:
    """Run the Qt event loop until ``done()`` (polled every ``poll_ms``) or the timeout;
    True when done. A QEventLoop, not a Python loop of processEvents(), which beside a
    worker thread running Python crashes PySide6 6.12 (none_dealloc)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return True
    end = time.monotonic() + timeout_s
    loop, poll = QEventLoop(), QTimer()
    poll.timeout.connect(lambda: loop.quit() if done() or time.monotonic() > end else None)
    poll.start(poll_ms)
    loop.exec()
    poll.stop()
    return done()


def _wait(done) -> None:
    if not run_until(done):
        raise SystemExit("timed out")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crm", type=int, default=100_000, help="CRM rows of the demo data")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--where", action="store_true", help="print where the GUI thread stalled")
    parser.add_argument("--threads", action="store_true", help="no engine process: jobs on threads")
    parser.add_argument("--actions", default=",".join(ACTIONS),
                        help=f"comma-separated actions to measure, in order (default: {','.join(ACTIONS)}; "
                             "the later ones need the import)")
    args = parser.parse_args()
    chosen = [a.strip() for a in args.actions.split(",") if a.strip()]
    if unknown := set(chosen) - set(ACTIONS):
        parser.error(f"unknown action(s): {', '.join(sorted(unknown))}")

    from core.demo import generate

    work = Path(tempfile.mkdtemp(prefix="lr-stall-bench-"))
    generate(work / "data", customers=max(1, int(args.crm / 1.16)), seed=args.seed)

    from ui.application import make_app

    _app = make_app()  # the QApplication lives for the whole run
    from ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if args.threads:
        window.jobs.processes.broken = True  # as when no child can start: every job on a thread
    else:
        window.jobs.warm_up().join()  # as a window open for a few seconds before the first job
    probe = StallProbe()
    _wait(lambda: len(window.screens.built) == len(window.screens))  # warm-up done
    probe.take()
    sampler = StallSampler(probe) if args.where else None
    if sampler is not None:
        sampler.start()
    jobs = window.jobs
    jobs.started.connect(lambda _slot: setattr(probe, "working", True))
    jobs.finished.connect(lambda _slot: setattr(probe, "working", False))
    results: dict[str, list[float]] = {}

    def measure(name: str, start, slot: str | None) -> None:
        probe.take()
        if sampler is not None:
            sampler.take()
        t0 = time.perf_counter()
        start()
        if slot is not None:
            _wait(lambda: not jobs.is_running(slot))
        ticks = probe.take()
        results[name] = [late for late, _working in ticks]
        during = max((late for late, working in ticks if working), default=0.0)
        after = max((late for late, working in ticks if not working), default=0.0)
        print(f"{name:<12} {time.perf_counter() - t0:7.1f} s  longest stall {max(during, after):7.0f} ms"
              f"  (while a job works {during:5.0f} ms, GUI code {after:5.0f} ms)", flush=True)
        for where, n in sampler.take() if sampler is not None else ():
            print(f"    {n * 5:6d} ms  {where}", flush=True)

    imports = window.screens["import"]

    def import_both() -> None:
        for target, name in (("crm", "crm.xlsx"), ("sales", "sales.csv")):
            imports.preview_file(target, work / "data" / name)
            _wait(lambda: not jobs.is_running("import"))
            imports.import_pending()
            _wait(lambda: not jobs.is_running("import"))

    def export() -> None:
        screen = window.screens["export"]
        screen.folder.setText(str(work / "out"))
        screen.export_button.click()

    actions = [  # (name, step shown first, start, job slot to wait for)
        ("import", "import", import_both, "import"),
        ("quality", "quality", lambda: window.screens["quality"].apply_current(), "quality"),
        ("save", "quality", lambda: window._save_to(str(work / "bench.lreach")), None),
        ("duplicates", "duplicates", lambda: None, "duplicates"),  # showing it scores the pairs
        ("segments", "segments", lambda: window.screens["segments"].find_groups(), "segments"),
        ("export", "export", export, "export"),
    ]
    by_name = {a[0]: a for a in actions}
    for name, step, start, slot in (by_name[a] for a in chosen):
        window.go_to(step)
        measure(name, start, slot)

    worst = max((max(v, default=0.0), k) for k, v in results.items())
    print(f"\nlongest GUI-thread stall: {worst[0]:.0f} ms during {worst[1]} (goal: none over {GOAL_MS} ms)")
    window.jobs.shutdown()
    window.jobs.processes.shutdown()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"CPU: {own.ru_utime + own.ru_stime:.1f} s this process, "
          f"{children.ru_utime + children.ru_stime:.1f} s engine processes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
