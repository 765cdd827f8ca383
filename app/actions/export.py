"""What the user does on the Export screen, and the one merge both the pre-export check and
Export run: the same people, consent answers, suppression list and vault, so the check's
recipients, files and people left out are exactly what Export writes.

Real contact details come back only through the project key: its passphrase (when the key
lives in a key file) is asked once per session by the window and kept here per document,
so Compose's preview and check and Export all see real people once it is unlocked.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from pathlib import Path

from app.actions import Action
from app.actions.segments import fairness_warnings
from app.consent import STATE as CONSENT
from app.consent import consent_plan, consent_settings
from app.region import document_region
from core.compose import abtest
from core.compose.abtest import CONTROL, plain_verdict, results_figure, segment_figure
from core.compose.campaign import Campaign
from core.compose.checks import INFO, WARNING, CheckItem, check_merge, plural
from core.compose.merge import MergeConfig, persona_map
from core.compose.outputs import write
from core.errors import LocalReachError
from core.io import read_table
from core.privacy.consent import suppression_from_state
from core.privacy.keystore import KeyRef, unlock
from core.privacy.vault import Vault, reveal_audit_args
from core.steps.base import StepContext
from core.steps.merge import MergeStepConfig, project_settings
from core.steps.registry import step

__all__ = ["CONTROL", "plain_verdict", "results_figure", "segment_figure"]  # the results charts
STEP = "export"
FORMATS = ("eml", "mbox", "docx", "html", "csv", "xlsx")
# The files each format writes besides left_out.csv (and assignment.csv in an A/B test).
ONE_FILE = {"mbox": "messages.mbox", "docx": "letters.docx", "html": "preview.html",
            "csv": "merge.csv", "xlsx": "merge.xlsx"}
_passphrases: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def waiting_for(doc) -> str | None:
    if doc.frame("crm") is None:
        return "Import a customer list first."
    if doc.state("compose") is None:
        return ("Check the message on the Compose step first: press “Check before export” "
                "there, and this step shows who gets it.")
    return None


def forget_key(doc) -> None:
    """A new project: the passphrase typed for the old one is dropped."""
    _passphrases.pop(doc, None)


def has_vault(doc) -> bool:
    vault = (doc.state("privacy") or {}).get("vault")
    return vault is not None and len(vault) > 0


def privacy(doc, ask: Callable[[], str | None] | None = None) -> dict:
    """The vault and suppression list as merge arguments. A key file's passphrase is asked
    only through ``ask`` (None: do not ask, count without the vault); a refusal or a wrong
    passphrase raises, and a wrong one is asked again next time."""
    state = doc.state("privacy") or {}
    if not state.get("key"):
        return {}
    ref = KeyRef(**state["key"])
    if ref.key_file and doc not in _passphrases:
        if ask is None:
            return {"suppressed": suppression_from_state(state)}
        passphrase = ask()
        if passphrase is None:
            raise LocalReachError("No passphrase given: nothing was written.")
        _passphrases[doc] = passphrase
    try:
        key = unlock(ref, _passphrases.get(doc))
    except LocalReachError:
        _passphrases.pop(doc, None)
        raise
    return {"vault": Vault.from_frame(key, state.get("vault")),
            "suppressed": suppression_from_state(state, key)}


def locked(doc, args: dict) -> bool:
    """Pseudonymised people cannot be counted yet: the key's passphrase was not typed."""
    return "vault" not in args and has_vault(doc)


def merge_config(doc, config: MergeConfig, fmt: str = "eml") -> MergeConfig:
    """``config`` as the open project gives it (:func:`core.steps.merge.project_settings`;
    the region stored, detected or the locale's)."""
    return project_settings(config, doc.state(CONSENT), fmt, document_region(doc) or "")


def merge_inputs(doc, fmt: str = "eml") -> tuple[dict, dict, MergeStepConfig, dict]:
    """What the merge step runs on, read now on the GUI thread (the worker never touches
    the document): (frames, their roles, the step's config -- the campaign's settings as
    the project gives them --, what it reads from the run: the templates and personas)."""
    campaign = Campaign.from_state(doc.state("compose"))
    frames = {n: doc.frame(n) for n in ("crm", "sales") if doc.frame(n) is not None}
    settings = {**merge_config(doc, campaign.config, fmt).to_dict(), "format": fmt}
    return (frames, {n: doc.roles(n) for n in frames}, step("merge").config(settings),
            {"templates": campaign.templates, "persona_map": persona_map(doc.state("personas"))})


def merge_context(ctx, shared: dict, privacy: dict, reveals: list[dict]) -> StepContext:
    """The merge step's context on the job's worker: the document's templates, personas,
    vault and suppression list, each reveal kept in ``reveals`` to audit on the GUI thread."""
    run = StepContext(parent=ctx)
    run.shared.update(shared, **privacy, audit=reveals.append)
    return run


@contextlib.contextmanager
def carrying(reveals: list[dict]):
    """A failing job's reveals go with its exception (``exc.reveals``), so ``on_error``
    audits them: the work may run in a child process, whose lists the GUI never sees."""
    try:
        yield
    except Exception as exc:
        exc.reveals = reveals
        raise


def planned_files(summary: dict, fmt: str, one_each: bool = False, ab: bool = False) -> int:
    """How many files Export writes for ``summary`` in ``fmt``."""
    messages = summary["written"]
    main = messages if fmt == "eml" or (fmt == "docx" and one_each) else 1
    return main + 1 + int(ab)  # left_out.csv, assignment.csv


def audit_reveals(doc, reveals: list[dict]) -> None:
    """Each reveal made for the merge as one audit row (counts and key fingerprint only)."""
    for entry in reveals:
        params, rows, revealed, fp = reveal_audit_args(entry)
        doc.audit(STEP, params, rows, revealed, key_fingerprint=fp)


def _merge(doc, args: dict, fmt: str):
    """(the merge step on the job's worker, ``run(ctx, reveals)``, and its config)."""
    frames, roles, config, shared = merge_inputs(doc, fmt)

    def run(ctx, reveals: list[dict]):
        context = merge_context(ctx, shared, args, reveals)
        step("merge").run(frames, roles, config, context)
        return context.shared["merge_result"]

    return run, config


def plan(doc, fmt: str = "eml", one_each: bool = False) -> Action:
    """Who will be written to, without asking for a passphrase: the messages, files and
    people left out by reason, the consent counts, and the fairness gaps flagged on Segments."""
    try:
        args = privacy(doc)
    except LocalReachError:
        args = {}  # the plan counts without the key; Export says what is wrong
    is_locked = locked(doc, args)
    run, config = _merge(doc, args, fmt)
    people = (doc.frame("crm"), doc.roles("crm"), consent_settings(doc), args.get("suppressed"))
    warnings = fairness_warnings(doc)

    def work(ctx):
        consent, reveals = consent_plan(*people), []
        if is_locked or consent.get("unclear") or consent.get("no_consent_info"):
            return {"written": 0, "left_out": 0, "reasons": {}, "files": 0, "consent": consent}, reveals
        with carrying(reveals):
            summary = run(ctx, reveals).summary()
        return {**summary, "files": planned_files(summary, fmt, one_each, bool(config.ab)),
                "consent": consent}, reveals

    def apply(out) -> dict:
        summary, reveals = out
        audit_reveals(doc, reveals)
        return {**summary, "locked": is_locked, "fairness": warnings}

    return Action("Working out who gets a message…", work, apply)


def pre_export_check(doc, fmt: str | None = None) -> Action:
    """The Compose check on the very merge Export runs; ``apply`` gives the check items and
    the summary (messages, files, people left out) Export will write."""
    fmt = fmt or (doc.state(STEP) or {}).get("format", "eml")
    try:
        args = privacy(doc)
    except LocalReachError:
        args = {}
    is_locked = locked(doc, args)
    frames, roles, config, shared = merge_inputs(doc, fmt)
    merge_step = step("merge")

    def work(ctx):
        reveals: list[dict] = []
        with carrying(reveals):
            context = merge_context(ctx, shared, args, reveals)
            positional, privacy = merge_step.arguments(frames, roles, config, context)
            items, result = check_merge(*positional, context, **privacy)
        summary = result.summary() if result is not None else None
        if summary is not None:
            summary["files"] = planned_files(summary, fmt, False, bool(config.ab))
        return items, summary, reveals

    def apply(out) -> dict:
        items, summary, reveals = out
        audit_reveals(doc, reveals)
        items = list(items)
        if is_locked:
            items.insert(0, CheckItem(WARNING, "Some people are pseudonymised and the key is "
                                               "locked: they are counted once Export unlocks it."))
        elif summary is not None:
            items.append(CheckItem(INFO, f"Export will write {plural(summary['files'], 'file')} "
                                         f"(.{fmt}) and leave out "
                                         f"{plural(summary['left_out'], 'person', 'people')}."))
        items += [CheckItem(WARNING, line) for line in fairness_warnings(doc)]
        return {"items": items, "summary": summary, "locked": is_locked}

    return Action("Checking every message…", work, apply)


def export(doc, folder: str, fmt: str, one_each: bool = False,
           ask: Callable[[], str | None] | None = None) -> Action:
    """Merge and write into ``folder`` (all or nothing); applying stores what was written
    (one undo step) and audits it. Raises when the key cannot be unlocked."""
    if fmt not in FORMATS:
        raise LocalReachError(f"Unknown format '{fmt}'.")
    run, _config = _merge(doc, privacy(doc, ask), fmt)
    rows_in = len(doc.frame("crm"))

    def work(ctx):
        reveals: list[dict] = []
        with carrying(reveals):
            result = run(ctx, reveals)
            return result, write(result, folder, fmt, one_each, ctx), reveals

    def apply(out) -> dict:
        result, names, reveals = out
        audit_reveals(doc, reveals)
        summary = result.summary()
        doc.set_state(STEP, {"format": fmt, "folder": folder, "summary": summary,
                             "assignment": result.assignment}, f"Export .{fmt}")
        doc.audit(STEP, {"format": fmt, "files": len(names)}, rows_in, summary["written"])
        return {**summary, "files": len(names), "names": names}

    return Action("Writing the messages…", work, apply)


def load_results(doc, path: str | Path) -> Action:
    """Compare the versions on the best measure the results file has, overall and in each
    customer group the assignment was stratified by."""
    assignment = (doc.state(STEP) or {}).get("assignment")
    by = next((c for c in assignment.columns if c not in ("email", "variant")), None) \
        if assignment is not None else None

    def work(ctx):
        results, _ = read_table(path, ctx=ctx)
        joined = abtest.join_results(assignment, results, "email")
        metric = next((m for m in ("converted", "clicked", "opened") if m in joined), "")
        per_group = abtest.analyse(joined, metric, by=by) if by else None
        return abtest.analyse(joined, metric), metric, per_group

    return Action("Comparing the versions…", work)
