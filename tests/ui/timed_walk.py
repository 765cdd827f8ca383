"""A timed walk through the window, as a user clicks it: from a fresh start to exported
e-mails, counting clicks and seconds (not a test: a tool, like take_screenshots.py).

    xvfb-run -a -s "-screen 0 1366x768x24" sh -c 'openbox & sleep 1; \
        .venv/bin/python tests/ui/timed_walk.py demo'
    ... timed_walk.py files CUSTOMERS SALES [--fix-dates]   (a customer list and a sales
        file of one's own; --fix-dates applies the Quality step's date fix to the sales file)

Each click is a real mouse click (QTest) on the button or sidebar row a user would press.
A file or folder dialog counts as two clicks (pick the file, press Open) and is answered
with the path given. The seconds are the machine's: from the first click until the export
is written, waiting for every job as a user would wait for its progress bar; reading and
thinking time is not in them.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog  # noqa: E402

from bench.ui_stall_bench import run_until  # noqa: E402
from ui.application import make_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.screens import STEPS  # noqa: E402


class Walk:
    def __init__(self, window: MainWindow) -> None:
        self.window, self.clicks, self.log = window, 0, []
        self.answers: list[str] = []  # what the next file dialogs are answered with
        QFileDialog.getOpenFileName = lambda *a, **k: (self._answer(), "")
        QFileDialog.getExistingDirectory = lambda *a, **k: self._answer()

    def _answer(self) -> str:
        self.clicks += 2
        answer = self.answers.pop(0)
        self.log.append(f"  dialog -> {Path(answer).name} (2 clicks)")
        return answer

    def settle(self, seconds: float = 0.3) -> None:
        """Wait while any job runs (the user watches the progress bar), then a moment."""
        window = self.window
        end = [time.monotonic() + seconds]

        def done() -> bool:
            if any(window.jobs.is_running(s) for s, _ in STEPS):
                end[0] = time.monotonic() + seconds
                return False
            return time.monotonic() >= end[0]

        run_until(done, 300)

    def click(self, widget, what: str) -> None:
        if not (widget.isVisible() and widget.isEnabled()):
            screen = self.window.stack.currentWidget()
            raise SystemExit("\n".join([*self.log, f"{what}: not clickable; the screen says: "
                                         f"{screen.waiting_for() if hasattr(screen, 'waiting_for') else ''}"
                                         f" / {getattr(getattr(screen, 'summary', None), 'text', str)()}"]))
        self.clicks += 1
        self.log.append(f"  click {what}")
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.settle()

    def pick(self, combo, text: str, what: str) -> None:
        """Open a combo box and choose ``text``: two clicks."""
        self.clicks += 2
        self.log.append(f"  choose {what}: {text} (2 clicks)")
        combo.setCurrentIndex(combo.findText(text))
        self.settle()

    def row(self, listing, startswith: str, what: str) -> bool:
        """Click the row of a list that starts with ``startswith``; False when there is none."""
        for i in range(listing.count()):
            if listing.item(i).text().startswith(startswith):
                self.clicks += 1
                self.log.append(f"  click {what}: {listing.item(i).text()}")
                listing.setCurrentRow(i)
                self.settle()
                return True
        return False

    def step(self, step: str) -> None:
        sidebar = self.window.sidebar
        row = [s for s, _ in STEPS].index(step)
        rect = sidebar.visualItemRect(sidebar.item(row))
        self.clicks += 1
        self.log.append(f"  click sidebar {step}")
        QTest.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.settle(0.5)


def walk(kind: str, files: list[str]) -> None:
    app = make_app()
    window = MainWindow()
    window.show()
    run_until(lambda: len(window.screens.built) == len(window.screens), 60)
    out = Path(tempfile.mkdtemp(prefix="lr-walk-"))
    w = Walk(window)
    t0 = time.perf_counter()
    imports = window.screens["import"]
    if kind == "demo":
        w.click(imports.demo_button, "Try the demo data")
    else:
        w.answers += [f for f in files if not f.startswith("--")]
        w.click(imports.files_button, "Import my files…")
        w.click(imports.import_button, imports.import_button.text())  # the customer list
        w.click(imports.import_button, imports.import_button.text())  # the sales file
    if "--fix-dates" in files:
        # Dates not written 2025-03-31 (German 01.01.1997, say): Segments asks for the
        # Quality step's date fix on the sales file first.
        w.step("quality")
        quality = window.screens["quality"]
        w.pick(quality.file_choice, quality.file_choice.itemText(1), "file")
        if w.row(quality.steps, "Dates", "fix"):
            w.click(quality.apply_button, "Apply")
    w.step("duplicates")
    if window.screens["duplicates"].merge_button.isEnabled():
        w.click(window.screens["duplicates"].merge_button, "Merge duplicates")
    w.step("segments")
    w.click(window.screens["segments"].find, "Find customer groups")
    w.step("personas")
    w.click(window.screens["personas"].write, "Write personas")
    w.step("compose")
    w.click(window.screens["compose"].check_button, "Check before export")
    w.step("export")
    export = window.screens["export"]
    w.answers.append(str(out))
    browse = next(b for b in export.findChildren(type(export.export_button)) if b.text() == "Choose…")
    w.click(browse, "Choose… (folder)")
    w.click(export.export_button, "Export")
    seconds = time.perf_counter() - t0
    written = sorted(p.name for p in out.iterdir())
    print("\n".join(w.log))
    print(f"{kind}: {seconds:.1f} s, {w.clicks} clicks; Export says: {export.result_label.text()!r}; "
          f"{len([n for n in written if n.endswith('.eml')])} .eml files in {out}")
    errors = [b.text() for b in QApplication.topLevelWidgets() if b.isVisible() and b is not window]
    if errors:
        print("windows left open:", errors)
    window.jobs.shutdown()
    del app


if __name__ == "__main__":
    walk(sys.argv[1] if len(sys.argv) > 1 else "demo", sys.argv[2:])
