"""The audit log: stable content hashes, entries without values, CSV export."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.audit import CSV_COLUMNS, AuditEntry, export_csv, frame_hash, make_entry

ROOT = Path(__file__).resolve().parents[2]


def _crm() -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": ["C1", "C2", "C3"], "email": ["anna@example.org", "ben@example.org", ""],
         "city": ["Köln", "Berlin", "NA"]},
        dtype="str",
    )


def test_the_hash_is_the_same_in_another_process():
    """Python salts str hashes per process; the audit hash must not depend on that."""
    code = (
        "import pandas as pd; from core.audit import frame_hash; "
        "print(frame_hash(pd.DataFrame({'customer_id': ['C1', 'C2', 'C3'], "
        "'email': ['anna@example.org', 'ben@example.org', ''], 'city': ['Köln', 'Berlin', 'NA']}, dtype='str')))"
    )
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "12345"})
    assert other.stdout.strip() == frame_hash(_crm())
    assert len(frame_hash(_crm())) == 64


@pytest.mark.parametrize(
    "change",
    ["one cell", "column order", "row order", "dtype", "column name", "swap values between columns"],
)
def test_any_change_to_the_data_changes_the_hash(change):
    df = _crm()
    other = {
        "one cell": df.assign(city=["Köln", "Berlin", "Namibia"]),
        "column order": df[["email", "customer_id", "city"]],
        "row order": df.iloc[[1, 0, 2]].reset_index(drop=True),
        "dtype": df.astype(object),
        "column name": df.rename(columns={"city": "town"}),
        "swap values between columns": df.assign(email=df["city"], city=df["email"]),
    }[change]
    assert frame_hash(other) != frame_hash(df)
    assert frame_hash(df.copy()) == frame_hash(df)


def test_an_entry_holds_counts_and_hashes_never_values():
    before = _crm()
    after = before[before["email"] != ""]
    entry = make_entry("clean", {"steps": [{"step": "emails", "columns": ["email"]}]}, 3, 2, before, after, "fp-1")
    assert set(entry) == set(CSV_COLUMNS)
    assert entry["rows_in"] == 3 and entry["rows_out"] == 2
    assert entry["input_hash"] == frame_hash(before) and entry["output_hash"] == frame_hash(after)
    assert entry["key_fingerprint"] == "fp-1"
    text = repr(entry)
    assert not [v for v in ("anna@example.org", "ben@example.org", "Köln", "Berlin") if v in text]
    assert AuditEntry.from_dict(entry).to_dict() == entry


def test_parameters_must_be_plain_settings():
    with pytest.raises(TypeError):
        make_entry("segment", {"k": np.int64(3)}, 1, 1)
    with pytest.raises(ValueError):
        make_entry("segment", {"share": float("nan")}, 1, 1)


def test_export_writes_one_row_per_entry(tmp_path):
    entries = [make_entry("import", {"sheet": "Kunden"}, 0, 3, None, _crm()),
               make_entry("dedupe", {"threshold": 0.9}, 3, 3, _crm(), _crm(), "fp-1")]
    assert export_csv(entries, tmp_path / "audit.csv") == 2
    with open(tmp_path / "audit.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["step"] for r in rows] == ["import", "dedupe"]
    assert rows[0]["params"] == '{"sheet":"Kunden"}'
    assert rows[1]["input_hash"] == rows[0]["output_hash"] == frame_hash(_crm())
    assert rows[1]["key_fingerprint"] == "fp-1" and rows[0]["input_hash"] == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.csv"]


def test_text_columns_hash_in_pieces_as_one_json_list(monkeypatch):
    """The JSON of a text column is written in pieces (the GIL is let go between them);
    the bytes, and so every stored hash, are those of the whole list at once."""
    import hashlib
    import json

    import core.audit as audit

    values = pd.Series(["a", None, 'q"uote', "é", 1, 2.5, True, "", "None"] * 7, dtype=object)
    frame = pd.DataFrame({"v": values, "s": values.astype("string")})

    def whole_list(df):  # frame_hash as it was written before the pieces
        h = hashlib.sha256()
        header = {"shape": list(df.shape), "columns": list(df.columns), "dtypes": [str(t) for t in df.dtypes],
                  "index": str(df.index.dtype), "range": [0, len(df), 1]}
        h.update(json.dumps(header, sort_keys=True).encode())
        for col in df.columns:
            items = df[col].to_numpy(dtype=object, na_value=None).tolist()
            data = json.dumps(items, ensure_ascii=False, default=str).encode()
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
        return h.hexdigest()

    expected = whole_list(frame)
    for piece in (1, 4, 9, 62, 63, 64, 10_000):
        monkeypatch.setattr(audit, "_PIECE", piece)
        assert frame_hash(frame) == expected
        assert frame_hash(frame.iloc[:0]) == whole_list(frame.iloc[:0])
