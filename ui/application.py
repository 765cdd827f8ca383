"""Create the QApplication, apply the look, show the main window, run the loop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# pandas before PySide6: once PySide6 is in, its import hook reads the source of every
# module imported after it (shiboken's __feature__ check), pandas' hundreds of them too
import pandas  # noqa: F401, I001
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from app.autosave import Autosaver
from app.logging_setup import setup_logging
from core import __version__
from core.resources import resource_path

# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms).
# The GUI thread gives the GIL up and takes it back around many calls into Qt; beside a
# thread pickling a job's frames or drawing a chart, each take waited up to 5 ms.
GIL_SWITCH_S = 0.0005


def make_app(argv: list[str] | None = None) -> QApplication:
    sys.setswitchinterval(GIL_SWITCH_S)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("LocalReach")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("LocalReach")
    app.setWindowIcon(QIcon(str(resource_path("icons", "localreach.svg"))))
    if sys.platform.startswith("linux") and not _has_platform_theme():
        # Without a desktop theme plug-in Qt falls back to a bare look that ignores
        # light/dark; Fusion draws everything from the palette, so a dark palette shows.
        app.setStyle(QStyleFactory.create("Fusion"))
    scheme = _requested_scheme()
    if scheme != Qt.ColorScheme.Unknown:
        set_color_scheme(app, scheme)
    elif app.styleHints().colorScheme() == Qt.ColorScheme.Unknown and _linux_prefers_dark():
        set_color_scheme(app, Qt.ColorScheme.Dark)
    _apply_style_sheet(app)
    return app


def _apply_style_sheet(app: QApplication) -> None:
    style = resource_path("style.qss")
    if style.exists():
        # Setting it again re-resolves palette(...) colours after a scheme change.
        app.setStyleSheet("")
        app.setStyleSheet(style.read_text(encoding="utf-8"))


def _has_platform_theme() -> bool:
    return bool(os.environ.get("QT_QPA_PLATFORMTHEME")) or QGuiApplication.platformName() not in ("xcb", "offscreen", "minimal")


def _requested_scheme() -> Qt.ColorScheme:
    """``LOCALREACH_THEME=dark|light`` overrides the system (for screenshots and odd desktops)."""
    wanted = os.environ.get("LOCALREACH_THEME", "").strip().lower()
    return {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}.get(wanted, Qt.ColorScheme.Unknown)


def _linux_prefers_dark() -> bool:
    """The desktop's dark preference when Qt has no theme plug-in to ask (GNOME and friends)."""
    if not sys.platform.startswith("linux"):
        return False
    if os.environ.get("GTK_THEME", "").lower().endswith(":dark"):
        return True
    gsettings = shutil.which("gsettings")
    if not gsettings:
        return False
    try:
        out = subprocess.run(
            [gsettings, "get", "org.gnome.desktop.interface", "color-scheme"],
            capture_output=True, text=True, timeout=1, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "dark" in out


def dark_palette() -> QPalette:
    """A calm dark palette for Fusion, with readable disabled text and links."""
    p = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2d30", roles.WindowText: "#e6e6e6", roles.Base: "#1e1f22",
        roles.AlternateBase: "#27292c", roles.ToolTipBase: "#3a3d41", roles.ToolTipText: "#f0f0f0",
        roles.PlaceholderText: "#8c8c8c", roles.Text: "#e6e6e6", roles.Button: "#35373b",
        roles.ButtonText: "#e6e6e6", roles.BrightText: "#ff6b6b", roles.Light: "#4a4d52",
        roles.Midlight: "#3f4246", roles.Mid: "#5a5d62", roles.Dark: "#1a1b1d", roles.Shadow: "#000000",
        roles.Highlight: "#3d7fc4", roles.HighlightedText: "#ffffff", roles.Link: "#79b0f2",
        roles.LinkVisited: "#b69cf0",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#7d7f83"))
    p.setColor(disabled, roles.Base, QColor("#26282b"))
    p.setColor(disabled, roles.Button, QColor("#2f3134"))
    return p


def set_color_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    """Ask the platform for a light or dark look; paint it ourselves where it cannot."""
    hints = app.styleHints()
    hints.setColorScheme(scheme)
    if hints.colorScheme() != scheme:  # no platform theme honoured the request
        palette = dark_palette() if scheme == Qt.ColorScheme.Dark else app.style().standardPalette()
        app.setPalette(palette)
    app.setProperty("localreach_dark", is_dark(app.palette()))
    _apply_style_sheet(app)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def run_app(project: str | None = None) -> int:
    setup_logging()
    app = make_app()
    from ui.main_window import MainWindow
    from ui.widgets.error_dialog import install_excepthook
    from ui.widgets.recovery_dialog import offer_recovery

    window = MainWindow(ask_before_close=True)
    install_excepthook(window)
    window.show()
    QTimer.singleShot(0, window.jobs.warm_up)  # start an engine process now, not on the first job
    offer_recovery(window.document, window)
    if project:
        window.open_project(project)
    elif not window.settings.get("seen_tour"):
        window.start_tour()
    autosaver = Autosaver(window.document, window.jobs, minutes=window.settings.get("autosave_minutes"))
    autosaver.start()
    code = app.exec()
    autosaver.stop()
    return code

