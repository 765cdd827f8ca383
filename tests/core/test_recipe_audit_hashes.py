"""run_recipe's audit: each frame hashed once, the same hashes as without the cache."""

from __future__ import annotations

import weakref

import pandas as pd

import core.recipe.staging as staging
from core.audit import frame_hash


def _frames():
    crm = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "city": ["Köln", None, "None"]}, dtype="str")
    cleaned = crm.assign(city=["Köln", "", "None"])
    return crm, cleaned, cleaned.assign(segment=["A", "B", "A"])


def test_each_frame_is_hashed_once_and_as_without_the_cache(monkeypatch):
    calls = []
    monkeypatch.setattr(staging, "frame_hash", lambda df, columns: calls.append(id(df)) or frame_hash(df))
    crm, cleaned, segmented = _frames()
    audit = staging._Audit("fp")
    audit.add("import", {}, None, crm)
    audit.add("clean", {}, crm, cleaned)
    audit.add("segment", {}, cleaned, segmented)
    audit.add("personas", {}, segmented, None, rows_out=2)
    rows = audit.rows
    assert [(r["input_hash"], r["output_hash"]) for r in rows] == [
        ("", frame_hash(crm)), (frame_hash(crm), frame_hash(cleaned)),
        (frame_hash(cleaned), frame_hash(segmented)), (frame_hash(segmented), "")]
    assert len({frame_hash(crm), frame_hash(cleaned), frame_hash(segmented)}) == 3  # None vs "" too
    assert calls == [id(crm), id(cleaned), id(segmented)]


def test_a_new_frame_where_a_gone_one_was_is_hashed_again():
    crm, cleaned, _ = _frames()
    audit = staging._Audit("")
    audit._hashes[id(cleaned)] = (weakref.ref(crm), "the hash of a frame that is gone")
    audit.add("clean", {}, crm, cleaned)
    assert audit.rows[0]["output_hash"] == frame_hash(cleaned)
