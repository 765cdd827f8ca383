"""Screenshot every screen with the demo data loaded (run under Xvfb to see real rendering).

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/ui/take_screenshots.py OUTDIR [--dark]

Not a test: a tool for looking at the app the way a user sees it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.application import make_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.screens import STEPS  # noqa: E402


def settle(app: QApplication, window: MainWindow, seconds: float = 1.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end or any(window.jobs.is_running(s) for s, _ in STEPS):
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    outdir = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    outdir.mkdir(parents=True, exist_ok=True)
    app = make_app()
    if "--dark" in sys.argv:
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    settle(app, window)
    window.grab().save(str(outdir / "00-welcome.png"))
    window.screens["import"].load_demo()
    settle(app, window, 2)
    for i, (step, _title) in enumerate(STEPS, start=1):
        window.go_to(step)
        settle(app, window, 1.5)
        window.grab().save(str(outdir / f"{i:02d}-{step}.png"))
    window.jobs.shutdown()
    print(f"screenshots in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
