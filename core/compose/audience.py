"""Who may be written to: consent, opt-outs, usable e-mail addresses, the vault.

This is the one integration point with the privacy step: people without consent or who
asked not to be contacted are left out first, then -- for the others only -- tokens are
revealed from the vault, then addresses are checked and repeated ones dropped. Every
person left out keeps a reason (never a value) for the summary and the check list.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
from email_validator import EmailNotValidError, validate_email

from core.errors import ColumnError
from core.privacy.consent import contactable, detect_consent_columns
from core.privacy.tokens import TOKEN_RE
from core.privacy.vault import reveal
from core.roles import Role

NO_EMAIL = "no valid e-mail address"
REPEATED = "same e-mail address as an earlier person"
TOKEN_LEFT = "e-mail address is still pseudonymised (no vault to reveal it)"
_EMAIL_NAMES = re.compile(r"^(e.?mail|mail|email.?address|e.?mail.?adresse|courriel)$")


def email_column(frame: pd.DataFrame, roles: dict[str, str]) -> str:
    """The e-mail column by role, else by name; a clear error when there is none."""
    by_role = [c for c, r in roles.items() if r == Role.EMAIL and c in frame.columns]
    if by_role:
        return by_role[0]
    by_name = [c for c in frame.columns if _EMAIL_NAMES.match(str(c).strip().lower())]
    if by_name:
        return by_name[0]
    raise ColumnError("the data has no e-mail column; mark one as E-mail on the Import step "
                      "or name it 'email'")


def suppression(frame: pd.DataFrame, roles: dict[str, str], suppressed=None) -> pd.Series:
    """Per row: why this person must not be contacted (consent, opt-out, suppression
    list), or ``""``. Columns with the consent / opt-out role count, and so do columns
    whose header says so."""
    kinds = detect_consent_columns(frame)
    kinds.update({c: "opt_in" for c, r in roles.items() if r == Role.CONSENT and c in frame})
    kinds.update({c: "opt_out" for c, r in roles.items() if r == Role.OPT_OUT and c in frame})
    return contactable(frame, email_column=email_column(frame, roles), consent_columns=kinds,
                       suppression=suppressed).reasons


def _valid_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


_PLAIN_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"


def valid_emails(values: pd.Series) -> pd.Series:
    """email-validator's verdict per value, fast: each domain is checked once, plain ASCII
    local parts by pattern; only unusual addresses (quoted, non-ASCII) go one by one."""
    local, at, domain = (values.str.rpartition("@")[i] for i in range(3))
    has_at = at == "@"
    plain = local.str.fullmatch(_PLAIN_LOCAL) & (local.str.len() <= 64) & has_at
    domain_ok = domain.map({d: _valid_email(f"a@{d}") for d in domain[plain].unique()})
    valid = plain & domain_ok.eq(True)  # domains not looked up (NaN) are not valid
    unusual = has_at & ~plain
    valid[unusual] = values[unusual].map(_valid_email).astype(bool)
    return valid


def select(
    frame: pd.DataFrame,
    roles: dict[str, str],
    vault=None,
    audit: Callable[[dict], None] | None = None,
    suppressed=None,
) -> tuple[pd.DataFrame, pd.Series]:
    """``(recipients, left_out_reasons)``: recipients get real values from the vault.

    ``left_out_reasons`` is indexed like ``frame`` and holds the rows left out only;
    ``suppressed`` is a :class:`core.privacy.consent.SuppressionList`.
    """
    column = email_column(frame, roles)
    reasons = suppression(frame, roles, suppressed)
    keep = frame[reasons == ""]
    if vault is not None and len(keep):
        tokenised = [c for c in keep.columns
                     if keep[c].astype(str).str.match(TOKEN_RE.pattern).any()]
        keep = keep.copy()
        for c in tokenised:
            keep[c] = _reveal(vault, keep[c], audit)
    emails = keep[column].astype(str).str.strip()
    tokens = emails.str.match(TOKEN_RE.pattern)
    valid = valid_emails(emails) & ~tokens
    repeated = valid & emails.str.lower().duplicated()
    reasons.loc[tokens[tokens].index] = TOKEN_LEFT
    reasons.loc[valid[~valid & ~tokens].index] = NO_EMAIL
    reasons.loc[repeated[repeated].index] = REPEATED
    recipients = keep[valid & ~repeated].copy()
    recipients[column] = emails[valid & ~repeated]
    return recipients, reasons[reasons != ""]


def _reveal(vault, values: pd.Series, audit) -> pd.Series:
    return reveal(vault, values, purpose="mail merge", audit=audit or (lambda _entry: None))


def summarise(reasons: pd.Series) -> dict[str, int]:
    """``{reason: people}``, largest first."""
    return {str(k): int(v) for k, v in reasons.value_counts().items()}
