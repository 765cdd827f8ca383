"""The audit log: stable content hashes, entries without values, CSV export."""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.audit import (
    CSV_COLUMNS,
    HASH_VERSION,
    AuditEntry,
    ColumnDigests,
    export_csv,
    frame_hash,
    make_entry,
)

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


def test_the_hash_of_the_same_data_stays_the_same_across_versions():
    """A changed encoding must bump HASH_VERSION (and this value) on purpose."""
    assert HASH_VERSION == 3
    assert frame_hash(_crm()) == "aa327a1cda361978d18f18f41650b0aadcf215989f6a30be46df216fab45d169"
    mixed = pd.DataFrame({"n": [1.5, None], "o": [None, "x"]})
    assert frame_hash(mixed) == "72edd63e1e0af2c8415d43418414343a9a6b5a25fcbc776d6ccb3e850df00cee"


def test_the_hash_is_the_header_then_each_columns_own_sha256():
    """Version 3 spelled out: the JSON header, then per column the SHA-256 of its byte
    count, one kind byte per cell (1: a string) and its texts joined with NUL."""
    def column(texts):
        body = bytes([1] * len(texts)) + b"J" + "\x00".join(texts).encode()
        return hashlib.sha256(len(body).to_bytes(8, "little") + body).digest()

    df = _crm()
    header = {"version": 3, "shape": [3, 3], "columns": ["customer_id", "email", "city"],
              "dtypes": ["str", "str", "str"], "index": "int64", "range": [0, 3, 1]}
    expected = hashlib.sha256(json.dumps(header, sort_keys=True).encode()
                              + b"".join(column(df[c].tolist()) for c in df.columns))
    assert frame_hash(df) == expected.hexdigest()


def test_columns_hashed_before_are_not_hashed_again_and_the_hash_is_the_same(monkeypatch):
    import core.audit as audit

    hashed = []
    real = audit._column_digest
    monkeypatch.setattr(audit, "_column_digest", lambda values, between: hashed.append(values.name)
                        or real(values, between))
    digests = ColumnDigests()
    crm = _crm()
    cleaned = crm.assign(city=crm["city"].str.upper())  # the other two columns shared
    segmented = cleaned.assign(segment=["A", "B", "A"], n=[1.5, 2.0, np.nan])
    assert frame_hash(crm, columns=digests) == frame_hash(crm)
    hashed.clear()
    assert frame_hash(cleaned, columns=digests) == frame_hash(cleaned)
    assert hashed == ["city", "customer_id", "email", "city"]  # with the cache: city only
    hashed.clear()
    assert frame_hash(segmented, columns=digests) == frame_hash(segmented)
    assert hashed[:2] == ["segment", "n"]
    # the same values in a new array, and a column changed in a copy, are hashed anew
    copied = crm.copy(deep=True)
    copied.loc[0, "email"] = "other@example.org"
    hashed.clear()
    assert frame_hash(copied, columns=digests) == frame_hash(copied) != frame_hash(crm)
    assert hashed[:3] == ["customer_id", "email", "city"]


def test_a_column_digest_is_forgotten_with_its_array():
    digests = ColumnDigests()
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}).astype({"a": "str"})
    frame_hash(frame, columns=digests)
    assert len(digests._known) == 2
    del frame
    gc.collect()
    assert digests._known == {}


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


@pytest.mark.parametrize("dtype", ["str", object])
def test_missing_empty_and_the_word_none_are_three_hashes(dtype):
    cells = [None, "", "None", "NA"]
    hashes = {frame_hash(pd.DataFrame({"city": ["Köln", c, "Berlin"]}, dtype=dtype)) for c in cells}
    assert len(hashes) == 4
    big = pd.DataFrame({"city": ["Köln", None, "Berlin"] * 100_000}, dtype=dtype)
    changed = big.copy()
    changed.iloc[299_998, 0] = "Bonn"
    assert frame_hash(changed) != frame_hash(big) == frame_hash(big.copy())


def test_values_of_other_types_in_a_text_column_differ_from_their_text():
    hashes = {frame_hash(pd.DataFrame({"v": ["a", value]}, dtype=object))
              for value in (1, "1", True, "True", 1.0, "1.0", "int:1")}
    assert len(hashes) == 7


def test_text_holding_nul_still_splits_into_its_cells():
    def h(*cells):
        return frame_hash(pd.DataFrame({"v": list(cells)}, dtype="str"))

    assert len({h("a\x00", "b"), h("a", "\x00b"), h("a\x00b", ""), h("a", "b", "")}) == 4
    assert h("a\x00", "b") == h("a\x00", "b")


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


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 1_000_000])
def test_the_hash_is_the_same_whatever_the_piece_size(monkeypatch, piece):
    """Texts are joined and encoded a piece at a time (short holds of the GIL for the
    window): the bytes, and so every hash, must not depend on where the pieces end."""
    import core.audit as audit

    columns = {
        "plain": ["Köln", "", "Berlin", "Zürich", "a", "b", "c", "🙂", "x"],
        "missing": [None, "a", None, None, "", "None", pd.NA, "b", None],
        "mixed": [1, 1.0, True, "1", None, "x", 2, "", "y"],
        "nul": ["a\x00b", "", "c", "\x00", "d", "e", "f", "g", "h"],
        "empty": [None] * 9,
    }
    frames = [pd.DataFrame({k: v}, dtype=object) for k, v in columns.items()]
    frames += [pd.DataFrame({"plain": columns["plain"]}, dtype="str"), pd.DataFrame({"v": []}, dtype="str"),
               pd.DataFrame({"nul": columns["nul"], "n": range(9)}, dtype="str")]
    whole = [frame_hash(f) for f in frames]
    monkeypatch.setattr(audit, "_PIECE", piece)
    assert [frame_hash(f) for f in frames] == whole
    assert len(set(whole)) == len(whole)
