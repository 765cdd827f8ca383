"""Test support for the privacy tests: an in-memory keyring, never the real one."""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend

from core.privacy import keystore


class MemoryKeyring(KeyringBackend):
    """Keeps passwords in a dict; trusted only when a test opts in."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


class LossyKeyring(MemoryKeyring):
    """Accepts a key but gives back another one: the read-back check must catch it."""

    def get_password(self, service, username):
        value = super().get_password(service, username)
        return None if value is None else "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    """Cheaper key-file sealing in tests (the cost is stored in each file, so every path
    is the same as with the real cost); import it into a test module to use it."""
    monkeypatch.setattr(keystore, "SCRYPT_N", 2**12)
