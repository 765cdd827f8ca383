"""The vault (RELIABILITY 17): round trip, tamper detection, audited reveal, key rotation."""

import base64
import json

import pandas as pd
import pytest

from core.errors import KeyStoreError
from core.privacy.tokens import fingerprint, tokenize_values
from core.privacy.vault import Vault, reveal, rotate

KEY = bytes(range(32))
NEW_KEY = bytes(range(100, 132))
EMAILS = pd.Series(["ann@example.com", "Bob@Example.com ", "", "ann@example.com"])


def _vault():
    tokens = tokenize_values(EMAILS, "email", KEY)
    vault = Vault(KEY)
    assert vault.add(tokens, EMAILS) == 2
    return vault, tokens


def test_round_trip_and_reveal_is_audited():
    vault, tokens = _vault()
    entries = []
    out = reveal(vault, pd.Series([*tokens, "plain text", "email_v1_" + "0" * 32]), purpose="mail merge",
                 audit=entries.append)
    assert out.tolist() == ["ann@example.com", "Bob@Example.com", "", "ann@example.com", "plain text", ""]
    assert entries == [{"action": "reveal", "purpose": "mail merge", "rows": 6, "tokens_revealed": 2,
                        "tokens_unknown": 1, "key_fingerprint": fingerprint(KEY)}]


def test_tampered_entry_fails_authentication():
    vault, tokens = _vault()
    sealed = bytearray(vault.entries[tokens[0]])
    sealed[-1] ^= 1
    vault.entries[tokens[0]] = bytes(sealed)
    with pytest.raises(KeyStoreError) as err:
        reveal(vault, tokens, purpose="export", audit=lambda e: None)
    assert str(err.value) == "A vault entry failed authentication: the vault was changed or belongs to another key."


def test_entry_moved_to_another_token_fails_authentication():
    vault, tokens = _vault()
    vault.entries[tokens[0]], vault.entries[tokens[1]] = vault.entries[tokens[1]], vault.entries[tokens[0]]
    with pytest.raises(KeyStoreError, match="failed authentication"):
        vault.open(tokens[0])


def test_vault_file_round_trip_and_other_key_refused(tmp_path):
    vault, tokens = _vault()
    vault.save(tmp_path / "v.json")
    raw = (tmp_path / "v.json").read_bytes()
    assert b"ann@" not in raw and b"example" not in raw
    assert Vault.load(KEY, tmp_path / "v.json").open(tokens[1]) == "Bob@Example.com"
    with pytest.raises(KeyStoreError, match=r"^Vault file v.json was made with another key"):
        Vault.load(NEW_KEY, tmp_path / "v.json")
    frame = vault.to_frame()
    assert list(frame.columns) == ["token", "sealed"]
    assert Vault.from_frame(KEY, frame).open(tokens[0]) == "ann@example.com"
    assert json.loads(raw)["fingerprint"] == fingerprint(KEY)



@pytest.mark.parametrize("count, piece", [(0, 3), (1, 3), (3, 3), (7, 3), (7, 50_000)])
def test_the_vault_file_written_in_pieces_is_one_json_dumps(tmp_path, count, piece):
    """Written piece by piece so a 5M-entry vault never sits in memory as one text."""
    values = pd.Series([f"person{i}@example.com" for i in range(count)], dtype=object)
    vault = Vault(KEY)
    vault.add(tokenize_values(values, "email", KEY), values)
    vault.save(tmp_path / "v.json", piece=piece)
    whole = {"format": "localreach-vault", "version": 1, "fingerprint": fingerprint(KEY),
             "entries": json.loads((tmp_path / "v.json").read_text())["entries"]}
    assert len(whole["entries"]) == count
    assert (tmp_path / "v.json").read_text() == json.dumps(whole)
    loaded = Vault.load(KEY, tmp_path / "v.json")
    assert [loaded.open(t) for t in loaded.entries] == values.tolist()


@pytest.mark.parametrize("odd", ['a"quote', "back\\slash", "ümlaut", "tab\there", "\x7f"])
def test_a_token_that_json_escapes_is_written_as_json_dumps_writes_it(tmp_path, odd):
    entries = {"email_v1_00": b"one", odd: b"two", "email_v1_01": b"three"}
    Vault(KEY, dict(entries)).save(tmp_path / "v.json", piece=2)
    expected = {"format": "localreach-vault", "version": 1, "fingerprint": fingerprint(KEY),
                "entries": {t: base64.b64encode(v).decode() for t, v in entries.items()}}
    assert (tmp_path / "v.json").read_text() == json.dumps(expected)

def test_rotate_retokenises_frames_through_the_vault():
    vault, tokens = _vault()
    frame = pd.DataFrame({"email": tokens, "n": ["1", "2", "3", "4"]})
    frames, new_vault, report = rotate({"crm": frame}, vault, NEW_KEY, region=None)
    expected = tokenize_values(EMAILS, "email", NEW_KEY)
    assert frames["crm"]["email"].tolist() == expected.tolist()
    assert frames["crm"]["n"].tolist() == ["1", "2", "3", "4"]
    assert new_vault.open(expected[0]) == "ann@example.com"
    assert report == {"rotated": 2, "old_fingerprint": fingerprint(KEY), "new_fingerprint": fingerprint(NEW_KEY)}
    assert frame["email"].tolist() == tokens.tolist()


def test_rotate_refuses_tokens_missing_from_the_vault():
    vault, tokens = _vault()
    frame = pd.DataFrame({"email": [*tokens, "email_v1_" + "f" * 32]})
    with pytest.raises(KeyStoreError, match="^1 tokens have no entry in the vault"):
        rotate({"crm": frame}, vault, NEW_KEY, region=None)


def test_project_vault_needs_a_key_in_the_state():
    from core.privacy.vault import project_vault

    with pytest.raises(KeyStoreError) as err:
        project_vault({"configs": {}})
    assert str(err.value) == "This project has no pseudonymisation key: run the Privacy step first."
