"""Key storage (RELIABILITY 16, 18): trusted keyrings only, passphrase key file, backups."""

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest

from core.errors import KeyStoreError
from core.privacy import keystore
from core.privacy.keystore import (
    KeyFileStore,
    KeyringStore,
    NoSafeKeyring,
    backend_info,
    check_fingerprint,
    export_backup,
    import_backup,
    load_or_create,
    open_store,
)
from core.privacy.tokens import fingerprint
from tests.core.privacy_support import LossyKeyring, MemoryKeyring, fast_scrypt  # noqa: F401 (autouse fixture)

PASS = "correct horse battery"


@pytest.fixture
def memory_keyring(monkeypatch):
    """An in-memory keyring that the store treats like a real OS keyring."""
    backend = MemoryKeyring()
    path = f"{MemoryKeyring.__module__}.{MemoryKeyring.__qualname__}"
    monkeypatch.setitem(keystore.TRUSTED_BACKENDS, path, "test keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_trusted_keyring_creates_reads_back_and_reuses_the_key(memory_keyring):
    store = open_store("p1")
    key, created = load_or_create(store)
    again, created_again = load_or_create(open_store("p1"))
    assert created and not created_again and key == again and len(key) == 32
    assert ("LocalReach", "project-key:p1") in memory_keyring.store
    assert store.location == "test keyring (LocalReach / project-key:p1)"
    other, _ = load_or_create(open_store("p2"))
    assert other != key


def test_fail_backend_asks_for_a_passphrase_and_key_file_works(tmp_path):
    backend = keyring.backends.fail.Keyring()
    with pytest.raises(NoSafeKeyring) as err:
        KeyringStore("p1", backend=backend)
    assert str(err.value) == (
        "The key cannot go to the keyring: this computer has no usable OS keyring. No safe OS keyring "
        "on this computer: protect the key with a passphrase (set LOCALREACH_PASSPHRASE, or pass "
        "--key-file FILE for a passphrase-protected key file)."
    )
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        with pytest.raises(NoSafeKeyring):
            open_store("p1")
        store = open_store("p1", key_file=tmp_path / "project.lrkey", passphrase=PASS)
        key, created = load_or_create(store)
    finally:
        keyring.set_keyring(previous)
    assert created and isinstance(store, KeyFileStore)
    assert KeyFileStore(tmp_path / "project.lrkey", PASS).load() == key
    assert key not in (tmp_path / "project.lrkey").read_bytes()
    assert fingerprint(key).encode() in (tmp_path / "project.lrkey").read_bytes()


def test_null_and_plaintext_backends_refused_unless_opted_in():
    class PlaintextKeyring(MemoryKeyring):
        pass

    assert backend_info(keyring.backends.null.Keyring()).reason == "the null keyring throws keys away"
    assert backend_info(PlaintextKeyring()).reason == "the plain-text keyring stores keys unencrypted"
    for backend in (keyring.backends.null.Keyring(), PlaintextKeyring(), MemoryKeyring()):
        with pytest.raises(NoSafeKeyring):
            KeyringStore("p", backend=backend)
    store = KeyringStore("p", backend=PlaintextKeyring(), allow_untrusted=True)
    key, _ = load_or_create(store)
    assert store.load() == key


def test_read_back_mismatch_is_an_error():
    store = KeyringStore("p", backend=LossyKeyring(), allow_untrusted=True)
    with pytest.raises(KeyStoreError, match="read back from the keyring differs"):
        store.save(bytes(32) + b"")


def test_key_file_wrong_passphrase_short_passphrase_and_missing_passphrase(tmp_path):
    path = tmp_path / "k.lrkey"
    key, _ = load_or_create(KeyFileStore(path, PASS))
    with pytest.raises(KeyStoreError, match=r"^Wrong passphrase for Key file k.lrkey"):
        KeyFileStore(path, "not the passphrase").load()
    with pytest.raises(KeyStoreError, match="at least 8 characters"):
        KeyFileStore(tmp_path / "short.lrkey", "abc").save(key)
    assert not (tmp_path / "short.lrkey").exists()
    with pytest.raises(KeyStoreError, match="needs its passphrase: set LOCALREACH_PASSPHRASE"):
        open_store("p", key_file=path, passphrase=None)


def test_tampered_key_file_is_refused(tmp_path):
    path = tmp_path / "k.lrkey"
    load_or_create(KeyFileStore(path, PASS))
    path.write_bytes(path.read_bytes().replace(b'"n": 4096', b'"n": 2048'))
    with pytest.raises(KeyStoreError, match="Wrong passphrase"):
        KeyFileStore(path, PASS).load()
    (tmp_path / "junk.lrkey").write_text("hello")
    with pytest.raises(KeyStoreError, match="is not a LocalReach key file"):
        KeyFileStore(tmp_path / "junk.lrkey", PASS).load()


def test_backup_round_trip_and_fingerprint_check(tmp_path):
    key = keystore.new_key()
    export_backup(key, tmp_path / "backup.lrkey", PASS)
    assert import_backup(tmp_path / "backup.lrkey", PASS, expected=fingerprint(key)) == key
    with pytest.raises(KeyStoreError) as err:
        import_backup(tmp_path / "backup.lrkey", PASS, expected="0123456789abcdef")
    assert str(err.value) == (
        f"This key (fingerprint {fingerprint(key)}) is not the project's key (fingerprint "
        "0123456789abcdef); restore the project's key from its backup instead."
    )
    with pytest.raises(KeyStoreError, match="Key backup nope.lrkey does not exist"):
        import_backup(tmp_path / "nope.lrkey", PASS)


def test_project_opened_with_another_key_is_refused():
    key, other = keystore.new_key(), keystore.new_key()
    check_fingerprint(key, fingerprint(key))
    check_fingerprint(key, None)
    with pytest.raises(KeyStoreError, match="is not the project's key"):
        check_fingerprint(other, fingerprint(key))


def test_delete_forgets_the_key(memory_keyring, tmp_path):
    store = open_store("gone")
    load_or_create(store)
    store.delete()
    assert store.load() is None and memory_keyring.store == {}
    file_store = KeyFileStore(tmp_path / "k.lrkey", PASS)
    load_or_create(file_store)
    file_store.delete()
    assert not (tmp_path / "k.lrkey").exists()


def test_project_key_refs_keep_one_key_per_fingerprint(memory_keyring, tmp_path):
    key, ref = keystore.create_key("proj")
    assert ref.fingerprint == fingerprint(key) and ref.key_file == ""
    assert keystore.unlock(ref) == key
    other, other_ref = keystore.create_key("proj")
    assert keystore.unlock(ref) == key and keystore.unlock(other_ref) == other
    memory_keyring.store[("LocalReach", f"project-key:proj:{ref.fingerprint}")] = (
        memory_keyring.store[("LocalReach", f"project-key:proj:{other_ref.fingerprint}")])
    with pytest.raises(KeyStoreError, match="is not the project's key"):
        keystore.unlock(ref)
    ref.store().delete()
    with pytest.raises(KeyStoreError) as err:
        keystore.unlock(ref)
    assert str(err.value) == (
        f"The project key (fingerprint {ref.fingerprint}) is not in the test keyring "
        f"(LocalReach / project-key:proj:{ref.fingerprint}); restore it from its backup."
    )
    file_key, file_ref = keystore.create_key("proj", key_file=str(tmp_path / "k.lrkey"), passphrase=PASS)
    assert keystore.unlock(file_ref, PASS) == file_key


def test_the_real_scrypt_cost_is_stored_and_used():
    key = keystore.new_key()
    blob = keystore.seal_key(key, PASS, n=2**15)
    assert b'"n": 32768' in blob and keystore.open_key(blob, PASS) == key
