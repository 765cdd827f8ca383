"""The audit log as the window shows and exports it: plain sentences, local times, short fingerprints."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from core.audit import AuditEntry, export_csv

COLUMNS = {
    "time": "When",
    "what": "What happened",
    "rows_in": "Rows in",
    "rows_out": "Rows out",
    "step": "Step",
    "input_hash": "Data before (fingerprint)",
    "output_hash": "Data after (fingerprint)",
    "key_fingerprint": "Key fingerprint",
    "params": "Settings",  # the exact settings, last: for an auditor, not for reading
}
SHORT_HASH = 12


def local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return iso or ""


def display_frame(entries: list[dict], undone: list[bool] | None = None) -> pd.DataFrame:
    """The entries in plain words: one sentence each (undone ones marked), local times,
    short fingerprints, compact settings."""
    from app.audit_words import sentence

    rows = []
    undone = undone or [False] * len(entries)
    for e, was_undone in zip(entries, undone, strict=False):
        d = AuditEntry.from_dict(e).to_dict()
        shown = d["params"].get("action") == "reveal"  # what was shown stays shown: never undone
        d["what"] = ("Undone: " if was_undone and not shown else "") + sentence(d)
        d["time"] = local_time(d["time"])
        d["params"] = json.dumps(d["params"], sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
        for key in ("input_hash", "output_hash"):
            d[key] = d[key][:SHORT_HASH]
        rows.append([d[c] for c in COLUMNS])
    return pd.DataFrame(rows, columns=list(COLUMNS.values()), dtype=object)


def summary(entries: list[dict]) -> str:
    from app.audit_words import STEP_NAMES

    text = f"{len(entries):,} changes recorded"
    if entries:
        step = entries[-1]["step"]
        text += f" · last: {STEP_NAMES.get(step, step)} at {local_time(entries[-1]['time'])}"
    return text


def export_log(doc, path: str) -> int:
    """Write the full log (complete fingerprints) to ``path``; returns the row count."""
    return export_csv(doc.audit_entries(), path)
