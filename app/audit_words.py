"""Each audit row as one sentence ("Imported the customer list: 1,204 rows."), built from
its step, settings and counts only -- the row holds no personal value, nor does this."""

from __future__ import annotations

from collections.abc import Callable

TABLES = {"crm": "customer list", "sales": "sales file"}
STEP_NAMES = {"import": "Import", "clean": "Quality", "privacy": "Privacy", "dedupe": "Duplicates",
              "segments": "Segments", "segment": "Segments", "personas": "Personas",
              "compose": "Compose", "export": "Export"}
KEY_ACTIONS = {"back up key": "backed up", "restore key": "restored from a backup",
               "rotate key": "replaced by a new key (every code renewed)", "delete key": "deleted"}
POLICIES = {"keep": "kept as is", "token": "hidden behind a code", "mask": "partly shown",
            "generalise": "kept only roughly", "drop": "left out"}


def _n(value) -> str:
    return f"{int(value):,}"


def _import(p: dict, e: dict) -> str:
    what = TABLES.get(p.get("target"), "file")
    return f"{'Loaded the demo' if p.get('demo') else 'Imported the'} {what}: {_n(e['rows_out'])} rows."


def _clean(p: dict, e: dict) -> str:
    step = str(p.get("step", "a fix")).replace("_", " ")
    cells = p.get("cells_changed")
    counted = f": {_n(cells)} cells changed" if cells is not None else ""
    failed = f", {_n(p['failed'])} could not be changed" if p.get("failed") else ""
    return f"Quality: applied “{step}” to the {TABLES.get(p.get('file'), p.get('file', 'data'))}{counted}{failed}."


def _privacy(p: dict, e: dict) -> str:
    action = p.get("action", "")
    table = TABLES.get(p.get("table"), "data")
    if action == "set policy":
        how = POLICIES.get(p.get("policy"), p.get("policy"))
        return f"Privacy: the column {p.get('column')} will be {how}" + (
            f" ({p['option']})." if p.get("option") else ".")
    if action == "set kind":
        return f"Privacy: the column {p.get('column')} was marked as holding {p.get('kind') or 'nothing personal'}."
    if action == "pseudonymise":
        return f"Privacy: personal data in the {table} replaced ({len(p.get('columns', {}))} columns, {_n(e['rows_out'])} rows)."
    if action == "import suppression list":
        return f"Privacy: list of people not to contact imported from {p.get('file')}."
    if action in KEY_ACTIONS:
        return f"Privacy: the project key was {KEY_ACTIONS[action]}."
    return f"Privacy: {action or 'settings changed'}."


def _dedupe(p: dict, e: dict) -> str:
    people = p.get("people", e["rows_out"])
    return f"Duplicates merged: {_n(e['rows_in'])} records are {_n(people)} people."


def _segments(p: dict, e: dict) -> str:
    method = {"rfm": "named segments"}.get(p.get("method"), f"groups ({p.get('method')})")
    return f"Segments: {_n(e['rows_out'])} customers put into {method}."


def _export(p: dict, e: dict) -> str:
    if "format" in p:
        return f"Export: {_n(e['rows_out'])} messages written as .{p['format']} ({_n(p.get('files', 0))} files)."
    return f"Export: {_n(e['rows_out'])} real contact details brought back for the people written to."


SENTENCES: dict[str, Callable[[dict, dict], str]] = {
    "import": _import, "clean": _clean, "privacy": _privacy, "dedupe": _dedupe,
    "segments": _segments, "segment": _segments, "export": _export,
}


def sentence(entry: dict) -> str:
    """One plain sentence for an audit entry (as :meth:`AuditEntry.to_dict` gives it)."""
    make = SENTENCES.get(entry["step"])
    params = entry.get("params") or {}
    if make is not None:
        try:
            return make(params, entry)
        except (KeyError, TypeError, ValueError):
            pass  # an older entry's settings: the plain counts below still say what happened
    name = STEP_NAMES.get(entry["step"], str(entry["step"]).capitalize())
    return f"{name}: {_n(entry['rows_in'])} rows in, {_n(entry['rows_out'])} rows out."
