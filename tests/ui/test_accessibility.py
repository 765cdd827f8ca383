"""Every visible control on every screen has a name a screen reader can say and takes Tab focus.

Also: every step is reachable from the keyboard (Go menu Ctrl+1..9) and the sidebar
takes focus.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from ui.main_window import MainWindow
from ui.screens import STEPS

INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox,
               QAbstractSlider, QAbstractItemView)


@pytest.fixture(scope="module")
def window(qapp):
    win = MainWindow()
    win.resize(1280, 800)
    win.show()
    win.screens["import"].load_demo()
    from pytestqt.qtbot import QtBot

    QtBot(None).waitUntil(lambda: not win.jobs.is_running("import"), timeout=20000)
    yield win
    win.jobs.shutdown()
    win.close()


def _internal(widget: QWidget) -> bool:
    """Parts Qt builds inside other controls (scroll-bar arrows, a spin box's line edit, tab scrollers)."""
    parent = widget.parentWidget()
    if isinstance(parent, (QAbstractSpinBox, QComboBox, QTabBar)) or isinstance(widget, QHeaderView):
        return True  # a table's headers are part of the table, which carries the name
    return widget.objectName().startswith("qt_") or widget.metaObject().className() in (
        "QScrollBar", "QTableCornerButton")


def _named(widget: QWidget) -> bool:
    if widget.accessibleName().strip() or widget.toolTip().strip():
        return True
    text = getattr(widget, "text", None)
    return bool(callable(text) and isinstance(text(), str) and text().replace("&", "").strip())


def _problems(screen: QWidget) -> list[str]:
    problems = []
    for widget in screen.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not widget.isVisible() or _internal(widget):
            continue
        label = f"{type(widget).__name__} {widget.objectName() or ''} '{getattr(widget, 'text', lambda: '')()}'"
        if not _named(widget):
            problems.append(f"{label}: no accessible name, text or tooltip")
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            problems.append(f"{label}: cannot take Tab focus")
    return problems


@pytest.mark.parametrize("step", [s for s, _ in STEPS])
def test_every_control_is_named_and_keyboard_reachable(window, qtbot, step):
    window.go_to(step)
    qtbot.wait(50)
    assert window.stack.currentWidget() is window.screens[step]
    problems = _problems(window.screens[step])
    assert not problems, "\n".join(problems)


def test_every_step_has_a_keyboard_shortcut_and_the_sidebar_takes_focus(window, qtbot):
    go = next(m for m in window.menuBar().actions() if m.text() == "&Go").menu()
    shortcuts = [a.shortcut().toString() for a in go.actions()]
    assert shortcuts == [f"Ctrl+{i}" for i in range(1, len(STEPS) + 1)]
    go.actions()[2].trigger()
    assert window.stack.currentWidget() is window.screens[STEPS[2][0]]
    assert window.sidebar.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert window.sidebar.accessibleName()
    window.go_to("import")


def test_welcome_choices_are_named_and_reachable(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    try:
        assert not _problems(win.screens["import"])
        buttons = [b for b in win.screens["import"].findChildren(QAbstractButton) if b.isVisible()]
        assert any("demo" in b.text().lower() for b in buttons)
    finally:
        win.jobs.shutdown()
