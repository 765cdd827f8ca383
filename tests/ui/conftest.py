"""GUI tests: a shown main window per test, and garbage collected on the GUI thread."""

import gc

import pytest

from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _collect_on_gui_thread():
    yield
    gc.collect()


@pytest.fixture
def window(qtbot):
    """The real main window, shown; its jobs are stopped after the test."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.jobs.shutdown()
