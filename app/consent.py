"""The user's answers about consent, as project state, and the counts the screens show.

One function per user action (flip a column's meaning, record a legal basis), each one
undoable step on the document; :func:`consent_plan` is what the Export and Privacy
screens show, computed by the same code the merge uses (core.privacy.consent).
"""

from __future__ import annotations

from core.compose.audience import who_may_be_contacted
from core.privacy.consent import ConsentSettings, ConsentUnclear, NoConsentInfo
from core.roles.consent import OPT_IN, OPT_OUT

STATE = "consent"


def consent_settings(document) -> ConsentSettings:
    return ConsentSettings.from_dict(document.state(STATE))


def flip_meaning(document, column: str, polarity: str) -> None:
    """Read ``column`` the other way round from ``polarity`` (its meaning now)."""
    settings = consent_settings(document)
    new = OPT_OUT if polarity == OPT_IN else OPT_IN
    settings.polarity[column] = new
    document.set_state(STATE, settings.to_dict(), f"Read “{column}” as {new}")
    _audit(document, {"action": "consent meaning", "column": column, "meaning": new})


def confirm_meaning(document, column: str, polarity: str) -> None:
    settings = consent_settings(document)
    settings.polarity[column] = polarity
    document.set_state(STATE, settings.to_dict(), f"Read “{column}” as {polarity}")
    _audit(document, {"action": "consent meaning", "column": column, "meaning": polarity})


def set_without_consent(document, on: bool) -> None:
    """Record (or withdraw) that the user has a legal basis for a list without consent."""
    settings = consent_settings(document)
    settings.without_consent = on
    text = "Record a legal basis for writing without consent" if on else "Withdraw the legal basis"
    document.set_state(STATE, settings.to_dict(), text)
    _audit(document, {"action": "legal basis without consent column", "recorded": on})


def _audit(document, params: dict) -> None:
    frame = document.frame("crm")
    rows = 0 if frame is None else len(frame)
    document.audit("export", params, rows, rows)


def consent_plan(frame, roles, settings: ConsentSettings, suppressed=None) -> dict:
    """Counts in people and each column's meaning; an unclear column or a list without
    consent information is said, never raised (the screen shows it and offers the fix)."""
    try:
        allowed = who_may_be_contacted(frame, roles, suppressed, settings)
    except ConsentUnclear as exc:
        return {"unclear": exc.column, "message": str(exc).replace("; nothing was written.", "."),
                "meanings": []}
    except NoConsentInfo:
        return {"no_consent_info": True, "meanings": []}
    return {"tally": allowed.tally(),
            "meanings": [(m.column, m.polarity, m.reason) for m in allowed.meanings]}


def describe(plan: dict, without_consent: bool = False) -> str:
    """The plan in one plain sentence, in people: what the Export and Privacy screens say."""
    if plan.get("unclear"):
        return plan["message"]
    if plan.get("no_consent_info") and not without_consent:
        return ("Nobody in this list has said they may be contacted: it has no consent or "
                "opt-out column.")
    tally = plan.get("tally")
    if not tally:
        return ""
    text = (f"{tally['may']:,} may be contacted, {tally['said_no']:,} asked not to be, "
            f"{tally['no_answer']:,} gave no answer")
    if tally["suppressed"]:
        text += f", {tally['suppressed']:,} on the suppression list"
    return text + "."
