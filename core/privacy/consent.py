"""Who may be contacted: consent and opt-out columns, and imported suppression lists.

The one question export and mail merge ask::

    contactable(df, *, email_column=None, consent_columns=None, suppression=None)
        -> Contactable(mask: pd.Series[bool], reasons: pd.Series[str])

``mask`` is True for rows that may be contacted; ``reasons`` is "" for those and a
plain-words reason for the others ("asked not to be contacted", "no recorded
consent", "on the suppression list"). ``Contactable.summary()`` counts people left
out by reason, which every export reports. A project's suppression list (kept as
e-mail tokens in its "privacy" state) is ``suppression_from_state(state, key)``; the
key lets plain addresses match the stored tokens. Consent columns are recognised by header
(consent, opt-in, newsletter, opt-out, unsubscribed, do-not-contact, ...); a consent
column that says nothing (empty, unknown text) counts as no consent.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import pandas as pd

from core.errors import ColumnError, LocalReachError
from core.io import read_table
from core.privacy.tokens import InvalidValue, is_token, normalize_email, token_for

NO_CONSENT = "no recorded consent"
OPTED_OUT = "asked not to be contacted"
SUPPRESSED = "on the suppression list"

_OPT_OUT_RE = re.compile(r"opt_?out|unsubscri|do_?not_?(contact|mail|email)|dnc|no_?(marketing|contact|mail)|"
                         r"blacklist|blocklist|suppress|abgemeldet|widerruf|robinson")
_OPT_IN_RE = re.compile(r"consent|opt_?in|newsletter|marketing|permission|einwilligung|subscribed|gdpr|dsgvo")
_YES = {"1", "y", "yes", "true", "t", "x", "ja", "j", "oui", "si", "sí", "on", "opted in", "opt-in",
        "subscribed", "granted", "consented", "agreed", "ok"}
_NO = {"0", "n", "no", "false", "f", "nein", "non", "off", "opted out", "opt-out", "unsubscribed",
       "denied", "refused", "withdrawn", "none"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def consent_kind(header: str) -> str | None:
    """"opt_out" (yes = do not contact), "opt_in" (yes = may contact) or None."""
    h = re.sub(r"[\s\-.]+", "_", str(header).strip().lower())
    if _OPT_OUT_RE.search(h):
        return "opt_out"
    if _OPT_IN_RE.search(h):
        return "opt_in"
    return None


def detect_consent_columns(df: pd.DataFrame) -> dict[str, str]:
    return {str(c): k for c in df.columns if (k := consent_kind(str(c)))}


def parse_flag(values: pd.Series) -> pd.Series:
    """True / False / <NA> from yes-no text in several languages; a date counts as yes."""
    text = values.astype(str).str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(_YES) | text.str.match(_DATE_RE.pattern)] = True
    out[text.isin(_NO)] = False
    return out


@dataclass
class SuppressionList:
    """Normalised e-mails and tokens of people who must never be contacted."""

    emails: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    key: bytes | None = field(default=None, repr=False, compare=False)  # to compare plain with tokens

    def __len__(self) -> int:
        return len(self.emails) + len(self.tokens)

    def matches(self, values: pd.Series, key: bytes | None = None) -> pd.Series:
        """True where a cell (plain e-mail or e-mail token) is on the list.

        Plain e-mails and tokens meet only through the project key (``key`` or the list's
        own): without it a plain address cannot be matched against a token-only list.
        """
        key = key or self.key
        tokens = set(self.tokens)
        if key is not None:
            tokens |= {token_for(key, "email", e) for e in self.emails}

        def hit(v: str) -> bool:
            v = v.strip()
            if not v:
                return False
            if is_token(v):
                return v in tokens
            try:
                email = normalize_email(v)
            except InvalidValue:
                return False
            return email in self.emails or (key is not None and token_for(key, "email", email) in tokens)

        return values.astype(str).map(hit).astype(bool)


def suppression_from_values(values) -> SuppressionList:
    out = SuppressionList()
    for v in values:
        v = str(v).strip()
        if not v:
            continue
        if is_token(v):
            out.tokens.add(v)
        elif "@" in v:
            try:
                out.emails.add(normalize_email(v))
            except InvalidValue:
                continue
    return out


def suppression_from_state(state: dict | None, key: bytes | None = None) -> SuppressionList:
    """The suppression list stored by the Privacy step (e-mail tokens only); give the
    project ``key`` when the table to check may still hold plain e-mail addresses."""
    return SuppressionList(tokens=set((state or {}).get("suppression") or []), key=key)


def load_suppression(path: str | os.PathLike, column: str | None = None) -> SuppressionList:
    """A suppression list from a file: its e-mail (or token) column, else its first column."""
    df, _ = read_table(path)
    if column is not None and column not in df.columns:
        raise ColumnError(f"Column '{column}' is not in the suppression list; choose one of its columns.")
    if column is None:
        column = next((c for c in df.columns if "mail" in str(c).lower() or "token" in str(c).lower()),
                      df.columns[0] if len(df.columns) else None)
    if column is None:
        raise LocalReachError("The suppression list is empty; choose a file with e-mail addresses.")
    values = [column, *df[column]] if "@" in str(column) or is_token(str(column)) else df[column]
    return suppression_from_values(values)


@dataclass
class Contactable:
    mask: pd.Series
    reasons: pd.Series

    def summary(self) -> dict[str, int]:
        """People left out, by reason (plain words -> count)."""
        counts = self.reasons[~self.mask].value_counts()
        return {str(k): int(v) for k, v in counts.items()}


def contactable(
    df: pd.DataFrame,
    *,
    email_column: str | None = None,
    consent_columns: dict[str, str] | None = None,
    suppression: SuppressionList | None = None,
    key: bytes | None = None,
) -> Contactable:
    """Who may be contacted and why not (see the module docstring).

    ``consent_columns`` maps column -> "opt_in" / "opt_out" (detected from headers when
    None). A suppression list needs ``email_column``; pass the project ``key`` when the
    column holds tokens and the list holds plain e-mails.
    """
    if consent_columns is None:
        consent_columns = detect_consent_columns(df)
    reasons = pd.Series("", index=df.index, dtype=object)
    for column, kind in consent_columns.items():
        if column not in df.columns:
            raise ColumnError(f"Consent column '{column}' is not in the table; choose one of its columns.")
        flag = parse_flag(df[column])
        if kind == "opt_out":
            reasons = reasons.mask((reasons == "") & flag.fillna(False).astype(bool), OPTED_OUT)
        else:
            reasons = reasons.mask((reasons == "") & ~flag.fillna(False).astype(bool), NO_CONSENT)
    if suppression is not None and len(suppression):
        if email_column is None or email_column not in df.columns:
            raise ColumnError("A suppression list needs the e-mail column; choose which column holds e-mails.")
        hits = suppression.matches(df[email_column], key)
        reasons = reasons.mask((reasons == "") & hits, SUPPRESSED)
    return Contactable(mask=(reasons == ""), reasons=reasons)
