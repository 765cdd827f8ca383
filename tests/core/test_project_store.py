"""The .lreach store: exact round trips, refusals with clear messages, migrations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.audit import make_entry
from core.jobs import Cancelled, JobContext
from core.project.frames import decode_frame, encode_frame
from core.project.store import (
    SCHEMA_VERSION,
    ProjectFileError,
    StateTypeError,
    load_project,
    save_project,
    schema_version,
    temp_files,
)


def _rich_frame() -> pd.DataFrame:
    """Every dtype a step is likely to keep, with the awkward values import keeps."""
    return pd.DataFrame(
        {
            "text": pd.Series(["Anna", "", None, "NA", "01234", "Zoë €"], dtype="str"),
            "mixed": pd.Series(["a", 1, 2.5, None, np.nan, True], dtype=object),
            "stamps": pd.Series([pd.Timestamp("2024-01-01"), dt.date(2024, 1, 2), None, "x", 1, np.int64(3)]),
            "int": np.arange(6, dtype="int64"),
            "float": [1.0, np.nan, 3.25, -0.0, np.inf, 1e-300],
            "bool": [True, False] * 3,
            "Int": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "Float": pd.array([1.5, None, 3, 4, 5, 6], dtype="Float64"),
            "boolean": pd.array([True, None, False, True, True, False], dtype="boolean"),
            "date": pd.to_datetime(["2024-01-01", None, "2024-03-04", "2020-02-29", "1999-12-31", "2024-01-01"]),
            "tz": pd.to_datetime(["2024-03-31 01:30"] * 6).tz_localize("Europe/Berlin"),
            "cat": pd.Categorical(["x", "y", None, "x", "y", "y"], categories=["y", "x"], ordered=True),
            "delta": pd.to_timedelta([1, 2, 3, 4, 5, 6], unit="s"),
            "na_string": pd.Series(["a", None, "b", "c", "d", "e"], dtype=pd.StringDtype("python", na_value=pd.NA)),
        }
    )


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_column_type=True, check_index_type=True)
    assert list(a.columns) == list(b.columns)


@pytest.mark.parametrize(
    "shape",
    ["plain", "reordered rows", "string index", "multi index", "duplicate labels", "empty", "int labels"],
)
def test_codec_gives_back_exactly_the_same_frame(shape):
    df = _rich_frame()
    df = {
        "plain": df,
        "reordered rows": df.iloc[[5, 3, 1]],
        "string index": df.set_index("text"),
        "multi index": df.set_index(["text", "int"]),
        "duplicate labels": df.set_axis([*[f"c{i}" for i in range(13)], "c0"], axis=1),
        "empty": pd.DataFrame({"a": pd.Series([], dtype="str")}),
        "int labels": pd.DataFrame({1: [1], 2: ["x"]}).rename_axis(columns="cols"),
    }[shape]
    meta, payloads = encode_frame(df)
    _assert_same(decode_frame(json.loads(json.dumps(meta)), payloads), df)


def _tree() -> dict:
    crm = pd.DataFrame(
        {"customer_id": ["C1", "C2", "C3"], "email": ["anna@example.org", "", "NA"], "postcode": ["01234", "", "99"]},
        dtype="str",
    )
    sales = pd.DataFrame({"order_id": ["O1", "O2"], "amount": [12.5, 3.0]})
    return {
        "sources": {
            "crm": {"path": "/data/crm.xlsx", "sha256": "ab" * 32, "options": {"sheet": "Kunden"}, "content": b"PK\x03\x04"},
            "sales": {"path": "/data/sales.csv", "sha256": "cd" * 32, "options": {"delimiter": ";"}},
        },
        "frames": {"crm": crm, "sales": sales},
        "roles": {"crm": {"email": "email", "postcode": "postcode"}},
        "state": {
            "quality": {"config": {"trim": True, "date_format": "dayfirst"}, "fixed": 3},
            "duplicates": {"pairs": crm.head(2), "decisions": [["C1", "C2", "same"]], "threshold": 0.82},
            "segments": {"frames": [sales, None], "k": 4, "share": 0.5},
        },
        "audit": [make_entry("import", {"sheet": "Kunden"}, 0, 3, None, crm, "fp01")],
        "vault": {"crm": b"\x00secret-ciphertext"},
    }


def test_save_then_open_gives_back_exactly_the_same_state(tmp_path):
    tree = _tree()
    path = tmp_path / "shop.lreach"
    save_project(path, tree)
    back = load_project(path)
    assert sorted(back) == sorted(tree)
    for name in ("crm", "sales"):
        _assert_same(back["frames"][name], tree["frames"][name])
    _assert_same(back["state"]["duplicates"]["pairs"], tree["state"]["duplicates"]["pairs"])
    _assert_same(back["state"]["segments"]["frames"][0], tree["frames"]["sales"])
    # The same frame object saved twice is stored once and comes back as one object.
    assert back["state"]["segments"]["frames"][0] is back["frames"]["sales"]
    assert back["state"]["quality"] == tree["state"]["quality"]
    assert back["state"]["duplicates"]["decisions"] == [["C1", "C2", "same"]]
    assert back["sources"] == tree["sources"]
    assert back["roles"] == tree["roles"]
    assert back["audit"] == tree["audit"]
    assert back["vault"] == tree["vault"]
    assert schema_version(path) == SCHEMA_VERSION
    assert temp_files(path) == []


def test_empty_collections_come_back_empty(tmp_path):
    tree = {"sources": {}, "frames": {}, "roles": {}, "state": {}, "audit": []}
    save_project(tmp_path / "p.lreach", tree)
    assert load_project(tmp_path / "p.lreach") == tree


def test_opening_never_changes_the_file(tmp_path):
    path = tmp_path / "p.lreach"
    save_project(path, _tree())
    os.utime(path, (1_600_000_000, 1_600_000_000))
    before = path.read_bytes()
    load_project(path)
    assert path.read_bytes() == before
    assert path.stat().st_mtime == 1_600_000_000


def test_a_numpy_scalar_in_a_state_is_refused_with_its_place_and_the_old_file_kept(tmp_path):
    path = tmp_path / "p.lreach"
    save_project(path, _tree())
    before = path.read_bytes()
    bad = {"state": {"segments": {"k": np.int64(4)}}}
    with pytest.raises(StateTypeError, match=r"^state/segments/k holds a numpy.int64; the project state may only"):
        save_project(path, bad)
    assert path.read_bytes() == before
    assert temp_files(path) == []


@pytest.mark.parametrize("value", [{1, 2}, (1, 2), object()])
def test_sets_tuples_and_objects_are_refused(tmp_path, value):
    with pytest.raises(StateTypeError):
        save_project(tmp_path / "p.lreach", {"state": {"x": value}})
    assert not (tmp_path / "p.lreach").exists()


def test_a_file_that_is_not_a_project_is_refused_with_one_clear_line(tmp_path):
    junk = tmp_path / "notes.lreach"
    junk.write_bytes(b"hello, this is not a database" * 100)
    with pytest.raises(ProjectFileError) as err:
        load_project(junk)
    assert str(err.value) == (
        "notes.lreach is not a LocalReach project or is damaged; open another file or an autosave."
    )
    with pytest.raises(ProjectFileError, match=r"^The project file missing.lreach does not exist; check the path.$"):
        load_project(tmp_path / "missing.lreach")


def test_a_project_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.lreach"
    save_project(path, {"state": {}})
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    assert str(err.value) == (
        "future.lreach was saved by a newer LocalReach (project format 99); update LocalReach to open it."
    )


# Schema version 1, as the first LocalReach wrote it: no source hashes, no key
# fingerprint or extras in the audit log. Kept here verbatim as the fixture.
_V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tree (key TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE sources (name TEXT PRIMARY KEY, path TEXT, json TEXT NOT NULL, content BLOB);
CREATE TABLE state (step TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, time TEXT, step TEXT, params TEXT, rows_in INTEGER,
                    rows_out INTEGER, input_hash TEXT, output_hash TEXT);
CREATE TABLE vault (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE frames (id INTEGER PRIMARY KEY, label TEXT, meta TEXT NOT NULL);
CREATE TABLE frame_parts (frame_id INTEGER, part INTEGER, chunk INTEGER, data BLOB NOT NULL,
                          PRIMARY KEY (frame_id, part, chunk));
CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""


def test_a_version_1_project_opens_and_is_upgraded_on_the_next_save(tmp_path):
    path = tmp_path / "old.lreach"
    crm = pd.DataFrame({"customer_id": ["C1", "C2"], "city": ["Köln", ""]}, dtype="str")
    meta, payloads = encode_frame(crm)
    content = b"customer_id,city\nC1,K\xc3\xb6ln\nC2,\n"
    db = sqlite3.connect(path)
    db.executescript(_V1_SCHEMA)
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema_version", "1"), ("app_version", "0.0.9")])
    db.execute("INSERT INTO frames VALUES (1, 'frames/crm', ?)", (json.dumps(meta),))
    db.executemany("INSERT INTO frame_parts VALUES (1, ?, 0, ?)", list(enumerate(payloads)))
    db.execute("INSERT INTO tree VALUES ('frames', ?)", (json.dumps({"crm": {"$frame": 1}}),))
    db.execute(
        "INSERT INTO sources VALUES ('crm', '/data/crm.csv', ?, ?)",
        (json.dumps({"path": "/data/crm.csv", "encoding": "utf-8"}), content),
    )
    db.execute("INSERT INTO state VALUES ('segments', ?)", (json.dumps({"k": 3}),))
    db.execute(
        "INSERT INTO audit VALUES (0, '2025-01-01T10:00:00+00:00', 'import', ?, 0, 2, '', 'h1')",
        (json.dumps({"encoding": "utf-8"}),),
    )
    db.commit()
    db.close()
    before = path.read_bytes()
    assert schema_version(path) == 1

    tree = load_project(path)

    assert path.read_bytes() == before  # opening migrates in memory only
    _assert_same(tree["frames"]["crm"], crm)
    assert tree["sources"]["crm"] == {
        "path": "/data/crm.csv",
        "encoding": "utf-8",
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
    }
    assert tree["state"] == {"segments": {"k": 3}}
    assert tree["audit"] == [
        {
            "time": "2025-01-01T10:00:00+00:00",
            "step": "import",
            "params": {"encoding": "utf-8"},
            "rows_in": 0,
            "rows_out": 2,
            "input_hash": "",
            "output_hash": "h1",
            "key_fingerprint": "",
        }
    ]
    save_project(path, tree)
    assert schema_version(path) == SCHEMA_VERSION
    again = load_project(path)
    assert again["audit"] == tree["audit"] and again["sources"] == tree["sources"]


def test_frames_are_compressed_not_stored_as_plain_text(tmp_path):
    path = tmp_path / "p.lreach"
    crm = pd.DataFrame({"email": [f"person{i}@example.org" for i in range(2000)]}, dtype="str")
    save_project(path, {"frames": {"crm": crm}})
    raw = path.read_bytes()
    assert b"person1999@example.org" not in raw
    db = sqlite3.connect(path)
    blobs = [zlib.decompress(b) for (b,) in db.execute("SELECT data FROM frame_parts")]
    db.close()
    assert any(b"person1999@example.org" in b for b in blobs)


def test_a_cancelled_save_leaves_the_previous_file(tmp_path):
    path = tmp_path / "p.lreach"
    save_project(path, {"state": {"marker": "old"}})
    before = path.read_bytes()
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        save_project(path, _tree(), ctx)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.lreach"]


def _assert_tree_equal(a, b, where="") -> None:
    """Equal JSON values and exactly equal frames, anywhere in two state trees."""
    if isinstance(a, pd.DataFrame):
        _assert_same(b, a)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            _assert_tree_equal(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_tree_equal(x, y, f"{where}[{i}]")
    else:
        assert type(a) is type(b) and (a == b or (a != a and b != b)), (where, a, b)


def test_a_real_segments_state_round_trips_exactly(tmp_path):
    """What the Segments screen stores: its config and the engine's whole report."""
    from dataclasses import asdict

    from core.io import read_table
    from core.segment.pipeline import SegmentConfig, segment_customers

    root = Path(__file__).resolve().parents[2] / "resources" / "demo"
    crm, _ = read_table(root / "crm.xlsx")
    sales, _ = read_table(root / "sales.csv")
    config = SegmentConfig(method="rfm")
    out, report = segment_customers(crm, sales, config)
    tree = {"frames": {"crm": out}, "state": {"segments": {"config": asdict(config),
                                                          "result": {"config": asdict(config), "report": report}}}}
    save_project(tmp_path / "p.lreach", tree)
    _assert_tree_equal(tree, load_project(tmp_path / "p.lreach"))
