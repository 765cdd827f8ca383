"""``localreach pseudonymize``: replace personal data in a table by keyed tokens.

Detected PII columns get the default policy (tokens for contact data, coarser
postcodes and birth dates, dropped card/bank/national ids); ``--columns`` tokenises
exactly the named columns instead. Originals go to the encrypted ``--vault`` file,
never to OUT. The key comes from a trusted OS keyring, else from a passphrase-protected
key file (``--key-file``, passphrase in ``LOCALREACH_PASSPHRASE``) -- see :func:`cli_key`.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from app.region import add_region_argument
from core.errors import ColumnError, KeyStoreError, LocalReachError

NAME = "pseudonymize"
HELP = "Replace personal data in a table by keyed tokens (originals only in an encrypted vault)."
PASSPHRASE_ENV = "LOCALREACH_PASSPHRASE"
CLI_PROJECT = "command-line"


def add_arguments(parser) -> None:
    parser.add_argument("file", help="table to pseudonymise (.csv, .tsv, .txt, .xlsx); never changed")
    parser.add_argument("-o", "--output", required=True, help="pseudonymised table (.csv, .tsv, .xlsx)")
    parser.add_argument("--columns", help="comma-separated columns to tokenise (default: detected PII)")
    parser.add_argument("--vault", help="encrypted vault file for re-identification at export (added to)")
    parser.add_argument("--key-file", help=f"passphrase-protected key file, created if missing "
                        f"(passphrase from {PASSPHRASE_ENV})")
    add_region_argument(parser)


def _passphrase(required_for: str) -> str:
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase:
        return passphrase
    if sys.stdin.isatty():
        return getpass.getpass(f"Passphrase for {required_for}: ")
    raise KeyStoreError(f"{required_for} needs its passphrase: set {PASSPHRASE_ENV}.")


def cli_key(key_file: str | None) -> bytes:
    """The command-line key: ``--key-file``, else a trusted OS keyring, else a key file in
    the LocalReach folder when ``LOCALREACH_PASSPHRASE`` is set; otherwise a clear error."""
    from app.settings import data_dir
    from core.privacy.keystore import ASK_PASSPHRASE, NoSafeKeyring, load_or_create, open_store

    if key_file:
        store = open_store(CLI_PROJECT, key_file=key_file, passphrase=_passphrase(f"key file {Path(key_file).name}"))
    else:
        try:
            store = open_store(CLI_PROJECT)
        except NoSafeKeyring:
            if not os.environ.get(PASSPHRASE_ENV):
                raise KeyStoreError(ASK_PASSPHRASE) from None
            path = data_dir() / "keys" / f"{CLI_PROJECT}.lrkey"
            store = open_store(CLI_PROJECT, key_file=path, passphrase=os.environ[PASSPHRASE_ENV])
    key, _ = load_or_create(store)
    return key


def build_config(df, columns: str | None, region: str | None, roles: dict[str, str]):
    from core.privacy.detect import detect_pii
    from core.privacy.policy import ColumnPolicy, PrivacyConfig, default_config

    guesses = detect_pii(df, roles)
    if not columns:
        return default_config(guesses, phone_region=region)
    chosen = [c.strip() for c in columns.split(",") if c.strip()]
    for column in chosen:
        if column not in df.columns:
            raise ColumnError(f"Column '{column}' is not in the file; its columns are: {', '.join(map(str, df.columns))}.")
    return PrivacyConfig({c: ColumnPolicy("token", guesses[c].kind or "text") for c in chosen}, phone_region=region)


def run(args) -> int:
    from app.commands._common import roles_of, run_step
    from app.region import command_region
    from app.terminal import cli_context
    from core.io import read_table, write_table
    from core.privacy.tokens import fingerprint
    from core.privacy.vault import Vault

    src, out = Path(args.file), Path(args.output)
    if out.resolve() == src.resolve():
        raise LocalReachError(f"{out.name}: choose another output file; the source file is never changed.")
    ctx = cli_context()
    df, _ = read_table(src, ctx=ctx)
    roles = roles_of(df)
    region, _ = command_region(args.region, df, roles)
    config = build_config(df, args.columns, region, roles)
    key = cli_key(args.key_file)
    vault = Vault.load(key, args.vault) if args.vault and Path(args.vault).exists() else None
    frames, step_report, context = run_step("pseudonymize", {"crm": df}, {"crm": roles}, config.to_dict(),
                                            ctx, key=key, vault=vault, workers=min(2, os.cpu_count() or 1))
    result, vault, report = frames["crm"], context.shared["vault"], step_report.details
    if args.vault:
        vault.save(args.vault)
    write_table(result, out, ctx)
    changed = {c: e["action"] for c, e in report["columns"].items()}
    summary = ", ".join(f"{c} ({a})" for c, a in changed.items()) or "no personal data found"
    print(f"{out.name}: {len(result):,} rows; {summary}; key {fingerprint(key)}")
    return 0
