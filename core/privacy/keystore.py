"""Where the project key lives: the OS keyring, or a passphrase-protected key file.

Only real OS keyrings are trusted (Windows Credential Manager, macOS Keychain, Secret
Service, KWallet). keyring's fail backend (headless Linux) cannot store anything, and
null or plaintext backends are not safe: they are refused unless the caller opts in.
Without a trusted keyring the key goes to a key file sealed with scrypt + AES-GCM,
only after the user was asked for a passphrase (:class:`NoSafeKeyring` tells the GUI to
ask; the CLI takes ``LOCALREACH_PASSPHRASE`` or ``--key-file``). Every save reads the
key back and compares. The same sealed format serves as the encrypted key backup.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.atomic import atomic_open
from core.errors import KeyStoreError
from core.privacy.tokens import fingerprint

SERVICE = "LocalReach"
KEY_BYTES = 32
MIN_PASSPHRASE = 8
SCRYPT_N = 2**15
KEY_FILE_FORMAT = "localreach-key"
TRUSTED_BACKENDS = {
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.SecretService.Keyring": "Secret Service keyring",
    "keyring.backends.libsecret.Keyring": "Secret Service keyring",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet",
}
ASK_PASSPHRASE = (
    "No safe OS keyring on this computer: protect the key with a passphrase "
    "(set LOCALREACH_PASSPHRASE, or pass --key-file FILE for a passphrase-protected key file)."
)


class NoSafeKeyring(KeyStoreError):
    """No trusted keyring: the caller must ask the user for a key-file passphrase."""


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


@dataclass(frozen=True)
class BackendInfo:
    name: str
    trusted: bool
    reason: str


def _class_path(backend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def backend_info(backend=None) -> BackendInfo:
    """Which keyring backend is active and whether we may keep a key in it."""
    backend = backend if backend is not None else keyring.get_keyring()
    path = _class_path(backend)
    if path in TRUSTED_BACKENDS:
        return BackendInfo(TRUSTED_BACKENDS[path], True, "")
    inner = getattr(backend, "backends", None)
    if path.endswith("chainer.ChainerBackend") and inner:
        infos = [backend_info(b) for b in inner]
        if all(i.trusted for i in infos):
            return BackendInfo(infos[0].name, True, "")
        return BackendInfo("keyring chain", False, next(i.reason for i in infos if not i.trusted))
    if path.startswith("keyring.backends.fail."):
        return BackendInfo("no keyring", False, "this computer has no usable OS keyring")
    if path.startswith("keyring.backends.null."):
        return BackendInfo("null keyring", False, "the null keyring throws keys away")
    if "plaintext" in path.lower() or "alt.file" in path:
        return BackendInfo("plain-text file", False, "the plain-text keyring stores keys unencrypted")
    return BackendInfo(type(backend).__name__, False, "it is not a known OS keyring")


class KeyringStore:
    """The key of one project in the OS keyring (service ``LocalReach``)."""

    def __init__(self, project_id: str, *, allow_untrusted: bool = False, backend=None) -> None:
        self.backend = backend if backend is not None else keyring.get_keyring()
        info = backend_info(self.backend)
        if not info.trusted and not allow_untrusted:
            raise NoSafeKeyring(f"The key cannot go to the keyring: {info.reason}. {ASK_PASSPHRASE}")
        self.account = f"project-key:{project_id}"
        self.location = f"{info.name} (LocalReach / {self.account})"

    def load(self) -> bytes | None:
        try:
            text = self.backend.get_password(SERVICE, self.account)
        except keyring.errors.KeyringError as exc:
            raise KeyStoreError(f"The keyring could not be read ({type(exc).__name__}); unlock it and try again.") from None
        return base64.b64decode(text) if text else None

    def save(self, key: bytes) -> None:
        try:
            self.backend.set_password(SERVICE, self.account, base64.b64encode(key).decode())
        except keyring.errors.KeyringError as exc:
            raise KeyStoreError(f"The keyring refused the key ({type(exc).__name__}); unlock it and try again.") from None
        if self.load() != key:
            raise KeyStoreError("The key read back from the keyring differs from the one written; it was not saved.")

    def delete(self) -> None:
        try:
            self.backend.delete_password(SERVICE, self.account)
        except keyring.errors.PasswordDeleteError:
            pass


def _kdf(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=8, p=1).derive(passphrase.encode())


def seal_key(key: bytes, passphrase: str, *, n: int | None = None) -> bytes:
    """The key encrypted under a passphrase (scrypt, AES-GCM): key file and backup format.

    The scrypt cost ``n`` (default :data:`SCRYPT_N`) is stored in the file, so opening
    always uses the cost the file was sealed with."""
    n = n or SCRYPT_N
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyStoreError(f"The passphrase is too short: use at least {MIN_PASSPHRASE} characters.")
    salt, nonce = os.urandom(16), os.urandom(12)
    header = {"format": KEY_FILE_FORMAT, "version": 1, "kdf": "scrypt", "n": n, "r": 8, "p": 1,
              "fingerprint": fingerprint(key)}
    aad = json.dumps(header, sort_keys=True).encode()
    sealed = AESGCM(_kdf(passphrase, salt, n)).encrypt(nonce, key, aad)
    doc = dict(header, salt=base64.b64encode(salt).decode(), nonce=base64.b64encode(nonce).decode(),
               sealed=base64.b64encode(sealed).decode())
    return json.dumps(doc, indent=1).encode()


def open_key(blob: bytes, passphrase: str, *, source: str = "the key file") -> bytes:
    """The key back from :func:`seal_key`; a wrong passphrase or a changed byte is refused."""
    try:
        doc = json.loads(blob)
        header = {k: doc[k] for k in ("format", "version", "kdf", "n", "r", "p", "fingerprint")}
        salt, nonce, sealed = (base64.b64decode(doc[k]) for k in ("salt", "nonce", "sealed"))
    except (ValueError, KeyError, TypeError):
        raise KeyStoreError(f"{source} is not a LocalReach key file; choose the file you exported.") from None
    if header["format"] != KEY_FILE_FORMAT or header["kdf"] != "scrypt":
        raise KeyStoreError(f"{source} is not a LocalReach key file; choose the file you exported.")
    aad = json.dumps(header, sort_keys=True).encode()
    try:
        key = AESGCM(_kdf(passphrase, salt, int(header["n"]))).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise KeyStoreError(f"Wrong passphrase for {source} (or the file was changed); try again.") from None
    return key


class KeyFileStore:
    """The key in a passphrase-protected file, for machines without a safe keyring."""

    def __init__(self, path: str | os.PathLike, passphrase: str) -> None:
        self.path = Path(path)
        self.passphrase = passphrase
        self.location = f"key file {self.path.name} (passphrase-protected)"

    def load(self) -> bytes | None:
        if not self.path.exists():
            return None
        return open_key(self.path.read_bytes(), self.passphrase, source=f"Key file {self.path.name}")

    def save(self, key: bytes) -> None:
        with atomic_open(self.path, "wb") as fh:
            os.chmod(fh.name, 0o600)  # only the user may read it, before any byte is written
            fh.write(seal_key(key, self.passphrase))
        if self.load() != key:
            raise KeyStoreError(f"The key read back from {self.path.name} differs from the one written.")

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


def open_store(
    project_id: str,
    *,
    key_file: str | os.PathLike | None = None,
    passphrase: str | None = None,
    allow_untrusted: bool = False,
) -> KeyringStore | KeyFileStore:
    """The key file when one is named, else a trusted keyring; :class:`NoSafeKeyring` otherwise."""
    if key_file is not None:
        if not passphrase:
            raise KeyStoreError(
                f"Key file {Path(key_file).name} needs its passphrase: set LOCALREACH_PASSPHRASE."
            )
        return KeyFileStore(key_file, passphrase)
    return KeyringStore(project_id, allow_untrusted=allow_untrusted)


def load_or_create(store: KeyringStore | KeyFileStore) -> tuple[bytes, bool]:
    """The stored key, or a new random one saved (and read back); ``created`` says which."""
    key = store.load()
    if key is not None:
        return key, False
    key = new_key()
    store.save(key)
    return key, True


def check_fingerprint(key: bytes, expected: str | None) -> None:
    """Refuse a key that is not the project's: tokens made with two keys never mix."""
    if expected and fingerprint(key) != expected:
        raise KeyStoreError(
            f"This key (fingerprint {fingerprint(key)}) is not the project's key (fingerprint "
            f"{expected}); restore the project's key from its backup instead."
        )


def export_backup(key: bytes, path: str | os.PathLike, passphrase: str) -> None:
    """Write an encrypted key backup; without it, a lost keyring means lost re-identification."""
    KeyFileStore(path, passphrase).save(key)


def import_backup(path: str | os.PathLike, passphrase: str, expected: str | None = None) -> bytes:
    if not Path(path).exists():
        raise KeyStoreError(f"Key backup {Path(path).name} does not exist; choose another file.")
    key = KeyFileStore(path, passphrase).load()
    check_fingerprint(key, expected)
    return key


@dataclass(frozen=True)
class KeyRef:
    """Where a project's key lives, as stored in the project (never the key itself).

    One key per (project, fingerprint): a rotated key is stored beside the old one, so
    undoing a rotation finds the old key again until the user deletes it on purpose.
    """

    project_id: str
    fingerprint: str
    key_file: str = ""  # "" means the OS keyring

    def store(self, passphrase: str | None = None, *, allow_untrusted: bool = False):
        slot = f"{self.project_id}:{self.fingerprint}"
        if self.key_file:
            return open_store(slot, key_file=self.key_file, passphrase=passphrase)
        return KeyringStore(slot, allow_untrusted=allow_untrusted)


def create_key(project_id: str, *, key_file: str = "", passphrase: str | None = None,
               allow_untrusted: bool = False) -> tuple[bytes, KeyRef]:
    """A new random key, saved (and read back) in the keyring or the key file."""
    key = new_key()
    ref = KeyRef(project_id, fingerprint(key), key_file)
    ref.store(passphrase, allow_untrusted=allow_untrusted).save(key)
    return key, ref


def unlock(ref: KeyRef, passphrase: str | None = None, *, allow_untrusted: bool = False) -> bytes:
    """The project's key; a missing or different key is refused with what to do."""
    store = ref.store(passphrase, allow_untrusted=allow_untrusted)
    key = store.load()
    if key is None:
        raise KeyStoreError(
            f"The project key (fingerprint {ref.fingerprint}) is not in the {store.location}; "
            "restore it from its backup."
        )
    check_fingerprint(key, ref.fingerprint)
    return key
