"""Who may be written to, once each: consent per person, usable addresses, the vault.

This is the one integration point with the privacy step. People (records sharing a
``cluster_id`` or an e-mail address) who asked not to be contacted, gave no consent
where it is required, or are on the suppression list are left out first; each other
person gets one message, built from their golden record (every field from their most
complete record that has it). Then -- for those people only -- tokens and the
originals of masked or generalised fields come back from the vault, and addresses are
checked. Every person left out keeps a reason (never a value).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
from email_validator import EmailNotValidError, validate_email

from core.errors import ColumnError, LocalReachError
from core.privacy.consent import ConsentSettings, contactable
from core.privacy.originals import RECORD_COLUMN, restore
from core.privacy.tokens import holds_tokens
from core.privacy.vault import reveal
from core.roles import Role
from core.roles.vocabulary import is_flag_column

NO_EMAIL = "no valid e-mail address"
REPEATED = "same e-mail address as an earlier person"
NO_ADDRESS = "no complete postal address"
_EMAIL_NAMES = re.compile(r"^(e.?mail|mail|email.?address|e.?mail.?adresse|courriel)$")
_TOKEN_ANYWHERE = re.compile(r"\b[a-z_]+_v\d+_[0-9a-f]{32}\b")


def email_column(frame: pd.DataFrame, roles: dict[str, str], chosen: str | None = None) -> str:
    """The e-mail column: the user's choice, else by role, else by name -- never a flag
    column the cleaning step added (``email_invalid``); a clear error when there is none."""
    if chosen:
        if chosen not in frame.columns:
            raise ColumnError(f"Column '{chosen}' is not in the table; choose the column that "
                              "holds e-mail addresses.")
        return chosen
    usable = [c for c in frame.columns if not is_flag_column(c, frame.columns)]
    by_role = [c for c in usable if roles.get(c) == Role.EMAIL]
    if by_role:
        return by_role[0]
    by_name = [c for c in usable if _EMAIL_NAMES.match(str(c).strip().lower())]
    if by_name:
        return by_name[0]
    raise ColumnError("the data has no e-mail column; mark one as E-mail on the Import step "
                      "or name it 'email'")


def who_may_be_contacted(frame: pd.DataFrame, roles: dict[str, str], suppressed=None,
                         consent: ConsentSettings | None = None, email: str | None = None):
    """:func:`core.privacy.consent.contactable` for this table's roles and e-mail column."""
    column = email_column(frame, roles, email) if email else _maybe_email(frame, roles)
    return contactable(frame, roles=roles, email_column=column, settings=consent,
                       suppression=suppressed)


def _maybe_email(frame, roles) -> str | None:
    try:
        return email_column(frame, roles)
    except ColumnError:
        return None


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
    if values.empty:  # rpartition of no values has no columns to pick
        return pd.Series(False, index=values.index, dtype=bool)
    parts = values.str.rpartition("@")
    local, at, domain = parts[0], parts[1], parts[2]
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
    consent: ConsentSettings | None = None,
    email: str | None = None,
    letters: bool = False,
    needed: set[str] | None = None,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """``(recipients, left_out_reasons, person)``: one row per contactable person, with real
    values from the vault.

    ``left_out_reasons`` is indexed like ``frame`` and holds one row per person left out
    (their first record); ``person`` labels every row of ``frame`` with its person.
    ``letters`` chooses recipients by a complete postal address instead of an e-mail;
    ``needed`` names the columns whose masked or generalised originals come back (the
    fields the message uses; None: all); the e-mail column always comes back, and a
    masked or generalised column that is not needed is left out.
    """
    column = None if letters else email_column(frame, roles, email)
    allowed = who_may_be_contacted(frame, roles, suppressed, consent, email)
    person = allowed.person
    first = ~person.duplicated()
    reasons = allowed.reasons[first & ~allowed.mask]
    keep = _golden(frame[allowed.mask], person[allowed.mask])
    if RECORD_COLUMN in keep.columns and vault is None:
        raise LocalReachError("This table was pseudonymised: give its vault so that real names and "
                              "addresses come back for the people written to; nothing was written.")
    if vault is not None and len(keep):
        tokenised = [c for c in keep.columns if holds_tokens(keep[c])]
        keep = keep.copy(deep=False)
        for c in tokenised:
            keep[c] = _reveal(vault, keep[c], audit)
        keep = restore(keep, None if needed is None else needed | ({column} if column else set()))
    _no_tokens(keep, sorted(needed or ()) + ([column] if column else []))
    if letters:
        from core.compose.postal import complete_address

        has = complete_address(keep, roles)
        reasons = pd.concat([reasons, pd.Series(NO_ADDRESS, index=keep.index[~has], dtype=object)])
        return keep[has], reasons.sort_index(), person
    emails = keep[column].astype(str).str.strip()
    valid = valid_emails(emails)
    repeated = valid & emails.str.lower().duplicated()
    extra = pd.Series("", index=keep.index, dtype=object)
    extra[~valid] = NO_EMAIL
    extra[repeated] = REPEATED
    reasons = pd.concat([reasons, extra[extra != ""]]).sort_index()
    recipients = keep[valid & ~repeated]
    recipients[column] = emails[valid & ~repeated]
    return recipients, reasons, person


def _golden(frame: pd.DataFrame, person: pd.Series) -> pd.DataFrame:
    """One row per person, labelled by their first record: each empty field filled from
    the person's most complete record that has it (the survivorship rule 'most complete')."""
    if not person.duplicated().any():
        return frame
    from core.dedupe.golden import golden_records

    many = person.duplicated(keep=False)
    fields = [c for c in frame.columns if c != "cluster_id"]
    golden, _ = golden_records(frame.loc[many, fields], person[many])
    labels = frame.index[many][~person[many].duplicated().to_numpy()]
    golden = golden[fields].set_axis(labels)
    if "cluster_id" in frame.columns:
        golden["cluster_id"] = frame.loc[labels, "cluster_id"].to_numpy()
    golden = golden[list(frame.columns)]
    out = pd.concat([frame[~many], golden])
    return out.loc[frame.index[frame.index.isin(out.index)]]


def _no_tokens(keep: pd.DataFrame, columns: list[str]) -> None:
    """A column the message needs that still holds pseudonyms stops the merge, naming it."""
    for column in dict.fromkeys(columns):
        if column in keep.columns and holds_tokens(keep[column]):
            raise LocalReachError(f"The column '{column}' holds pseudonyms, not real values: give "
                                  "the vault so that real details come back, or take the field "
                                  "out of the template; nothing was written.")


def tokens_in(text: str) -> bool:
    """True when a pseudonym (``name_v1_...``) appears anywhere in ``text``."""
    return bool(_TOKEN_ANYWHERE.search(text))


def _reveal(vault, values: pd.Series, audit) -> pd.Series:
    return reveal(vault, values, purpose="mail merge", audit=audit or (lambda _entry: None))


def summarise(reasons: pd.Series) -> dict[str, int]:
    """``{reason: people}``, largest first."""
    return {str(k): int(v) for k, v in reasons.value_counts().items()}
