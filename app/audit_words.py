"""Each audit row as one sentence ("Imported the customer list: 1,204 rows."), built from
its step, settings and counts only -- the row holds no personal value, nor does this."""

from __future__ import annotations

from collections.abc import Callable

from core.quality.steps import STEPS as CLEANING_STEPS

TABLES = {"crm": "customer list", "sales": "sales file"}
STEP_NAMES = {"import": "Import", "link lists": "Import", "clean": "Quality", "privacy": "Privacy",
              "dedupe": "Duplicates", "duplicates": "Duplicates", "segments": "Segments", "segment": "Segments",
              "personas": "Personas", "compose": "Compose", "export": "Export"}
REVEALED_FOR = {"privacy preview": "to show the table before pseudonymising, on screen only",
                "duplicate review": "to show the pairs to review, on screen only",
                "preview": "to show the message preview, on screen only",
                "mail merge": "for the messages written"}
METHODS = {"rfm": "named segments", "kmeans": "groups found in the data", "gmm": "overlapping groups found in the data",
           "hierarchical": "a family tree of groups"}
KEY_ACTIONS = {"back up key": "backed up", "restore key": "restored from a backup",
               "rotate key": "replaced by a new key (every code renewed)", "delete key": "deleted"}
POLICIES = {"keep": "kept as is", "token": "hidden behind a code", "mask": "partly shown",
            "generalise": "kept only roughly", "drop": "left out"}


def _n(value) -> str:
    return f"{int(value):,}"


def _import(p: dict, e: dict) -> str:
    what = TABLES.get(p.get("target"), "file")
    return f"{'Loaded the demo' if p.get('demo') else 'Imported the'} {what}: {_n(e['rows_out'])} rows."


def _link(p: dict, e: dict) -> str:
    several = f", {_n(p['in_several_lists'])} of them in more than one" if p.get("in_several_lists") else ""
    return f"Import: {_n(p['lists'])} customer lists linked: {_n(p['records'])} records are {_n(p['people'])} people{several}."


def _clean(p: dict, e: dict) -> str:
    kind = CLEANING_STEPS.get(p.get("step"))
    step = kind.title if kind else str(p.get("step", "a fix")).replace("_", " ")
    cells = p.get("cells_changed")
    counted = f": {_n(cells)} cells changed" if cells is not None else ""
    failed = f", {_n(p['failed'])} could not be changed" if p.get("failed") else ""
    return f"Quality: “{step}” applied to the {TABLES.get(p.get('file'), p.get('file', 'data'))}{counted}{failed}."


def _revealed(p: dict, e: dict) -> str:
    """A reveal: how many codes were opened, and what for (never a value)."""
    why = REVEALED_FOR.get(p.get("purpose"), f"for {p.get('purpose', 'a step')}")
    return f"{STEP_NAMES.get(e['step'], str(e['step']).capitalize())}: {_n(e['rows_out'])} codes turned back into real values {why}."


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
    method = METHODS.get(p.get("method"), f"groups ({p.get('method')})")
    return f"Segments: {_n(e['rows_out'])} customers put into {method}."


def _export(p: dict, e: dict) -> str:
    if p.get("action") == "consent meaning":
        meaning = "may be contacted" if p["meaning"] == "opt-in" else "asked not to be contacted"
        return f"Export: “yes” in the column {p['column']} now reads as {meaning}."
    if p.get("action") == "legal basis without consent column":
        return ("Export: a legal basis for writing without a consent column was recorded." if p["recorded"]
                else "Export: the legal basis for writing without a consent column was withdrawn.")
    return f"Export: {_n(e['rows_out'])} messages written as .{p['format']} ({_n(p.get('files', 0))} files)."


SENTENCES: dict[str, Callable[[dict, dict], str]] = {
    "import": _import, "link lists": _link, "clean": _clean, "privacy": _privacy, "dedupe": _dedupe,
    "duplicates": _dedupe, "segments": _segments, "segment": _segments, "export": _export,
}


def sentence(entry: dict) -> str:
    """One plain sentence for an audit entry (as :meth:`AuditEntry.to_dict` gives it)."""
    params = entry.get("params") or {}
    make = _revealed if params.get("action") == "reveal" else SENTENCES.get(entry["step"])  # any step opens codes
    if make is not None:
        try:
            return make(params, entry)
        except (KeyError, TypeError, ValueError):
            pass  # an older entry's settings: the plain counts below still say what happened
    name = STEP_NAMES.get(entry["step"], str(entry["step"]).capitalize())
    return f"{name}: {_n(entry['rows_in'])} rows in, {_n(entry['rows_out'])} rows out."
