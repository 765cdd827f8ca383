"""Re-identification at the last step: pseudonymise, then merge with the vault.

Real e-mail addresses come back from the vault for people who may be contacted only;
no token and no left-out person's details reach any output; the reveal is audited with
counts and the key fingerprint, never a value; a wrong key stops with one line and
writes nothing (the CLI, the recipe runner).
"""

from __future__ import annotations

import re

import keyring
import keyring.backends.fail
import pandas as pd
import pytest

from app import cli
from core.io import read_table
from core.privacy.keystore import KeyFileStore
from core.privacy.tokens import fingerprint
from core.recipe import Recipe, run_recipe, save_recipe
from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)

PASS = "a long passphrase"
CRM = pd.DataFrame({
    "customer_id": ["c1", "c2", "c3", "c4"],
    "first_name": ["Ann", "Bob", "Cyra", "Dana"],
    "email": ["ann@example.org", "bob@example.org", "cyra@example.org", "dana@example.org"],
    "consent": ["yes", "yes", "no", "yes"],
})
CONTACTABLE = {"ann@example.org": "Ann", "bob@example.org": "Bob", "dana@example.org": "Dana"}
TEMPLATE = "Subject: Hello {{ first_name }}\n\nDear {{ first_name }},\nnews for you.\n"
TOKEN = re.compile(rb"[a-z_]+_v\d+_[0-9a-f]{32}")


def assert_only_contactable_and_no_tokens(out_dir) -> pd.DataFrame:
    table = pd.read_csv(out_dir / "merge.csv", dtype=str, keep_default_na=False)
    assert dict(zip(table["email"], table["first_name"], strict=True)) == CONTACTABLE
    assert table["subject"].tolist() == ["Hello Ann", "Hello Bob", "Hello Dana"]
    for path in out_dir.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert not TOKEN.search(raw), path.name
            assert b"cyra" not in raw.lower(), path.name
    left = pd.read_csv(out_dir / "left_out.csv", dtype=str)
    assert left.to_dict("records") == [{"row": "4", "id": "c3", "reason": "said no to being contacted"}]
    return table


@pytest.fixture
def headless(tmp_path, monkeypatch):
    """keyring's fail backend (never the real keyring), a passphrase, a plain CRM file."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", PASS)
    CRM.to_csv(tmp_path / "crm.csv", index=False)
    (tmp_path / "t.txt").write_text(TEMPLATE, "utf-8")
    yield tmp_path
    keyring.set_keyring(previous)


def test_cli_merge_reveals_real_addresses_for_contactable_people_only(headless, capsys):
    tmp = headless
    assert cli.main(["pseudonymize", str(tmp / "crm.csv"), "-o", str(tmp / "pseudo.csv"),
                     "--columns", "email,first_name", "--vault", str(tmp / "v.json"),
                     "--key-file", str(tmp / "k.lrkey")]) == 0
    pseudo, _ = read_table(tmp / "pseudo.csv")
    assert not set(pseudo["email"]) & set(CRM["email"])
    capsys.readouterr()
    merge = ["merge", str(tmp / "pseudo.csv"), "--template", str(tmp / "t.txt"), "--format", "csv"]

    # Without the vault a field the template uses holds only pseudonyms: one line, nothing written.
    assert cli.main([*merge, "-o", str(tmp / "locked")]) == 2
    assert capsys.readouterr().err == (
        "localreach merge: The column 'first_name' holds pseudonyms, not real values: give the vault "
        "so that real details come back, or take the field out of the template; nothing was written.\n")
    assert not (tmp / "locked").exists() and not list(tmp.glob(".locked*"))

    assert cli.main([*merge, "-o", str(tmp / "out"), "--vault", str(tmp / "v.json"),
                     "--key-file", str(tmp / "k.lrkey")]) == 0
    assert_only_contactable_and_no_tokens(tmp / "out")
    key = KeyFileStore(tmp / "k.lrkey", PASS).load()
    printed = capsys.readouterr().out.splitlines()
    # one value per tokenised column for each of the 3 contactable people
    assert printed[-1] == (f"Revealed 6 pseudonymised values from v.json, for people who may be "
                           f"contacted only (key {fingerprint(key)}).")
    assert "@" not in printed[-1] and "Ann" not in printed[-1]


def test_cli_merge_with_a_wrong_key_or_passphrase_writes_nothing(headless, capsys, monkeypatch):
    tmp = headless
    for key_file in ("k.lrkey", "other.lrkey"):  # the vault's key, and another project's key
        assert cli.main(["pseudonymize", str(tmp / "crm.csv"), "-o", str(tmp / "p.csv"),
                         "--columns", "email", "--vault", str(tmp / f"{key_file}.json"),
                         "--key-file", str(tmp / key_file)]) == 0
    capsys.readouterr()
    merge = ["merge", str(tmp / "p.csv"), "--template", str(tmp / "t.txt"), "--format", "csv",
             "-o", str(tmp / "out"), "--vault", str(tmp / "k.lrkey.json")]
    assert cli.main([*merge, "--key-file", str(tmp / "other.lrkey")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("localreach merge: Vault file k.lrkey.json was made with another key")
    assert err.count("\n") == 1
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", "not the passphrase")
    assert cli.main([*merge, "--key-file", str(tmp / "k.lrkey")]) == 2
    assert capsys.readouterr().err == (
        "localreach merge: Wrong passphrase for Key file k.lrkey (or the file was changed); try again.\n")
    assert cli.main([*merge, "--key-file", str(tmp / "missing.lrkey")]) == 2
    assert capsys.readouterr().err == "localreach merge: Key file missing.lrkey not found; check the path.\n"
    assert not (tmp / "out").exists() and not (tmp / "missing.lrkey").exists()
    assert not list(tmp.glob(".*"))


def _recipe(tmp) -> Recipe:
    token = {"action": "token", "option": ""}
    return Recipe(
        crm={"file": "crm.csv", "roles": {"customer_id": "customer_id", "email": "email",
                                          "first_name": "first_name", "consent": "consent"}},
        steps={"pseudonymize": {"columns": {"email": {**token, "kind": "email"},
                                            "first_name": {**token, "kind": "person_name"}}},
               "merge": {"template": "t.txt", "format": "csv"}},
    )


def test_recipe_merge_reveals_through_the_pseudonymize_steps_vault(headless):
    tmp = headless
    key = bytes(range(32))
    report = run_recipe(_recipe(tmp), tmp / "run", base=tmp, key=key)
    status = {s["step"]: (s["status"], s["note"]) for s in report["steps"]}
    assert status["merge"] == ("done", "3 messages (.csv), 1 person left out")
    assert_only_contactable_and_no_tokens(tmp / "run" / "messages")
    # the analysis table is the pseudonymised one: no real address in customers.csv
    customers = (tmp / "run" / "customers.csv").read_bytes()
    assert b"@example.org" not in customers and len(TOKEN.findall(customers)) == 8
    audit = pd.read_csv(tmp / "run" / "audit.csv", dtype=str, keep_default_na=False)
    assert audit["step"].tolist() == ["import", "pseudonymize", "reveal", "reveal", "merge"]
    reveals = audit[audit["step"] == "reveal"]
    assert set(reveals["key_fingerprint"]) == {fingerprint(key)}
    assert reveals["rows_in"].tolist() == ["3", "3"] and reveals["rows_out"].tolist() == ["3", "3"]
    assert all('"purpose":"mail merge"' in p and '"tokens_unknown":0' in p for p in reveals["params"])
    raw = (tmp / "run" / "audit.csv").read_bytes()
    assert b"@" not in raw and b"Ann" not in raw and not TOKEN.search(raw)


def test_run_with_a_wrong_passphrase_stops_and_writes_nothing(headless, monkeypatch, capsys):
    tmp = headless
    save_recipe(_recipe(tmp), tmp / "r.toml")
    assert cli.main(["run", str(tmp / "r.toml"), "-o", str(tmp / "first"),
                     "--key-file", str(tmp / "k.lrkey")]) == 0
    capsys.readouterr()
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", "not the passphrase")
    assert cli.main(["run", str(tmp / "r.toml"), "-o", str(tmp / "second"),
                     "--key-file", str(tmp / "k.lrkey")]) == 2
    assert capsys.readouterr().err == (
        "localreach run: Wrong passphrase for Key file k.lrkey (or the file was changed); try again.\n")
    assert not (tmp / "second").exists() and not list(tmp.glob(".*partial"))
