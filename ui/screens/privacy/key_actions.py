"""Key actions of the Privacy screen: unlock or make the key, back up, restore, rotate, delete.

A mixin for :class:`ui.screens.privacy.screen.Screen`, which provides ``document``,
``show_error()`` and ``refresh()``; the work is :mod:`app.actions.privacy`'s, this only
asks. The key itself lives only in memory (``_key``) and in its store; the project keeps
its reference. Passphrases are asked through :func:`ui.widgets.passphrase.ask_passphrase`,
plainly, never silently.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.actions import privacy
from core.errors import LocalReachError
from ui.widgets import passphrase as privacy_passphrase
from ui.widgets.file_dialogs import remember, start_folder, start_in


class KeyActions:
    """What the key panel's buttons do; every change is one undo step and one audit row."""

    _key: bytes | None = None
    _passphrase: str | None = None

    def _ask(self, title: str, explanation: str, confirm: bool) -> str:
        passphrase = privacy_passphrase.ask_passphrase(self, title, explanation, confirm)
        if passphrase is None:
            raise LocalReachError("No passphrase given: nothing was changed.")
        return passphrase

    def key_ref(self):
        return privacy.key_ref(self.document)

    def unlock(self):
        """(key, its reference): the project's key, made on first use."""
        try:
            self._key, ref, self._passphrase = privacy.unlock(self.document, self._key, self._passphrase, self._ask)
        except LocalReachError:
            self._passphrase = None  # a wrong passphrase is asked again next time, not reused
            raise
        return self._key, ref

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
            privacy.backup_key(self.document, key, ref, path, passphrase)
        except LocalReachError as exc:
            self.show_error(exc)

    def restore_key(self) -> None:
        path = remember(QFileDialog.getOpenFileName(self, "Restore the key", start_folder(), "LocalReach key (*.lrkey)")[0])
        if not path:
            return
        try:
            passphrase = self._ask("Open the backup", "Type the passphrase of this key backup.", False)
            self._key = privacy.restore_key(self.document, path, passphrase)
        except LocalReachError as exc:
            self.show_error(exc)
            return
        if self.key_ref().key_file:  # the backup's passphrase now protects the key file too
            self._passphrase = passphrase
        self.refresh()

    def rotate_key(self) -> None:
        if not self.confirm("Make a new key?", "Every code in this project is recomputed with a new key. "
                            "Back up the new key afterwards: old backups will not open the new codes."):
            return
        try:
            key, ref = self.unlock()
            self._key = privacy.rotate_key(self.document, key, ref, self._passphrase)
        except LocalReachError as exc:
            self.show_error(exc)

    def delete_key(self) -> None:
        if not self.confirm("Delete the key for good?", "Without the key, the codes in this project can never "
                            "be turned back into names or addresses, and letters cannot be addressed. "
                            "This cannot be undone."):
            return
        try:
            privacy.delete_key(self.document, self._passphrase)
        except LocalReachError as exc:
            self.show_error(exc)
            return
        self._key = None

    def confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self)
        return box.exec() == QMessageBox.StandardButton.Ok
