"""Screenshot every screen with the demo data loaded (run under Xvfb to see real rendering).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tests/ui/take_screenshots.py OUTDIR [--dark] [--run]

The window sizes itself to the screen as it does for a user (maximised on small ones);
each shot is the whole screen, so what a window manager cuts off shows too.

``--dark`` asks for the dark colour scheme (as a desktop set to dark would); ``--run``
also presses each screen's main button and shoots the result: a second customer list
previewed and imported, a match explained, groups found (with the purchase chance, then
the "Who buys next" and "Fair groups" tabs), personas written, the Compose check and a
preview, the export written, the list pseudonymised (its three tabs, the risk checked),
the audit log; plus the About box, the user guide and the tour.

The screen's size is the display's (Xvfb's ``-screen 0 WxHxD``); set ``LOCALREACH_HOME``
to an empty folder so that no saved window size is reused.

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


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vendors"


def wait_job(window: MainWindow, step: str, seconds: float = 1.5) -> None:
    run_until(lambda: not window.jobs.is_running(step), 120)
    settle(QApplication.instance(), window, seconds)


def run_import(window: MainWindow, outdir: Path) -> None:
    """A second customer list (a Mailchimp export) previewed, then imported and linked."""
    screen = window.screens["import"]
    window.go_to("import")
    screen.preview_file("more", FIXTURES / "mailchimp_subscribed.csv")
    wait_job(window, "import")
    shoot(window, outdir / "run-import-add-list.png")
    screen.import_pending()
    wait_job(window, "import")
    shoot(window, outdir / "run-import-added.png")


def run_duplicates(window: MainWindow, outdir: Path) -> None:
    """The most certain pairs sent to review (the slider at its top), one explained."""
    screen = window.screens["duplicates"]
    window.go_to("duplicates")
    wait_job(window, "duplicates")
    screen.slider.setValue(screen.slider.maximum())
    screen._commit_threshold()  # noqa: SLF001 (what releasing the slider does)
    wait_job(window, "duplicates")
    screen.explain()
    settle(QApplication.instance(), window, 0.5)
    shoot(window, outdir / "run-duplicates-explain.png")


def run_segments(window: MainWindow, outdir: Path) -> None:
    screen = window.screens["segments"]
    window.go_to("segments")
    settle(QApplication.instance(), window, 1)
    screen.propensity_days.setValue(90)
    screen.find_groups()
    wait_job(window, "segments")
    shoot(window, outdir / "run-segments.png")
    for index in range(screen.tabs.count()):
        screen.tabs.setCurrentIndex(index)
        if screen.tabs.widget(index) is screen.fairness:
            page = screen.fairness
            for i in range(page.columns.count()):
                item = page.columns.item(i)
                if item.text().endswith("(suggested)"):
                    item.setCheckState(Qt.CheckState.Checked)
            settle(QApplication.instance(), window, 0.5)
            screen.check_fairness()
            wait_job(window, "segments")
        settle(QApplication.instance(), window, 1)
        shoot(window, outdir / f"run-segments-tab{index + 1}.png")
    screen.tabs.setCurrentIndex(0)


def run_compose(window: MainWindow, outdir: Path) -> None:
    screen = window.screens["compose"]
    window.go_to("compose")
    settle(QApplication.instance(), window, 1)
    screen.run_check()
    wait_job(window, "compose")
    shoot(window, outdir / "run-compose.png")


def run_export(window: MainWindow, outdir: Path) -> None:
    screen = window.screens["export"]
    window.go_to("export")
    wait_job(window, "export")
    shoot(window, outdir / "run-export-plan.png")
    folder = outdir / "export"
    folder.mkdir(exist_ok=True)
    screen.folder.setText(str(folder))
    screen.export()
    wait_job(window, "export")
    shoot(window, outdir / "run-export.png")


def run_privacy(window: MainWindow, outdir: Path) -> None:
    """Pseudonymise with the suggested treatments; the passphrase dialog (shown where no OS
    keyring is usable) is answered by the tool, as a user would type one."""
    from ui.widgets import passphrase

    passphrase.ask_passphrase = lambda *_args, **_kw: "screenshot passphrase"
    screen = window.screens["privacy"]
    window.go_to("privacy")
    settle(QApplication.instance(), window, 1)
    screen.pseudonymise()
    wait_job(window, "privacy")
    settle(QApplication.instance(), window, 1)
    shoot(window, outdir / "run-privacy.png")
    screen.details.setCurrentIndex(1)
    settle(QApplication.instance(), window, 0.5)
    shoot(window, outdir / "run-privacy-key.png")
    screen.details.setCurrentIndex(2)
    screen.check_risk()
    wait_job(window, "privacy")
    shoot(window, outdir / "run-privacy-risk.png")
    screen.details.setCurrentIndex(0)


def run_main_actions(app: QApplication, window: MainWindow, outdir: Path) -> None:
    """Each screen's main action in pipeline order; Privacy last, so the other shots show
    plain data."""
    run_duplicates(window, outdir)
    screen = window.screens["duplicates"]
    screen.slider.setValue(90)
    screen._commit_threshold()  # noqa: SLF001 (back to the default for the rest of the walk)
    wait_job(window, "duplicates")
    run_segments(window, outdir)
    window.go_to("personas")
    settle(app, window, 1)
    window.screens["personas"].write_personas()
    wait_job(window, "personas")
    shoot(window, outdir / "run-personas.png")
    run_compose(window, outdir)
    run_export(window, outdir)
    run_import(window, outdir)  # linking a second list starts the later steps afresh
    run_privacy(window, outdir)
    window.go_to("audit")
    settle(app, window, 1)
    shoot(window, outdir / "run-audit.png")


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
