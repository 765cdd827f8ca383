"""Shared test set-up: every file LocalReach writes goes to a temp folder."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _localreach_home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("LOCALREACH_HOME", str(tmp_path_factory.mktemp("home")))
