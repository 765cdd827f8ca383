"""GUI tests: a shown main window per test, and garbage collected on the GUI thread."""

import gc

import pytest

from core.demo import generate
from core.io import read_table
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


@pytest.fixture(scope="module")
def demo_frames(tmp_path_factory):
    """A 300-customer demo shop (seed 2): the customer list and the sales lines."""
    out = tmp_path_factory.mktemp("demo")
    generate(out, customers=300, seed=2)
    return read_table(out / "crm.xlsx")[0], read_table(out / "sales.csv")[0]
