"""The vault: token -> original value, sealed so that only the project key opens it.

Each entry is AES-GCM under a key derived from the project key with HKDF, with the
token as associated data: a changed byte, or an entry moved to another token, fails
authentication instead of revealing the wrong person.

The one re-identification function, for export and mail merge only::

    reveal(vault, values: pd.Series, *, purpose: str, audit: Callable[[dict], None]) -> pd.Series

Tokens found in the vault become their original value, other text passes unchanged,
unknown tokens become "". ``audit`` receives one entry per call (purpose, counts,
key fingerprint -- never a value); it is required, so no reveal goes unrecorded.
The vault of an open project (its "privacy" state) comes from
``project_vault(state, passphrase=None)``; the passphrase is needed only when the key
lives in a key file (``state["key"]["key_file"]`` is not empty).
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.atomic import atomic_open
from core.errors import KeyStoreError, LocalReachError
from core.jobs import JobContext, ensure_context
from core.privacy.keystore import KeyRef, unlock
from core.privacy.tokens import TOKEN_RE, fingerprint, normalizer, token_for, token_kind

VAULT_FORMAT = "localreach-vault"
_NEEDS_ESCAPE = re.compile(r'[^\x20-\x7e]|["\\]')  # what json.dumps would not write as it is
_TAMPERED = "A vault entry failed authentication: the vault was changed or belongs to another key."


def _vault_key(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"localreach vault v1").derive(key)


class Vault:
    """Sealed originals by token; first value seen for a token wins."""

    def __init__(self, key: bytes, entries: Mapping[str, bytes] | None = None) -> None:
        self._key, self._aead = key, AESGCM(_vault_key(key))
        self.fingerprint = fingerprint(key)
        self.entries: dict[str, bytes] = dict(entries or {})

    def __reduce__(self):  # to an engine child process (AESGCM itself cannot be pickled)
        return Vault, (self._key, self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, token: str) -> bool:
        return token in self.entries

    def add(self, tokens: pd.Series, originals: pd.Series) -> int:
        """Seal the originals of new tokens; returns how many entries were added."""
        new: dict[str, object] = {}
        for token, original in zip(tokens.tolist(), originals.tolist(), strict=True):
            if token and token not in new and token not in self.entries:
                new[token] = original
        nonces = os.urandom(12 * len(new))  # one random 96-bit nonce per entry, drawn at once
        encrypt = self._aead.encrypt
        for i, (token, original) in enumerate(new.items()):
            nonce = nonces[12 * i:12 * i + 12]
            self.entries[token] = nonce + encrypt(nonce, str(original).strip().encode(), token.encode())
        return len(new)

    def open(self, token: str) -> str:
        sealed = self.entries[token]
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], token.encode()).decode()
        except InvalidTag:
            raise KeyStoreError(_TAMPERED) from None

    def to_frame(self) -> pd.DataFrame:
        """Entries as a two-column table of text, for the project file."""
        return pd.DataFrame(
            {"token": list(self.entries), "sealed": [base64.b64encode(v).decode() for v in self.entries.values()]},
            dtype=object,
        )

    @classmethod
    def from_frame(cls, key: bytes, frame: pd.DataFrame | None) -> Vault:
        if frame is None or frame.empty:
            return cls(key)
        return cls(key, {t: base64.b64decode(s) for t, s in zip(frame["token"], frame["sealed"], strict=True)})

    def save(self, path: str | os.PathLike, piece: int = 50_000) -> None:
        """The JSON of ``{"format", "version", "fingerprint", "entries"}``, written
        ``piece`` entries at a time: the same bytes as one ``json.dumps`` without the
        whole text in memory (5M entries: ~0.7 GB). Tokens and base64 need no JSON
        escaping, so a piece is formatted directly (600k entries: 0.33 s, json.dumps of
        a dict 0.79 s); a piece holding any other character goes through json.dumps."""
        head = json.dumps({"format": VAULT_FORMAT, "version": 1, "fingerprint": self.fingerprint})
        tokens = list(self.entries)
        b64 = base64.b64encode
        with atomic_open(path, "w") as fh:
            os.chmod(fh.name, 0o600)  # only the user may read it
            fh.write(head[:-1] + ', "entries": {')
            for start in range(0, len(tokens), piece):
                part = tokens[start:start + piece]
                if _NEEDS_ESCAPE.search("".join(part)):
                    text = json.dumps({t: b64(self.entries[t]).decode() for t in part})[1:-1]
                else:
                    text = ", ".join([f'"{t}": "{b64(self.entries[t]).decode()}"' for t in part])
                fh.write((", " if start else "") + text)
            fh.write("}}")

    @classmethod
    def load(cls, key: bytes, path: str | os.PathLike) -> Vault:
        """Open a vault file; a vault made with another key is refused, never mixed."""
        name = Path(path).name
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
            entries = {t: base64.b64decode(v) for t, v in doc["entries"].items()}
            stored = doc["fingerprint"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise LocalReachError(f"Vault file {name} is not a LocalReach vault; choose another file.") from None
        if stored != fingerprint(key):
            raise KeyStoreError(
                f"Vault file {name} was made with another key (fingerprint {stored}, this key is "
                f"{fingerprint(key)}); use the project's key or another vault file."
            )
        return cls(key, entries)


def reveal(
    vault: Vault, values: pd.Series, *, purpose: str, audit: Callable[[dict], None]
) -> pd.Series:
    """Original values for the tokens in ``values`` (see the module docstring)."""
    text = values.astype(str).where(values.notna(), "")
    uniques = pd.unique(text)
    mapping: dict[str, str] = {}
    revealed = missing = 0
    for value in uniques:
        if not TOKEN_RE.match(value):
            mapping[value] = value
        elif value in vault.entries:
            mapping[value] = vault.open(value)
            revealed += 1
        else:
            mapping[value] = ""
            missing += 1
    audit({"action": "reveal", "purpose": purpose, "rows": int(len(values)), "tokens_revealed": revealed,
           "tokens_unknown": missing, "key_fingerprint": vault.fingerprint})
    return text.map(mapping).astype(object)


def reveal_audit_args(entry: dict) -> tuple[dict, int, int, str]:
    """One :func:`reveal` audit entry as audit-row arguments: ``(params, rows_in,
    rows_out, key_fingerprint)``, rows out being the values revealed (no value in any)."""
    params = {k: v for k, v in entry.items() if k not in ("rows", "key_fingerprint")}
    return params, int(entry["rows"]), int(entry["tokens_revealed"]), str(entry["key_fingerprint"])


def rotate(
    frames: Mapping[str, pd.DataFrame],
    vault: Vault,
    new_key: bytes,
    *,
    region: str | None,
    ctx: JobContext | None = None,
) -> tuple[dict[str, pd.DataFrame], Vault, dict]:
    """Re-tokenise every frame under ``new_key`` through the vault.

    ``region`` must be the project's, the one its phone tokens were made with: a phone
    original is normalised again, and another region would give it another token.

    Each original is normalised again and hashed with the new key. A token in the
    frames with no vault entry would be orphaned for good, so rotation refuses it.
    """
    ctx = ensure_context(ctx)
    mapping: dict[str, str] = {}
    new_vault = Vault(new_key)
    total = len(vault.entries)
    for n, token in enumerate(vault.entries):
        if n % 5000 == 0:
            ctx.progress(n, total, "Re-tokenising the vault")
        kind = token_kind(token)
        original = vault.open(token)
        new = token_for(new_key, kind, normalizer(kind, region)(original))
        mapping[token] = new
        if new not in new_vault.entries:
            new_vault.add(pd.Series([new]), pd.Series([original]))
    out: dict[str, pd.DataFrame] = {}
    orphans = 0
    for name, frame in frames.items():
        frame = frame.copy(deep=False)
        for column in frame.columns:
            col = frame[column].astype(str)
            is_tok = col.str.match(TOKEN_RE.pattern)
            if is_tok.any():
                orphans += int((is_tok & ~col.isin(mapping.keys())).sum())
                frame[column] = col.where(~is_tok, col.map(mapping)).astype(object)
        out[name] = frame
    if orphans:
        raise KeyStoreError(
            f"{orphans} tokens have no entry in the vault, so a new key would cut them off; "
            "rotation was stopped and nothing changed."
        )
    report = {"rotated": total, "old_fingerprint": vault.fingerprint, "new_fingerprint": new_vault.fingerprint}
    return out, new_vault, report


def project_vault(state: dict | None, passphrase: str | None = None) -> Vault:
    """The vault kept in a project's privacy state, opened with the project's own key."""
    if not state or not state.get("key"):
        raise KeyStoreError("This project has no pseudonymisation key: run the Privacy step first.")
    return Vault.from_frame(unlock(KeyRef(**state["key"]), passphrase), state.get("vault"))
