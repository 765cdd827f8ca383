"""Start-up benchmark (not a test): seconds to the first painted window and to ``--help``.

Each case runs in a fresh interpreter (``-X frozen_modules`` as usual, nothing cached in
the process), timed from spawn to the line the child prints on its first paint event:
- a bare PySide6 window whose process imports pandas (the floor any pandas GUI pays),
- the LocalReach main window (``ui.application.make_app`` + ``MainWindow``),
- ``localreach --help`` and ``localreach merge --help`` (spawn to exit).
Our own packages are compiled to bytecode first, as an installed app's are (pip and the
installer compile them; pandas' and PySide6's come compiled): a shell with
PYTHONDONTWRITEBYTECODE set would otherwise compile ~70 of our modules from source on
every start (~55 ms here) and time the compiler, not the app.
Goals (issue 17): window <= 1.5x the bare window; ``--help`` <= 0.5 s. Runs each case
``--repeat`` times, the cases in turn, and prints the medians. Run:
``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/startup_bench.py``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAINTED = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QEvent, QObject
{setup}
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            import os
            os._exit(0)
        return False
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""

BARE = """
import pandas
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
"""

LOCALREACH = """
from ui.application import make_app
app = make_app()
from ui.main_window import MainWindow
window = MainWindow()
"""


def _painted(setup: str) -> float:
    code = PAINTED.format(root=str(ROOT), setup=setup)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if line.strip() != "painted":
        raise SystemExit(f"the window never painted (exit {proc.returncode})")
    return elapsed


def _command(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for package in ("app", "core", "ui", "resources"):
        compileall.compile_dir(ROOT / package, quiet=1)
    cases = {
        "bare PySide6 window + pandas": lambda: _painted(BARE),
        "LocalReach window": lambda: _painted(LOCALREACH),
        "localreach --help": lambda: _command("--help"),
        "localreach merge --help": lambda: _command("merge", "--help"),
    }
    for case in cases.values():
        case()  # warm the file cache: every case then starts from the same state
    # the cases take turns, so a busy spell of the machine slows each of them alike
    times = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, case in cases.items():
            times[name].append(case())
    results = {name: statistics.median(seconds) for name, seconds in times.items()}
    for name, seconds in results.items():
        print(f"{name:32s} {seconds:6.2f} s", flush=True)
    ratio = results["LocalReach window"] / results["bare PySide6 window + pandas"]
    print(f"window / bare window: {ratio:.2f}x (goal <= 1.5x); --help goal <= 0.5 s")


if __name__ == "__main__":
    main()
