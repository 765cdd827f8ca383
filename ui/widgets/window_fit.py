"""The main window's first size: the saved one, or most of the screen, never bigger than the
screen's free area (so the status bar and the bottom buttons are always on screen), and
maximised on screens where the default would not fit with its title bar.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QWidget

DEFAULT = QSize(1280, 800)
TITLE_BAR = 40
SHARE = 0.9  # of a big screen's free area: roomy, with the desktop still in sight  # room for the window manager's frame, which availableGeometry leaves in


def fit_to(window: QWidget, available: QRect, restored: bool) -> None:
    """Size ``window`` for a screen whose free area is ``available``."""
    if not restored:
        if available.width() < DEFAULT.width() or available.height() < DEFAULT.height() + TITLE_BAR:
            window.resize(available.width(), available.height() - TITLE_BAR)
            window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
            return
        window.resize(max(DEFAULT.width(), int(available.width() * SHARE)),
                      max(DEFAULT.height(), int((available.height() - TITLE_BAR) * SHARE)))
    frame = window.frameGeometry()
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    if (width, height) != (frame.width(), frame.height()):
        window.resize(width - (frame.width() - window.width()), height - (frame.height() - window.height()))
    x = min(max(frame.x(), available.left()), available.right() - width + 1)
    y = min(max(frame.y(), available.top()), available.bottom() - height + 1)
    if not restored:
        x = available.left() + (available.width() - width) // 2
        y = available.top() + (available.height() - height) // 2
    window.move(x, y)
