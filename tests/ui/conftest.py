"""GUI tests: garbage from one test is collected on the GUI thread before the next."""

import gc

import pytest


@pytest.fixture(autouse=True)
def _collect_on_gui_thread():
    yield
    gc.collect()
