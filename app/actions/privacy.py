"""The Privacy screen's actions: say what a column holds and what to do with it,
pseudonymise, load a suppression list, check and lower the re-identification risk, and
the key's life (make, unlock, back up, restore, rotate, delete).

State row ``privacy`` holds the policies per table, the key's location and fingerprint,
the vault, suppressed e-mails as tokens and the risk choices -- never a key or a plain
value. Every change is one undo step and one audit row with the key's fingerprint.
Phone numbers are tokenised in the project's home country (:mod:`app.region`), so the
same number typed with or without +44 gets the same code.
"""

from __future__ import annotations

import os
import uuid
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import pandas as pd

from app.actions import Action
from app.consent import consent_plan, consent_settings, describe
from app.document import Document
from app.region import document_region
from app.settings import data_dir
from core.errors import LocalReachError
from core.privacy import keystore
from core.privacy.consent import load_suppression, suppression_from_state
from core.privacy.detect import LABELS, PII_KINDS, PiiGuess, detect_pii  # noqa: F401 (the screen's kinds)
from core.privacy.keystore import MIN_PASSPHRASE, KeyRef, NoSafeKeyring  # noqa: F401 (the passphrase dialog)
from core.privacy.originals import RECORD_COLUMN, restore
from core.privacy.policy import (
    GENERALISE_OPTIONS,
    ColumnPolicy,
    PrivacyConfig,
    default_config,
    default_policy,
    pseudonymize,
)
from core.privacy.risk import k_anonymity, small_groups, suggest_generalisations
from core.privacy.tokens import TOKEN_RE, normalize_email, token_for
from core.privacy.vault import Vault, reveal, reveal_audit_args, rotate
from core.steps.pseudonymize import KEY_ROLES, KEYED, key_columns, keyed_tokens

STEP = "privacy"
SOURCES = {"crm": "Customer list", "sales": "Sales"}  # the tables a project may hold
PREVIEW_KEY = bytes(32)  # previews only: shows the shape of a code, never stored
Ask = Callable[[str, str, bool], str]  # (title, explanation, confirm) -> passphrase, or raises
KEY_GONE = "The key was deleted, so the codes can no longer be turned back into real values."
KEY_LOCKED = "The key file is locked: unlock it to see the real values here."
_before: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # doc -> (table, vault, rows, rows as typed)


@dataclass
class Risk:
    k: int  # the smallest group
    target_k: int
    at_risk: int
    unique_share: float
    ok: bool
    smallest: pd.DataFrame
    suggestions: list[dict]


def state(doc: Document) -> dict:
    return dict(doc.state(STEP) or {})


def _put(doc: Document, changes: dict, text: str) -> None:
    doc.set_state(STEP, {**state(doc), **changes}, text)


def key_ref(doc: Document) -> KeyRef | None:
    info = state(doc).get("key")
    return KeyRef(**info) if info else None


def applied(doc: Document, name: str) -> bool:
    return bool(state(doc).get("applied", {}).get(name))


def guesses(frame: pd.DataFrame, roles: dict[str, str]) -> dict[str, PiiGuess]:
    """What each column holds (name, e-mail, postcode, ...): its role decides where it has
    one, else its header and values."""
    return detect_pii(frame, roles)


def config(doc: Document, name: str, guessed: dict[str, PiiGuess] | None) -> PrivacyConfig:
    """The table's policies: as the user set them, else proposed from what was detected;
    phone numbers in the project's home country until the table is pseudonymised."""
    stored = state(doc).get("configs", {}).get(name)
    if stored:
        chosen = PrivacyConfig.from_dict(stored)
        return chosen if applied(doc, name) else replace(chosen, phone_region=document_region(doc))
    if doc.frame(name) is None:
        return PrivacyConfig(phone_region=document_region(doc))
    return default_config(guessed or {}, document_region(doc))


def choosable_columns(frame: pd.DataFrame) -> list:
    """The columns a user decides about: not the one pseudonymising added for the sealed
    originals of masked and generalised values."""
    return [c for c in frame.columns if c != RECORD_COLUMN]


def choices(kind: str | None) -> list[str]:
    """The actions a column of ``kind`` can take: coarser values only where the kind has them."""
    return (["keep", "token", "mask"] + [f"generalise:{o}" for o in GENERALISE_OPTIONS.get(kind or "", ())]
            + ["drop"])


def _set_config(doc: Document, name: str, chosen: PrivacyConfig, text: str, params: dict) -> None:
    _put(doc, {"configs": {**state(doc).get("configs", {}), name: chosen.to_dict()}}, text)
    rows = len(doc.frame(name))
    ref = key_ref(doc)
    doc.audit(STEP, {**params, "table": name}, rows, rows, key_fingerprint=ref.fingerprint if ref else None)


def set_policy(doc: Document, name: str, chosen: PrivacyConfig, column: str, choice: str, label: str) -> None:
    """``choice`` is an action, or ``generalise:<option>`` for a coarser value."""
    old = chosen.columns.get(column, ColumnPolicy())
    action, _, option = choice.partition(":")
    chosen.columns[column] = ColumnPolicy(action, old.kind, option)
    _set_config(doc, name, chosen, f"Privacy: {label} for {column}",
                {"action": "set policy", "column": column, "policy": action, "option": option})


def set_kind(doc: Document, name: str, chosen: PrivacyConfig, column: str, kind: str) -> None:
    """The user knows better than detection: the column's kind, with that kind's usual policy."""
    chosen.columns[column] = default_policy(PiiGuess(kind or None, 1.0, ""))
    _set_config(doc, name, chosen, f"Privacy: {column} holds {LABELS.get(kind, 'nothing personal')}",
                {"action": "set kind", "column": column, "kind": kind or None})


def preview(sample: pd.DataFrame, chosen: PrivacyConfig) -> pd.DataFrame:
    """A few rows as pseudonymising would write them (with a throw-away key)."""
    try:
        return pseudonymize(sample, chosen, PREVIEW_KEY)[0]
    except LocalReachError:
        return sample


def pseudonymise(doc: Document, name: str, chosen: PrivacyConfig, key: bytes, ref: KeyRef) -> Action:
    """Replace the chosen columns of table ``name``; originals go to the encrypted vault.
    The customer list's events and sales files get their ids and e-mails as the list's
    (the run's :func:`core.steps.pseudonymize.keyed_tokens`), so their behaviour and
    orders still find their people; all are one undo step."""
    frame = doc.frame(name)
    old = Vault.from_frame(key, state(doc).get("vault"))
    others = {n: f for n in KEYED if name == "crm" and (f := doc.frame(n)) is not None}
    roles = {n: doc.roles(n) for n in ("crm", *others)}

    def work(ctx):
        out, vault, report = pseudonymize(frame, chosen, key, old, ctx)
        keyed = {n: keyed_tokens(f, n, roles, report["columns"], chosen, key) for n, f in others.items()}
        return out, vault, report, keyed

    def apply(result) -> dict:
        out, vault, report, keyed = result
        kept = {c: r for c, r in doc.roles(name).items() if c in out.columns}
        doc.undo_stack.beginMacro(f"Pseudonymise the {SOURCES[name].lower()}")
        doc.set_frame(name, out, "Pseudonymise", roles=kept)
        for n, f in keyed.items():
            doc.set_frame(n, f, f"Pseudonymise the customers of the {n}")
        _put(doc, {"key": asdict(ref), "configs": {**state(doc).get("configs", {}), name: chosen.to_dict()},
                   "vault": vault.to_frame(), "applied": {**state(doc).get("applied", {}), name: True}},
             "Pseudonymise")
        doc.undo_stack.endMacro()
        columns = {c: e["action"] for c, e in report["columns"].items()}
        doc.audit(STEP, {"action": "pseudonymise", "table": name, "columns": columns}, len(frame), len(out),
                  frame, out, key_fingerprint=ref.fingerprint)
        return columns

    return Action("Replacing personal data…", work, apply)


def before(doc: Document, name: str, rows: int, key: bytes | None, passphrase: str | None
           ) -> tuple[pd.DataFrame, str]:
    """The first ``rows`` of table ``name`` as they were typed, and a note when they cannot
    be: once pseudonymised, codes are opened from the vault and masked or generalised values
    from each record's sealed originals (left-out columns stay gone). The key opens without
    asking from the keyring; a key file's needs its passphrase, else the codes show, with
    the note. Each table shown this way is one audit row (counts only)."""
    frame = doc.frame(name)
    sample = frame.head(rows)
    if not applied(doc, name):
        return sample, ""
    ref, sealed = key_ref(doc), state(doc).get("vault")
    if ref is None or sealed is None:
        return sample, KEY_GONE
    cached = _before.get(doc)
    if cached and cached[0] is frame and cached[1] is sealed and cached[2] == rows:
        return cached[3], ""
    if key is None or keystore.fingerprint(key) != ref.fingerprint:  # e.g. a new key undone
        if ref.key_file and passphrase is None:
            return sample, KEY_LOCKED
        try:
            key = keystore.unlock(ref, passphrase)
        except LocalReachError as exc:
            return sample, str(exc)
    reveals: list[dict] = []
    shown = restore(_opened(sample, Vault.from_frame(key, sealed), reveals.append))
    for entry in reveals:
        params, rows_in, revealed, fp = reveal_audit_args(entry)
        if revealed:  # codes the vault never saw open to "": nothing shown, nothing to record
            doc.audit(STEP, params, rows_in, revealed, key_fingerprint=fp)
    _before[doc] = (frame, sealed, rows, shown)
    return shown, ""


def _opened(sample: pd.DataFrame, vault: Vault, audit: Callable[[dict], None]) -> pd.DataFrame:
    """``sample`` with the codes the vault knows opened: one reveal over every coded column."""
    coded = [c for c in sample.columns if sample[c].astype(str).str.match(TOKEN_RE.pattern).any()]
    if not coded:
        return sample
    stacked = pd.concat([sample[c] for c in coded], ignore_index=True)
    values = reveal(vault, stacked, purpose="privacy preview", audit=audit).to_numpy()
    out = sample.copy()
    for i, column in enumerate(coded):
        out[column] = values[i * len(sample):(i + 1) * len(sample)]
    return out


# -- suppression and consent --------------------------------------------------------------
def import_suppression(doc: Document, path: str, key: bytes, ref: KeyRef) -> int:
    """People who asked not to be contacted, kept as e-mail tokens; returns how many are
    listed now. A key made for them is kept with the project, so that the next list and
    pseudonymising use the same one."""
    listed = load_suppression(path)
    tokens = set(state(doc).get("suppression", [])) | listed.tokens
    tokens |= {token_for(key, "email", e) for e in listed.emails}
    _put(doc, {"suppression": sorted(tokens), "key": asdict(ref)},
         f"Import {len(listed):,} people who asked not to be contacted")
    doc.audit(STEP, {"action": "import suppression list", "file": os.path.basename(path), "entries": len(listed)},
              len(listed), len(tokens), key_fingerprint=keystore.fingerprint(key))
    return len(tokens)


def contact_figure(doc: Document, chosen: PrivacyConfig, key: bytes | None) -> tuple[dict, str]:
    """Who a letter could reach now, and why the others would be left out: the plan (for
    the consent panel) and its sentence."""
    frame = doc.frame("crm")
    email = next((c for c, r in doc.roles("crm").items() if r == "email"), None) or next(
        (c for c, p in chosen.columns.items() if p.kind == "email"), None)
    listed = suppression_from_state(state(doc), key)
    # plain addresses meet the stored tokens only through the key, once it is unlocked
    usable = email in frame.columns and len(listed) and (applied(doc, "crm") or key is not None)
    roles = {**doc.roles("crm"), **({email: "email"} if email else {})}
    settings = consent_settings(doc)
    plan = consent_plan(frame, roles, settings, listed if usable else None)
    return plan, describe(plan, settings.without_consent)


# -- re-identification risk ------------------------------------------------------------------
def quasi_identifiers(doc: Document, frame: pd.DataFrame, chosen: PrivacyConfig) -> list[str]:
    """The columns ticked for the risk check: the user's, else postcodes, birth dates and
    the columns the customer-list roles call gender or city."""
    ticked = state(doc).get("quasi_identifiers")
    if ticked is not None:
        return ticked
    roles = doc.roles("crm") if frame is doc.frame("crm") else {}
    return list(dict.fromkeys(
        [c for c, p in chosen.columns.items() if p.kind in ("postcode", "date_of_birth")]
        + [c for c in frame.columns if roles.get(c) in ("gender", "city") or str(c).lower() in ("gender", "city", "sex")]))


def check_risk(doc: Document, name: str, chosen: PrivacyConfig, qis: list[str], k: int) -> Action:
    """k-anonymity over ``qis`` as pseudonymising would leave them, and coarser values that help."""
    frame, done = doc.frame(name), applied(doc, name)

    def work(ctx) -> Risk:
        subset = frame[qis]
        sub = PrivacyConfig({c: p for c, p in chosen.columns.items() if c in qis},
                            chosen.phone_region, chosen.reference_date)
        after = subset if done else pseudonymize(subset, sub, PREVIEW_KEY, ctx=ctx)[0]
        kept = [c for c in qis if c in after.columns]
        report = k_anonymity(after, kept, k)
        kinds = {c: p.kind for c, p in chosen.columns.items() if c in kept}
        return Risk(report.k, k, report.at_risk, report.unique_share, report.ok, report.smallest,
                    suggest_generalisations(after, kept, k, kinds=kinds))

    def apply(risk: Risk) -> Risk:
        _put(doc, {"quasi_identifiers": qis, "risk_result": {"k": risk.k, "target_k": k,
                                                              "at_risk": risk.at_risk, "table": name}},
             "Check re-identification risk")
        return risk

    return Action("Checking who could be recognised…", work, apply)


def small_segments(doc: Document, k: int) -> list[str]:
    """Customer groups (from the Segments step) with fewer than ``k`` members."""
    result = (doc.state("segments") or {}).get("result") or {}
    sizes = (result.get("report") or {}).get("sizes")
    if not isinstance(sizes, pd.DataFrame) or not {"segment", "people"} <= set(sizes.columns):
        return []
    return small_groups(dict(zip(sizes["segment"], sizes["people"], strict=True)), k)


def apply_suggestions(doc: Document, name: str, chosen: PrivacyConfig, suggestions: list[dict]) -> None:
    for s in suggestions:
        old = chosen.columns.get(s["column"], ColumnPolicy())
        chosen.columns[s["column"]] = ColumnPolicy(s["action"], old.kind, s["option"])
    _set_config(doc, name, chosen, "Apply the suggested fixes",
                {"action": "apply risk fixes", "changes": [s["change"] for s in suggestions]})


# -- the key ------------------------------------------------------------------------------------
def _key_file(project_id: str, fp: str) -> str:
    return str(data_dir() / "keys" / f"{project_id}-{fp}.lrkey")


def unlock(doc: Document, key: bytes | None, passphrase: str | None, ask: Ask
           ) -> tuple[bytes, KeyRef, str | None]:
    """(key, its reference, the passphrase now known): the project's key, unlocked, or made
    on first use; ``ask`` is called for a passphrase only without a safe keyring."""
    ref = key_ref(doc)
    if ref is not None:
        if key is not None and keystore.fingerprint(key) == ref.fingerprint:
            return key, ref, passphrase
        if ref.key_file and passphrase is None:
            passphrase = ask("Unlock the key", "Type the passphrase that protects this project's key file.",
                             False)
        return keystore.unlock(ref, passphrase), ref, passphrase
    project_id = uuid.uuid4().hex[:12]
    try:
        key, ref = keystore.create_key(project_id)
    except NoSafeKeyring as exc:
        passphrase = ask("Protect the key with a passphrase",
                         f"{exc.args[0].split(':')[0]}. LocalReach will keep the key in a file protected by "
                         "a passphrase. You will need the passphrase each time you open this project.", True)
        key = keystore.new_key()
        fp = keystore.fingerprint(key)
        ref = KeyRef(project_id, fp, _key_file(project_id, fp))
        ref.store(passphrase).save(key)
    return key, ref, passphrase


def backup_key(doc: Document, key: bytes, ref: KeyRef, path: str, passphrase: str) -> None:
    keystore.export_backup(key, path, passphrase)
    doc.audit(STEP, {"action": "back up key"}, 0, 0, key_fingerprint=ref.fingerprint)


def restore_key(doc: Document, path: str, passphrase: str) -> bytes:
    """Bring the key back from a backup; a key-file project's file takes the backup's passphrase."""
    ref = key_ref(doc)
    key = keystore.import_backup(path, passphrase, expected=ref.fingerprint if ref else None)
    if ref is None:
        ref = KeyRef(uuid.uuid4().hex[:12], keystore.fingerprint(key))
    if not ref.key_file:
        try:
            ref.store().save(key)
        except NoSafeKeyring:
            ref = KeyRef(ref.project_id, ref.fingerprint, _key_file(ref.project_id, ref.fingerprint))
    if ref.key_file:
        ref.store(passphrase).save(key)
    if key_ref(doc) != ref:
        _put(doc, {"key": asdict(ref)}, "Restore the key")
    doc.audit(STEP, {"action": "restore key"}, 0, 0, key_fingerprint=ref.fingerprint)
    return key


def rotate_key(doc: Document, key: bytes, ref: KeyRef, passphrase: str | None) -> bytes:
    """A new key; every code is recomputed through the vault (one undo step)."""
    if ref.key_file:
        new_key = keystore.new_key()
        fp = keystore.fingerprint(new_key)
        new_ref = KeyRef(ref.project_id, fp, _key_file(ref.project_id, fp))
        new_ref.store(passphrase).save(new_key)
    else:
        new_key, new_ref = keystore.create_key(ref.project_id)
    frames = {n: f for n in SOURCES if (f := doc.frame(n)) is not None}
    region = config(doc, "crm", {}).phone_region  # the tokens' own region
    old = Vault.from_frame(key, state(doc).get("vault"))
    keyed = _keyed_columns(doc)
    known = {}
    for n, keys in keyed.items():  # their customers keep meeting theirs: the codes the vault knows
        own = doc.frame(n)
        known[n] = own[keys].isin(list(old.entries))
        frames[n] = frames.get(n, own[keys]).assign(**own[keys].where(known[n], ""))
    out, vault, _ = rotate(frames, old, new_key, region=region)
    for n, keys in keyed.items():  # codes no customer had meet no one, with either key: left as they are
        own = doc.frame(n)
        out[n] = own.assign(**out[n]).assign(**out[n][keys].where(known[n], own[keys]))
    doc.undo_stack.beginMacro("Make a new key")
    for n, frame in out.items():
        doc.set_frame(n, frame, "New key")
    suppression = sorted(_retoken_suppression(doc, key, new_key))
    _put(doc, {"key": asdict(new_ref), "vault": vault.to_frame(), "suppression": suppression}, "New key")
    doc.undo_stack.endMacro()
    doc.audit(STEP, {"action": "rotate key", "old_fingerprint": ref.fingerprint}, 0, 0,
              key_fingerprint=new_ref.fingerprint)
    return new_key


def _keyed_columns(doc: Document) -> dict[str, list[str]]:
    """The customer id and e-mail columns of the files keyed like the list (those
    pseudonymising codes), by file."""
    found = {n: [c for role in KEY_ROLES for c in key_columns(f, doc.roles(n), role, doc.roles("crm"))]
             for n in KEYED if (f := doc.frame(n)) is not None}
    return {n: keys for n, keys in found.items() if keys}


def _retoken_suppression(doc: Document, key: bytes, new_key: bytes) -> set[str]:
    """Suppressed people are kept as e-mail tokens; without their e-mails they are re-made
    from the vault, or kept as they are when the vault never saw them."""
    vault = Vault.from_frame(key, state(doc).get("vault"))
    tokens = set(state(doc).get("suppression", []))
    known = {t for t in tokens if t in vault}
    return {token_for(new_key, "email", normalize_email(vault.open(t))) for t in known} | (tokens - known)


def delete_key(doc: Document, passphrase: str | None) -> None:
    """Forget the key for good: the codes can never be turned back."""
    ref = key_ref(doc)
    ref.store(passphrase).delete()
    _put(doc, {"key": None, "vault": None}, "Delete the key")
    doc.audit(STEP, {"action": "delete key"}, 0, 0, key_fingerprint=ref.fingerprint)
