"""Scrolling a page never changes a setting: the wheel is for the page, not for the
combo box or spin box that happens to pass under the pointer.

One application-wide event filter: a wheel event over a combo box or spin box without
keyboard focus goes to the scroll area around it instead (the table or page scrolls);
click or Tab into the control first and the wheel works on it as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox)


def _guarded(obj: QObject) -> QWidget | None:
    """The combo or spin box ``obj`` is, or is part of (a spin box's text field)."""
    widget = obj if isinstance(obj, QWidget) else None
    for _ in range(2):
        if widget is None:
            return None
        if isinstance(widget, GUARDED):
            return widget
        widget = widget.parentWidget()
    return None


class WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.Wheel:
            return False
        control = _guarded(obj)
        if control is None or control.hasFocus():
            return False
        area = control.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:
            QApplication.sendEvent(area.viewport(), event)  # the page or table around it scrolls
        return True


def install_wheel_guard(app: QApplication) -> None:
    """Install the filter once on ``app``."""
    if app.property("localreach_wheel_guard"):
        return
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    app.setProperty("localreach_wheel_guard", True)
