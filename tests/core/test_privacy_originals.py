"""The sealed originals: each record's JSON exactly as json.dumps writes it, and the vault's add."""

import json

import pandas as pd

from core.privacy.originals import _json_objects
from core.privacy.vault import Vault


def test_records_are_the_json_that_json_dumps_writes():
    text = pd.DataFrame({
        "street": ["1 Rue d'Été", 'say "hi"\\', "", "line\nbreak\x00\u2028"],
        "postcode": ["04309", "", "", "😀"],
        "Age band": ["30-39", "x", "", "y"],
    }).astype("string")
    want = [json.dumps(dict(zip(text.columns, row, strict=True)), ensure_ascii=False, sort_keys=True)
            for row in text.itertuples(index=False, name=None)]
    assert list(_json_objects(text)) == want
    assert want[2] == '{"Age band": "", "postcode": "", "street": ""}'


def test_vault_adds_each_new_token_once_first_value_wins():
    vault = Vault(b"k" * 32)
    added = vault.add(pd.Series(["t1", "", "t2", "t1"]), pd.Series([" Ann ", "nobody", "Bo", "Other"]))
    assert added == 2 and sorted(vault.entries) == ["t1", "t2"]
    assert vault.open("t1") == "Ann" and vault.open("t2") == "Bo"
    assert vault.add(pd.Series(["t2", "t3"], dtype="string"), pd.Series(["Changed", "Cy"], dtype="string")) == 1
    assert vault.open("t2") == "Bo" and vault.open("t3") == "Cy"
    nonces = {sealed[:12] for sealed in vault.entries.values()}
    assert len(nonces) == 3  # every entry its own nonce
