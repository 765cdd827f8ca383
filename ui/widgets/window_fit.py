"""The main window's first size: the saved one, cut to the screen's free area, else
maximised (a desktop app with tables wants all the room there is). The size behind the
maximised state -- what "restore down" gives -- is the default, never bigger than the free
area, so the status bar and the bottom buttons stay on screen on a small one too.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QWidget

DEFAULT = QSize(1280, 800)
TITLE_BAR = 40  # room for the window manager's frame, which availableGeometry leaves in


def fit_to(window: QWidget, available: QRect, restored: bool) -> None:
    """Size ``window`` for a screen whose free area is ``available``."""
    if not restored:
        window.resize(min(DEFAULT.width(), available.width()),
                      min(DEFAULT.height(), available.height() - TITLE_BAR))
    frame = window.frameGeometry()
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    if (width, height) != (frame.width(), frame.height()):
        window.resize(width - (frame.width() - window.width()), height - (frame.height() - window.height()))
    if restored:
        x = min(max(frame.x(), available.left()), available.right() - width + 1)
        y = min(max(frame.y(), available.top()), available.bottom() - height + 1)
    else:
        x = available.left() + (available.width() - width) // 2
        y = available.top() + (available.height() - height) // 2
    window.move(x, y)
    if not restored:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
