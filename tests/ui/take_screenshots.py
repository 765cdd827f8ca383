"""Screenshot every screen with the demo data loaded (run under Xvfb to see real rendering).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tests/ui/take_screenshots.py OUTDIR [--dark] [--run]

The window sizes itself to the screen as it does for a user (maximised on small ones);
each shot is the whole screen, so what a window manager cuts off shows too.

``--dark`` asks for the dark colour scheme (as a desktop set to dark would); ``--run``
also presses each screen's main button (privacy, duplicates, segments, personas) and
shoots the result, plus the About box, the user guide and the tour.

Not a test: a tool for looking at the app the way a user sees it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.ui_stall_bench import run_until  # noqa: E402
from ui.application import make_app, set_color_scheme  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.screens import STEPS  # noqa: E402


def shoot(window: MainWindow, path: Path) -> None:
    """The whole screen under a real display; the window alone under offscreen."""
    screen = window.screen()
    picture = screen.grabWindow(0) if QApplication.platformName() == "xcb" else window.grab()
    picture.save(str(path))


def settle(app: QApplication, window: MainWindow, seconds: float = 1.0) -> None:
    """Run the event loop for ``seconds``, and while any job runs, plus 1.5 s after the
    last one so charts have drawn (a QEventLoop: see bench.ui_stall_bench.run_until)."""
    end = [time.monotonic() + seconds]

    def done() -> bool:
        if any(window.jobs.is_running(s) for s, _ in STEPS):
            end[0] = max(end[0], time.monotonic() + 1.5)
            return False
        return time.monotonic() >= end[0]

    run_until(done)


MAIN_ACTIONS = [  # (step, method) in pipeline order; each waits for the one before
    ("privacy", None),  # pseudonymise asks for a passphrase in a modal dialog
    ("duplicates", None),
    ("segments", "find_groups"),
    ("personas", "write_personas"),
    ("compose", None),
    ("export", None),
]


def run_main_actions(app: QApplication, window: MainWindow, outdir: Path) -> None:
    for step, method in MAIN_ACTIONS:
        window.go_to(step)
        settle(app, window, 1)
        screen = window.screens[step]
        if method and hasattr(screen, method) and not screen.waiting_for():
            getattr(screen, method)()
            settle(app, window, 2)
            run_until(lambda s=screen: not s.progress.isVisible(), 120)  # the result is applied then
            settle(app, window, 1.5)
        shoot(window, outdir / f"run-{step}.png")


def shoot_dialogs(app: QApplication, window: MainWindow, outdir: Path) -> None:
    from ui.widgets.about import AboutDialog
    from ui.widgets.help import TextDialog, guide_html
    from ui.widgets.tour import Tour

    for name, dialog in (
        ("about", AboutDialog(window)),
        ("guide", TextDialog("User guide", guide_html(), window)),
        ("tour", Tour(window)),
    ):
        dialog.show()
        settle(app, window, 0.5)
        shoot(window, outdir / f"dialog-{name}.png")
        dialog.close()
    window.show_shortcuts()
    settle(app, window, 0.5)
    for dialog in window.findChildren(TextDialog):
        if dialog.isVisible():
            dialog.grab().save(str(outdir / "dialog-shortcuts.png"))
            dialog.close()


def main() -> int:
    outdir = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    outdir.mkdir(parents=True, exist_ok=True)
    app = make_app()
    if "--dark" in sys.argv:
        set_color_scheme(app, Qt.ColorScheme.Dark)
    window = MainWindow()
    window.show()
    settle(app, window)
    shoot(window, outdir / "00-welcome.png")
    window.screens["import"].load_demo()
    settle(app, window, 2)
    for i, (step, _title) in enumerate(STEPS, start=1):
        window.go_to(step)
        settle(app, window, 1.5)
        shoot(window, outdir / f"{i:02d}-{step}.png")
    if "--run" in sys.argv:
        run_main_actions(app, window, outdir)
        shoot_dialogs(app, window, outdir)
    window.jobs.shutdown()
    print(f"screenshots in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
