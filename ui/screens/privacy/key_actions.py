"""Key actions of the Privacy screen: unlock or make the key, back up, restore, rotate, delete.

A mixin for :class:`ui.screens.privacy.screen.Screen`, which provides ``document``, ``key_ref()``,
``_state()``, ``_put()``, ``show_error()`` and ``refresh()``. The key itself lives only in
memory (``_key``) and in its store; the project keeps a :class:`KeyRef`. Passphrases are
asked through :func:`ui.widgets.passphrase.ask_passphrase`, plainly, never silently.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.settings import data_dir
from core.errors import LocalReachError
from core.privacy import keystore
from core.privacy.keystore import KeyRef, NoSafeKeyring
from core.privacy.tokens import normalize_email, token_for
from core.privacy.vault import Vault, rotate
from ui.widgets import passphrase as privacy_passphrase
from ui.widgets.file_dialogs import remember, start_folder, start_in

STEP = "privacy"
SOURCES = {"crm": "Customer list", "sales": "Sales"}  # the tables a project may hold


class KeyActions:
    """What the key panel's buttons do; every change is one undo step and one audit row."""

    _key: bytes | None = None
    _passphrase: str | None = None

    def _ask(self, title: str, explanation: str, confirm: bool) -> str:
        passphrase = privacy_passphrase.ask_passphrase(self, title, explanation, confirm)
        if passphrase is None:
            raise LocalReachError("No passphrase given: nothing was changed.")
        return passphrase

    def _key_file_path(self, project_id: str, fp: str) -> str:
        return str(data_dir() / "keys" / f"{project_id}-{fp}.lrkey")

    def unlock(self) -> tuple[bytes, KeyRef]:
        """The project's key, made on first use; asks for a passphrase only without a safe keyring."""
        ref = self.key_ref()
        if ref is not None:
            if self._key is not None and keystore.fingerprint(self._key) == ref.fingerprint:
                return self._key, ref
            if ref.key_file and self._passphrase is None:
                self._passphrase = self._ask("Unlock the key", "Type the passphrase that protects "
                                             "this project's key file.", False)
            try:
                self._key = keystore.unlock(ref, self._passphrase)
            except LocalReachError:
                self._passphrase = None  # a wrong passphrase is asked again next time, not reused
                raise
            return self._key, ref
        project_id = uuid.uuid4().hex[:12]
        try:
            key, ref = keystore.create_key(project_id)
        except NoSafeKeyring as exc:
            self._passphrase = self._ask(
                "Protect the key with a passphrase",
                f"{exc.args[0].split(':')[0]}. LocalReach will keep the key in a file protected by "
                "a passphrase. You will need the passphrase each time you open this project.", True)
            key = keystore.new_key()
            ref = KeyRef(project_id, keystore.fingerprint(key), self._key_file_path(project_id, keystore.fingerprint(key)))
            ref.store(self._passphrase).save(key)
        self._key = key
        return key, ref


    def backup_key(self) -> None:
        try:
            key, ref = self.unlock()
            path = remember(QFileDialog.getSaveFileName(
                self, "Back up the key", start_in(f"localreach-key-{ref.fingerprint}.lrkey"),
                "LocalReach key (*.lrkey)")[0])
            if not path:
                return
            passphrase = self._ask("Protect the backup", "Choose a passphrase for the backup file. "
                                   "Keep it apart from the file: both are needed to restore.", True)
            keystore.export_backup(key, path, passphrase)
        except LocalReachError as exc:
            self.show_error(exc)
            return
        self.document.audit(STEP, {"action": "back up key"}, 0, 0, key_fingerprint=ref.fingerprint)

    def restore_key(self) -> None:
        path = remember(QFileDialog.getOpenFileName(self, "Restore the key", start_folder(), "LocalReach key (*.lrkey)")[0])
        if not path:
            return
        ref = self.key_ref()
        try:
            passphrase = self._ask("Open the backup", "Type the passphrase of this key backup.", False)
            key = keystore.import_backup(path, passphrase, expected=ref.fingerprint if ref else None)
            if ref is None:
                ref = KeyRef(uuid.uuid4().hex[:12], keystore.fingerprint(key))
            if not ref.key_file:
                try:
                    ref.store().save(key)
                except NoSafeKeyring:
                    ref = KeyRef(ref.project_id, ref.fingerprint, self._key_file_path(ref.project_id, ref.fingerprint))
            if ref.key_file:  # the backup's passphrase now protects the key file too
                ref.store(passphrase).save(key)
                self._passphrase = passphrase
        except LocalReachError as exc:
            self.show_error(exc)
            return
        self._key = key
        if self.key_ref() != ref:
            self._put({"key": asdict(ref)}, "Restore the key")
        self.document.audit(STEP, {"action": "restore key"}, 0, 0, key_fingerprint=ref.fingerprint)
        self.refresh()

    def rotate_key(self) -> None:
        if not self.confirm("Make a new key?", "Every code in this project is recomputed with a new key. "
                            "Back up the new key afterwards: old backups will not open the new codes."):
            return
        try:
            key, ref = self.unlock()
            new_key, new_ref = keystore.create_key(ref.project_id) if not ref.key_file else self._new_file_key(ref)
            frames = {n: f for n in SOURCES if (f := self.document.frame(n)) is not None}
            out, vault, _ = rotate(frames, Vault.from_frame(key, self._state().get("vault")), new_key,
                                   region=self.config("crm").phone_region)  # the tokens' own region
        except LocalReachError as exc:
            self.show_error(exc)
            return
        stack = self.document.undo_stack
        stack.beginMacro("Make a new key")
        for n, frame in out.items():
            self.document.set_frame(n, frame, "New key")
        suppression = sorted(self._retoken_suppression(key, new_key))
        self._put({"key": asdict(new_ref), "vault": vault.to_frame(), "suppression": suppression}, "New key")
        stack.endMacro()
        self._key = new_key
        self.document.audit(STEP, {"action": "rotate key", "old_fingerprint": ref.fingerprint}, 0, 0,
                            key_fingerprint=new_ref.fingerprint)

    def _new_file_key(self, ref: KeyRef) -> tuple[bytes, KeyRef]:
        new_key = keystore.new_key()
        fp = keystore.fingerprint(new_key)
        new_ref = KeyRef(ref.project_id, fp, self._key_file_path(ref.project_id, fp))
        new_ref.store(self._passphrase).save(new_key)
        return new_key, new_ref

    def _retoken_suppression(self, key: bytes, new_key: bytes) -> set[str]:
        """Suppressed people are kept as e-mail tokens; without their e-mails they are re-made
        from the vault, or kept as they are when the vault never saw them."""
        vault = Vault.from_frame(key, self._state().get("vault"))
        tokens = set(self._state().get("suppression", []))
        known = {t for t in tokens if t in vault}
        return {token_for(new_key, "email", normalize_email(vault.open(t))) for t in known} | (tokens - known)

    def delete_key(self) -> None:
        if not self.confirm("Delete the key for good?", "Without the key, the codes in this project can never "
                            "be turned back into names or addresses, and letters cannot be addressed. "
                            "This cannot be undone."):
            return
        ref = self.key_ref()
        try:
            ref.store(self._passphrase).delete()
        except LocalReachError as exc:
            self.show_error(exc)
            return
        self._key = None
        self._put({"key": None, "vault": None}, "Delete the key")
        self.document.audit(STEP, {"action": "delete key"}, 0, 0, key_fingerprint=ref.fingerprint)

    def confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self)
        return box.exec() == QMessageBox.StandardButton.Ok
