"""Who may be contacted: consent and opt-out answers, per person, and suppression lists.

The one question export and mail merge ask::

    contactable(df, roles=..., email_column=..., settings=ConsentSettings(), suppression=None)
        -> Contactable(mask, reasons, person)

Who is a person: records sharing a ``cluster_id`` (from the duplicate step) or a
normalised e-mail address are one person. A person may be contacted only when none of
their records opts out or is on the suppression list, and -- where the list records
consent at all -- one of them gave it; when answers carry dates, the newest answer
wins (someone who unsubscribed and later subscribed again may be written to). What a
column means is decided by :mod:`core.roles.consent` alone. A column whose meaning is
unsure stops the export (:class:`ConsentUnclear`) until the user confirms it, and a
list with no consent information at all is not consent (:class:`NoConsentInfo`) unless
the user records the legal basis (``ConsentSettings.without_consent``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.errors import ColumnError, LocalReachError
from core.io import read_table
from core.privacy.originals import RECORD_COLUMN
from core.privacy.tokens import InvalidValue, is_token, normalize_email, token_for
from core.roles.consent import (
    OPT_IN,
    OPT_OUT,
    ConsentMeaning,
    consent_meaning,
    header_polarity,
    is_opt_out,
    read_answers,
)
from core.roles.vocabulary import is_flag_column

NO_CONSENT = "no recorded consent"
DECLINED = "said no to being contacted"
OPTED_OUT = "asked not to be contacted"
SUPPRESSED = "on the suppression list"
LEFT = "people who left the list"  # an unsubscribed or cleaned export: "in <its label>: " + LEFT
CONSENT_ROLES = ("consent", "opt_out")
PERSON_COLUMN = "cluster_id"  # what the duplicate step writes: same value = same person


class ConsentUnclear(LocalReachError):
    """A column may be a consent or an opt-out column: the user must say which."""

    def __init__(self, meaning: ConsentMeaning) -> None:
        self.column = meaning.column
        super().__init__(f"Column '{meaning.column}' may record consent or opt-outs: {meaning.reason}. "
                         f"Confirm whether yes means 'may contact' (opt-in) or 'do not contact' "
                         f"(opt-out); nothing was written.")


class NoConsentInfo(LocalReachError):
    """The list says nothing about consent: writing to everyone needs a recorded legal basis."""

    def __init__(self) -> None:
        super().__init__("The list has no consent or opt-out column, so nobody in it has said they "
                         "may be contacted. Add a consent column, or record that you have another "
                         "legal basis for writing to these people; nothing was written.")


@dataclass
class ConsentSettings:
    """What the user confirmed: column -> opt-in / opt-out, and whether a list without any
    consent information may be written to (the user's recorded legal basis)."""

    polarity: dict[str, str] = field(default_factory=dict)
    without_consent: bool = False
    channel: str = "email"

    def to_dict(self) -> dict:
        return {"polarity": dict(self.polarity), "without_consent": self.without_consent,
                "channel": self.channel}

    @classmethod
    def from_dict(cls, d: dict | None) -> ConsentSettings:
        d = d or {}
        unknown = set(d) - {"polarity", "without_consent", "channel"}
        if unknown:
            raise LocalReachError(f"Unknown consent setting '{sorted(unknown)[0]}'; use polarity, "
                                  "without_consent or channel.")
        polarity = {str(k): str(v) for k, v in (d.get("polarity") or {}).items()}
        for column, value in polarity.items():
            if value not in (OPT_IN, OPT_OUT):
                raise LocalReachError(f"Consent column '{column}' must be {OPT_IN} or {OPT_OUT}, "
                                      f"not '{value}'.")
        return cls(polarity, bool(d.get("without_consent", False)), str(d.get("channel", "email")))


def consent_columns(df: pd.DataFrame, roles: dict[str, str] | None = None,
                    settings: ConsentSettings | None = None) -> list[ConsentMeaning]:
    """The consent / opt-out columns of ``df`` for the settings' channel, with their meaning.

    A column counts when the user confirmed it, its header says consent or opt-out, its
    values are subscription statuses, its role is consent / opt-out, or the tool that
    exported it documents it as one (Mailchimp's UNSUB_TIME: when they left; read with
    the tool's polarity). A column with such a role whose meaning is not plain counts
    too, as unsure: the user is asked (it was dropped when another column was plain, and
    an unsubscribed export's opt-outs were not read). A yes/no column that only its
    values make look like consent counts only when no other column is there, as unsure.
    """
    settings = settings or ConsentSettings()
    roles = roles or {}
    for column in settings.polarity:
        if column not in df.columns:
            raise ColumnError(f"Consent column '{column}' is not in the table; choose one of its columns.")
    from core.vendors import consent_facts

    facts = consent_facts(df.columns)
    found: list[ConsentMeaning] = []
    guessed: list[ConsentMeaning] = []
    for column in df.columns:
        name = str(column)
        role = roles.get(column)
        if name not in settings.polarity and (
                column in facts.not_consent or role not in (None, "other", *CONSENT_ROLES)
                or name == RECORD_COLUMN or is_flag_column(column, df.columns)):
            continue  # its role ('Mailing City' is a city), its tool or our own making says it is no consent
        meaning = _meaning(name, df[column], settings.polarity.get(name), facts)
        if meaning is None and role in CONSENT_ROLES:
            polarity = OPT_OUT if role == "opt_out" else OPT_IN
            meaning = ConsentMeaning(name, polarity, False, "it was marked as a consent column, "
                                     "but neither its header nor its values say which way it goes")
        plain = meaning is not None and (meaning.sure or header_polarity(name) is not None)
        if (plain or role in CONSENT_ROLES) and meaning.applies_to(settings.channel):
            (guessed if meaning.source == "guess" else found).append(meaning)
    return found or guessed


def _meaning(name: str, values: pd.Series, told: str | None, facts) -> ConsentMeaning | None:
    """The column's meaning: the user's word, else its tool's documentation, else its own."""
    documented = facts.polarity.get(name)
    if told is not None or documented is None:
        return consent_meaning(name, values, told)
    meaning = consent_meaning(name, values, documented)
    what = "an opt-out (a value = do not contact)" if documented == OPT_OUT else "consent"
    return replace(meaning, reason=f"{facts.label} documents it as {what}", source="tool")


def parse_flag(values: pd.Series) -> pd.Series:
    """True / False / <NA> from yes-no text, read as an opt-in column (a date counts as yes)."""
    return read_answers(values, ConsentMeaning("", OPT_IN, True, ""))


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
    """Per row: may this person be contacted (``mask``), why not (``reasons``), and which
    person the row belongs to (``person``: rows with the same value are one person)."""

    mask: pd.Series
    reasons: pd.Series
    person: pd.Series
    meanings: list[ConsentMeaning] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """People (not rows) left out, by reason (plain words -> count)."""
        left = pd.DataFrame({"p": self.person, "r": self.reasons})[~self.mask]
        counts = left.drop_duplicates("p")["r"].value_counts()
        return {str(k): int(v) for k, v in counts.items()}

    def tally(self) -> dict[str, int]:
        """People who may be contacted, asked not to be, gave no answer, are suppressed."""
        people = pd.DataFrame({"p": self.person, "r": self.reasons}).drop_duplicates("p")["r"]
        return {"may": int((people == "").sum()),
                "said_no": int((people.isin([OPTED_OUT, DECLINED]) | people.str.endswith(LEFT)).sum()),
                "no_answer": int((people == NO_CONSENT).sum()),
                "suppressed": int((people == SUPPRESSED).sum())}


def people(df: pd.DataFrame, email_column: str | None = None, key: bytes | None = None,
           person_column: str | None = PERSON_COLUMN) -> pd.Series:
    """One label per row; rows sharing a ``cluster_id`` or a normalised e-mail address (plain
    or token; plain addresses meet tokens through ``key``) get the same label."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(df)
    keys = []
    if person_column and person_column in df.columns:
        keys.append(df[person_column].astype("string").fillna("").str.strip())
    if email_column and email_column in df.columns:
        keys.append(_email_keys(df[email_column], key))
    rows, firsts = [np.arange(n)], [np.arange(n)]
    for k in keys:
        codes, _ = pd.factorize(k.where(k != "").to_numpy())
        filled = np.flatnonzero(codes >= 0)
        _, first = np.unique(codes[filled], return_index=True)
        rows.append(filled)
        firsts.append(filled[first][codes[filled]])
    r, c = np.concatenate(rows), np.concatenate(firsts)
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return pd.Series(labels, index=df.index)


def _email_keys(values: pd.Series, key: bytes | None) -> pd.Series:
    def norm(v: str) -> str:
        v = v.strip()
        if not v or is_token(v):
            return v
        try:
            email = normalize_email(v)
        except InvalidValue:
            return ""
        return token_for(key, "email", email) if key is not None else email

    text = values.astype("string").fillna("")
    return text.map({v: norm(v) for v in text.unique()}).astype(str)


def contactable(
    df: pd.DataFrame,
    *,
    roles: dict[str, str] | None = None,
    email_column: str | None = None,
    settings: ConsentSettings | None = None,
    suppression: SuppressionList | None = None,
    key: bytes | None = None,
    date_column: str | None = None,
) -> Contactable:
    """Who may be contacted and why not, per person (see the module docstring).

    Raises :class:`ConsentUnclear` for a column of unsure meaning and
    :class:`NoConsentInfo` for a list with no consent information the user has not
    accepted. ``date_column`` dates each record's answers when the answers are not
    dates themselves (the record's last change, found by header when None).
    """
    from core.dedupe.golden import record_date_column
    from core.vendors import consent_facts

    settings = settings or ConsentSettings()
    left = consent_facts(df.columns).suppression
    if left:  # a tool's export of the people who left: nobody in it, whatever its columns say
        person = people(df, email_column, key)
        reasons = pd.Series(f"in {left}: {LEFT}", index=df.index, dtype=object)
        return Contactable(mask=pd.Series(False, index=df.index), reasons=reasons, person=person, meanings=[])
    meanings = consent_columns(df, roles, settings)
    unsure = [m for m in meanings if not m.sure]
    if unsure:
        raise ConsentUnclear(unsure[0])
    listed = suppression is not None and len(suppression)
    if listed and (email_column is None or email_column not in df.columns):
        raise ColumnError("A suppression list needs the e-mail column; choose which column holds e-mails.")
    if not meanings and not settings.without_consent:
        raise NoConsentInfo()
    person = people(df, email_column, key or (suppression.key if suppression is not None else None))
    if date_column is None:
        date_column = record_date_column(df, roles)
    record_dates = (_dates(df[date_column]) if date_column in df.columns
                    else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]"))
    answer = _newest_answers(df, meanings, person, record_dates)
    required = any(m.polarity == OPT_IN for m in meanings)
    reasons = pd.Series("", index=df.index, dtype=object)
    reasons[answer.eq(_OUT).fillna(False).to_numpy()] = OPTED_OUT
    reasons[answer.eq(_DECLINED).fillna(False).to_numpy()] = DECLINED
    if required:
        reasons[(answer.isna() & (reasons == "")).to_numpy()] = NO_CONSENT
    if listed:
        hits = suppression.matches(df[email_column], key)
        hit_people = set(person[hits.to_numpy()])
        reasons[person.isin(hit_people).to_numpy()] = SUPPRESSED
    return Contactable(mask=(reasons == ""), reasons=reasons, person=person, meanings=meanings)


def _dates(values: pd.Series) -> pd.Series:
    text = values.astype("string").fillna("").str.strip()
    # utc: one file may mix offsets (Shopify's '+0100' in winter, '+0200' in summer)
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    other = pd.to_datetime(text.where(iso.isna()), errors="coerce", format="mixed", dayfirst=True,
                           utc=True)
    return iso.fillna(other)


_OUT, _DECLINED, _YES = -1, 0, 1  # answer codes; on the same date the lowest wins


def _newest_answers(df, meanings, person, record_dates) -> pd.Series:
    """Per row, the person's answer code: an undated no always wins (the lowest of them);
    otherwise the newest dated answer; otherwise yes if any. <NA> when nobody of theirs
    answered. An opt-out, an unsubscribe or a cleaned address is ``_OUT``; a plain no in
    a consent column is ``_DECLINED``."""
    parts = []
    for m in meanings:
        answers = read_answers(df[m.column], m)
        out = is_opt_out(df[m.column], m)
        code = pd.Series(np.where(answers.fillna(False).astype(bool), _YES,
                                  np.where(out, _OUT, _DECLINED)), index=df.index)
        own = _dates(df[m.column])
        when = own.where(own.notna(), record_dates)
        parts.append(pd.DataFrame({"p": person.to_numpy(), "a": code.where(answers.notna()).to_numpy(),
                                   "t": when.to_numpy()}))
    if not parts:
        return pd.Series(pd.NA, index=df.index, dtype="Int64")
    long = pd.concat(parts, ignore_index=True).dropna(subset=["a"])
    undated_no = long[(long["a"] < _YES) & long["t"].isna()].groupby("p")["a"].min()
    dated = long[long["t"].notna()].sort_values(["t", "a"], ascending=[True, False], kind="stable")
    per_person = long.groupby("p")["a"].max()
    per_person.loc[dated.groupby("p")["a"].last().index] = dated.groupby("p")["a"].last()
    per_person.loc[undated_no.index] = undated_no
    return person.map(per_person).astype("Int64")
