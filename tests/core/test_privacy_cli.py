"""``localreach pseudonymize``: tokens in OUT, originals only in the vault, clear key errors."""

import logging
import socket

import keyring
import keyring.backends.fail
import pandas as pd
import pytest

from app import cli
from app.commands import pseudonymize
from core.io import read_table
from core.privacy.consent import contactable, suppression_from_values
from core.privacy.keystore import KeyFileStore
from core.privacy.tokens import tokenize_values
from core.privacy.vault import Vault, reveal
from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)

PASS = "a long passphrase"
CRM = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3"],
    "email": ["Anna.Berg@Example.com", "tom@example.org", "anna.berg@example.com "],
    "phone": ["+49 (0)151 1234-5678", "0151 12345678", "0049 170 7654321"],
    "first_name": ["Anna", "Tom", "Anna"],
    "postcode": ["10115", "20095", "10117"],
    "date_of_birth": ["1980-05-01", "1992-11-30", "1980-05-01"],
    "city": ["Berlin", "Hamburg", "Berlin"],
})
# Long enough that a random token or key cannot contain one by chance (b"1234" did, once in CI).
PLAIN = [b"Anna", b"Berg", b"tom@", b"12345678", b"7654321", b"1980-05-01"]


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Only this command in the CLI, keyring's fail backend (headless), a passphrase set."""
    monkeypatch.setattr(cli, "_command_modules", lambda: [pseudonymize])
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", PASS)
    src = tmp_path / "crm.csv"
    CRM.to_csv(src, index=False)
    yield tmp_path, src
    keyring.set_keyring(previous)


def test_detected_policy_writes_tokens_and_vault_and_no_plaintext(env, capsys):
    tmp, src = env
    before = src.read_bytes()
    argv = ["pseudonymize", str(src), "-o", str(tmp / "out.csv"), "--vault", str(tmp / "v.json"),
            "--key-file", str(tmp / "k.lrkey")]
    assert cli.main(argv) == 0
    assert src.read_bytes() == before
    out, _ = read_table(tmp / "out.csv")
    key = KeyFileStore(tmp / "k.lrkey", PASS).load()
    assert out["email"].tolist() == tokenize_values(CRM["email"], "email", key).tolist()
    assert out["email"][0] == out["email"][2]
    assert out["phone"].nunique() == 2
    assert out["postcode"].tolist() == ["101", "200", "101"]
    assert out["customer_id"].tolist() == ["C1", "C2", "C3"] and out["city"][1] == "Hamburg"
    assert (tmp / "v.json").stat().st_mode & 0o777 == 0o600 == (tmp / "k.lrkey").stat().st_mode & 0o777
    for path in (tmp / "out.csv", tmp / "v.json", tmp / "k.lrkey"):
        raw = path.read_bytes()
        assert not [p for p in PLAIN if p in raw], path.name
    vault = Vault.load(key, tmp / "v.json")
    assert reveal(vault, out["first_name"], purpose="test", audit=lambda e: None).tolist() == ["Anna", "Tom", "Anna"]
    printed = capsys.readouterr()
    assert printed.out.startswith("out.csv: 3 rows; email (token), phone (token), first_name (token)")
    assert not [p for p in PLAIN if p.decode() in printed.out + printed.err]


def test_tokens_stable_across_two_files_and_two_runs(env):
    tmp, src = env
    other = tmp / "sales.csv"
    pd.DataFrame({"order": ["O1"], "email": ["ANNA.BERG@example.com"]}).to_csv(other, index=False)
    key_args = ["--key-file", str(tmp / "k.lrkey"), "--vault", str(tmp / "v.json")]
    assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "a.csv"), *key_args]) == 0
    assert cli.main(["pseudonymize", str(other), "-o", str(tmp / "b.csv"), "--columns", "email", *key_args]) == 0
    assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "c.csv"), *key_args]) == 0
    a, b, c = (read_table(tmp / n)[0] for n in ("a.csv", "b.csv", "c.csv"))
    assert b["email"][0] == a["email"][0] and a.equals(c)
    assert b["order"][0] == "O1"


def test_no_passphrase_and_no_keyring_is_a_clear_error(env, monkeypatch, capsys):
    tmp, src = env
    monkeypatch.delenv("LOCALREACH_PASSPHRASE")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "out.csv")]) == 2
    assert capsys.readouterr().err == (
        "localreach pseudonymize: No safe OS keyring on this computer: protect the key with a passphrase "
        "(set LOCALREACH_PASSPHRASE, or pass --key-file FILE for a passphrase-protected key file).\n"
    )
    assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "out.csv"), "--key-file", str(tmp / "k")]) == 2
    assert capsys.readouterr().err == (
        "localreach pseudonymize: key file k needs its passphrase: set LOCALREACH_PASSPHRASE.\n"
    )
    assert not (tmp / "out.csv").exists() and not (tmp / "k").exists()


def test_passphrase_alone_keeps_the_key_in_the_localreach_folder(env):
    tmp, src = env
    assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "a.csv")]) == 0
    assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "b.csv")]) == 0
    assert read_table(tmp / "a.csv")[0].equals(read_table(tmp / "b.csv")[0])


def test_unknown_column_and_wrong_vault_key_write_nothing(env, capsys):
    tmp, src = env
    argv = ["pseudonymize", str(src), "-o", str(tmp / "out.csv"), "--columns", "email,mobile",
            "--key-file", str(tmp / "k.lrkey")]
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.startswith("localreach pseudonymize: Column 'mobile' is not in the file")
    assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "x.csv"), "--vault", str(tmp / "v.json"),
                     "--key-file", str(tmp / "other.lrkey")]) == 0
    argv = ["pseudonymize", str(src), "-o", str(tmp / "out.csv"), "--vault", str(tmp / "v.json"),
            "--key-file", str(tmp / "k.lrkey")]
    assert cli.main(argv) == 2
    assert "was made with another key" in capsys.readouterr().err
    assert not (tmp / "out.csv").exists()
    assert sorted(p.name for p in tmp.iterdir()) == ["crm.csv", "k.lrkey", "other.lrkey", "v.json", "x.csv"]


def test_no_personal_data_in_logs_or_errors(env, capsys, caplog):
    tmp, src = env
    bad = tmp / "bad.csv"
    pd.DataFrame({"email": ["anna.berg@example.com", "tom\u200b@example.org"]}).to_csv(bad, index=False)
    with caplog.at_level(logging.DEBUG):
        assert cli.main(["pseudonymize", str(src), "-o", str(tmp / "out.csv"), "--key-file", str(tmp / "k")]) == 0
        assert cli.main(["pseudonymize", str(bad), "-o", str(tmp / "bad_out.csv"), "--key-file", str(tmp / "k")]) == 2
    printed = capsys.readouterr()
    assert printed.err == ("localreach pseudonymize: Column 'email', data row 2: the e-mail address contains "
                           "an invisible character (zero-width space); correct that cell and try again.\n")
    text = caplog.text + printed.out + printed.err
    assert not [p for p in [*PLAIN, b"tom", b"anna"] if p.decode() in text]
    assert not (tmp / "bad_out.csv").exists()


def test_pseudonymising_opens_no_socket(env, monkeypatch):
    tmp, src = env

    def refuse(*args, **kwargs):
        raise AssertionError("a network socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    argv = ["pseudonymize", str(src), "-o", str(tmp / "out.xlsx"), "--vault", str(tmp / "v.json"),
            "--key-file", str(tmp / "k.lrkey")]
    assert cli.main(argv) == 0
    out = read_table(tmp / "out.xlsx")[0]
    key = KeyFileStore(tmp / "k.lrkey", PASS).load()
    allowed = contactable(out.assign(consent=["yes", "no", "yes"]), email_column="email",
                          suppression=suppression_from_values(["tom@example.org"]), key=key)
    entries = []
    emails = reveal(Vault.load(key, tmp / "v.json"), out["email"][allowed.mask], purpose="export", audit=entries.append)
    assert emails.tolist() == ["Anna.Berg@Example.com", "Anna.Berg@Example.com"]
    assert entries[0]["tokens_revealed"] == 1 and allowed.summary() == {"on the suppression list": 1}
