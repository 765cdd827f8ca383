"""What a consent column means: the one place that decides opt-in against opt-out.

Role detection, the privacy step, the mail merge, the Export screen and recipes all ask
:func:`consent_meaning` and :func:`read_answers`; nothing else reads a consent column.
The header decides the polarity and opt-out words win ("Unsubscribed from all email",
"Email Opt Out", "Do Not Email", "abgemeldet", "désabonné" say yes = do not contact);
status words in the values ("subscribed", "unsubscribed", "cleaned", as Mailchimp,
Square and Klaviyo write them) speak for themselves whatever the header. A header that
names another channel (SMS, phone, post) does not decide e-mail, and the reverse.
Where neither header nor values make the meaning plain, the meaning is *unsure*: the
caller must ask the user instead of guessing, since a wrong guess mails exactly the
people who said no.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.roles.headers import normalise

OPT_IN, OPT_OUT = "opt-in", "opt-out"
CHANNELS = ("email", "sms", "phone", "post")

# Normalised header words (see core.roles.headers.normalise); opt-out is checked first.
_OPT_OUT = re.compile(
    r"\b(?:opt ?out|opted ?out|unsubscri\w*|unsub ?(?:time|date|timestamp)|do ?not ?(?:contact|e ?mail|mail|call|send|market)|"
    r"dnc|no ?(?:contact|marketing|mail|e ?mail|newsletter)|never ?(?:contact|e ?mail)|"
    r"blacklist\w*|blocklist\w*|blocked|suppress\w*|abgemeldet|abmeldung|widerspruch|widerruf\w*|"
    r"werbesperre|werbewiderspruch|sperrvermerk|robinson|keine ?werbung|nicht ?kontaktieren|"
    r"desabonne\w*|desinscri\w*|desinscription|opposition|refus\w*|baja|darse ?de ?baja|"
    r"no ?suscrito|no ?molestar|dado ?de ?baja|bounced?|cleaned|hard ?bounce)\b"
)
_OPT_IN = re.compile(
    r"\b(?:consent\w*|opt ?in|opted ?in|newsletter\w*|subscri\w*|accepts? ?(?:e ?mail ?)?marketing|"
    r"marketing|permission\w*|gdpr|dsgvo|rgpd|einwilligung\w*|werbeeinwilligung|zustimmung|"
    r"abonniert|abonne\w*|abonnement|inscrit|consentement|accepte\w*|suscri\w*|acepta\w*|"
    r"consentimiento|boletin|double ?opt ?in|email ?ok|mailing|may ?contact|contact ?ok|"
    r"kontakt ?erlaubt|werbung ?erlaubt|agreed|opt ?in ?date)\b"
)
_CHANNEL_WORDS = {
    "sms": re.compile(r"\b(?:sms|text|texts|whatsapp|mobile ?marketing)\b"),
    "phone": re.compile(r"\b(?:call|calls|phone|telephone|telefon\w*|anruf\w*|telemarketing)\b"),
    "post": re.compile(r"\b(?:post|postal|mail ?post|letter|letters|brief\w*|courrier|direct ?mail)\b"),
    "email": re.compile(r"\b(?:e ?mail\w*|email\w*|newsletter\w*|courriel|correo)\b"),
}

_YES = {"1", "y", "yes", "true", "t", "x", "ja", "j", "oui", "si", "sí", "s", "on", "wahr", "vrai",
        "verdadero", "ok", "granted", "agreed", "accepted", "checked", "✓", "✔", "yes please"}
_NO = {"0", "n", "no", "false", "f", "nein", "non", "off", "falsch", "faux", "falso", "unchecked",
       "-"}
# Status words: their own polarity, whatever the header (Mailchimp, Square, HubSpot, Klaviyo).
_STATUS_YES = {"subscribed", "opted in", "opt-in", "opt in", "opted-in", "consented", "double opt-in",
               "confirmed", "abonniert", "angemeldet", "abonné", "abonne", "inscrit", "suscrito",
               "marketing contact", "single opt-in", "granted", "active"}
_STATUS_NO = {"unsubscribed", "opted out", "opt-out", "opt out", "opted-out", "cleaned", "bounced",
              "denied", "refused", "withdrawn", "revoked", "abgemeldet", "désabonné", "desabonne",
              "désinscrit", "dado de baja", "baja", "non-marketing contact", "suppressed",
              "not subscribed", "never subscribed", "spam", "nonsubscribed", "non subscribed", "complained", "blocked"}
# Answers that are no answer: an invitation not yet confirmed is not consent.
_STATUS_NONE = {"pending", "unknown", "not set", "none", "n/a", "na", "transactional", "archived",
                "unconfirmed"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_UNREAD_SHARE = 0.2  # more unreadable values than this and the column's meaning is unsure


@dataclass(frozen=True)
class ConsentMeaning:
    """How to read one column: ``polarity`` is opt-in (yes = may contact) or opt-out (yes =
    do not contact); ``sure`` is False when the user must confirm it; ``reason`` says why
    in plain words (never quoting a value); ``channel`` is the channel the header names
    (None: every channel)."""

    column: str
    polarity: str
    sure: bool
    reason: str
    channel: str | None = None
    source: str = "header"  # what decided: header, values (status words), user, or guess

    def flipped(self) -> ConsentMeaning:
        other = OPT_OUT if self.polarity == OPT_IN else OPT_IN
        return ConsentMeaning(self.column, other, True, "confirmed by you", self.channel, "user")

    def applies_to(self, channel: str) -> bool:
        """Whether this column speaks for ``channel``; an e-mail answer also speaks for
        letters (the cautious reading: a no to e-mail is not taken as a yes to post)."""
        return self.channel in (None, channel) or (channel == "post" and self.channel == "email")


def header_polarity(header: object) -> str | None:
    """opt-out / opt-in from the header's words alone (opt-out words win), else None."""
    text = normalise(header)
    if _OPT_OUT.search(text):
        return OPT_OUT
    if _OPT_IN.search(text):
        return OPT_IN
    return None


def header_channel(header: object) -> str | None:
    """The one channel a header names ("Accepts SMS Marketing" -> sms), else None."""
    text = normalise(header)
    named = [c for c, rx in _CHANNEL_WORDS.items() if rx.search(text)]
    return named[0] if len(named) == 1 else None


def _text(values: pd.Series) -> pd.Series:
    """Lower case, single spaces; NEVER_SUBSCRIBED and never-subscribed read alike."""
    text = values.astype("string").fillna("").str.strip().str.lower()
    return text.str.replace(r"[_\s]+", " ", regex=True)


def _distinct_words(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The distinct non-empty words and each one's share of the non-empty rows: the text
    is normalised once per distinct value, not once per row (a 1M-row column has few)."""
    codes, text = _distinct_texts(values)
    counts = np.bincount(codes[codes >= 0], minlength=len(text))
    by_word = pd.Series(counts, index=text.to_numpy()).groupby(level=0, sort=False).sum()
    by_word = by_word[by_word.index != ""]
    total = by_word.sum()
    return pd.Series(by_word.index, dtype="string"), by_word.to_numpy() / total if total else by_word.to_numpy()


def consent_meaning(header: object, values: pd.Series, polarity: str | None = None) -> ConsentMeaning | None:
    """How to read column ``header`` with ``values``; None when it is no consent column.

    ``polarity`` is the user's own word (``--consent COLUMN=opt-out``, the Export screen's
    flip, a confirmed role) and always wins. Without it: status words in the values decide
    (each value carries its own meaning), else the header's words; yes/no values under a
    header that says neither are unsure.
    """
    column = str(header)
    channel = header_channel(header)
    if polarity is not None:
        if polarity not in (OPT_IN, OPT_OUT):
            raise ValueError(f"polarity must be {OPT_IN} or {OPT_OUT}")
        return ConsentMeaning(column, polarity, True, "confirmed by you", channel, "user")
    by_header = header_polarity(header)
    if by_header is None and _many_numbers(values):
        return None  # neither statuses nor at most four yes/no values: no consent column
    words, weight = _distinct_words(values)
    distinct = set(words)
    status = distinct & (_STATUS_YES | _STATUS_NO)
    flags = distinct & (_YES | _NO)
    dates = float((words.str.match(_DATE).to_numpy(dtype=bool) * weight).sum())
    unread = _unreadable_share(words, weight)
    if status and len(status) >= len(flags):
        return ConsentMeaning(column, OPT_IN, unread <= _UNREAD_SHARE,
                              "the values say subscribed or unsubscribed", channel, "values")
    if by_header is None:
        if distinct and distinct <= (_YES | _NO) and len(distinct) <= 4:
            return ConsentMeaning(column, OPT_IN, False,
                                  "yes/no values, but the header does not say whether yes means "
                                  "'may contact' or 'do not contact'", channel, "guess")
        return None
    reason = ("the header means an opt-out (yes = do not contact)" if by_header == OPT_OUT
              else "the header means consent (yes = may contact)")
    if len(words) and dates >= 0.5:
        reason = f"{reason}; a date says when"
    sure = unread <= _UNREAD_SHARE
    if not sure:
        reason = f"{reason}, but many values are neither yes nor no"
    return ConsentMeaning(column, by_header, sure, reason, channel)


def _many_numbers(values: pd.Series) -> bool:
    """A number column with over four distinct values (amounts, scores, days)."""
    return (pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
            and values.nunique() > 4)


def _answer(words: pd.Series) -> pd.Series:
    """Per value: True (yes / a date / a yes-status), False, or <NA> (no answer)."""
    out = pd.Series(pd.NA, index=words.index, dtype="boolean")
    out[words.isin(_YES) | words.str.match(_DATE)] = True
    out[words.isin(_NO)] = False
    return out


def _unreadable_share(words: pd.Series, weight: np.ndarray) -> float:
    if not len(words):
        return 0.0
    known = words.isin(_YES | _NO | _STATUS_YES | _STATUS_NO | _STATUS_NONE) | words.str.match(_DATE)
    return float((~known.to_numpy(dtype=bool) * weight).sum())


def read_answers(values: pd.Series, meaning: ConsentMeaning) -> pd.Series:
    """Per row, in "may we contact?" terms: True, False (asked not to be), <NA> (no answer).

    Status words keep their own meaning ("unsubscribed" is a no under any header); a yes,
    a date or a tick is a yes under an opt-in header and a no under an opt-out one; under
    an opt-out header an explicit "no" (not opted out) says nothing about consent, so it
    is no answer, not a yes. Each distinct text is read once.
    """
    codes, distinct = _distinct_texts(values)
    answers = _answers(distinct, meaning).array.take(codes, allow_fill=True)  # a missing cell: <NA>
    return pd.Series(answers, index=values.index, dtype="boolean")


def is_opt_out(values: pd.Series, meaning: ConsentMeaning) -> pd.Series:
    """True where the row asked not to be contacted: a yes under an opt-out header, or a
    status word such as unsubscribed or cleaned -- not a plain no to a consent question."""
    codes, distinct = _distinct_texts(values)
    said = _answers(distinct, meaning).eq(False).fillna(False).to_numpy(dtype=bool)
    out = said & ((meaning.polarity == OPT_OUT) | distinct.isin(_STATUS_NO).to_numpy(dtype=bool))
    return pd.Series(np.append(out, False)[codes], index=values.index, dtype=bool)  # code -1: the False


def _distinct_texts(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's code (-1: missing) and the distinct texts, normalised by :func:`_text`.
    Numbers and text are told apart as they are; mixed objects are made text first (1,
    1.0 and True are one key but three texts)."""
    if not (pd.api.types.is_numeric_dtype(values.dtype) or isinstance(values.dtype, pd.StringDtype)):
        values = values.astype("string")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, _text(pd.Series(uniques).astype("string"))


def _answers(text: pd.Series, meaning: ConsentMeaning) -> pd.Series:
    """:func:`read_answers` of normalised texts."""
    flag = _answer(text)
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    if meaning.polarity == OPT_IN:
        out[flag.eq(True).fillna(False)] = True
        out[flag.eq(False).fillna(False)] = False
    else:
        out[flag.eq(True).fillna(False)] = False
        out[flag.eq(False).fillna(False)] = pd.NA
    out[text.isin(_STATUS_YES)] = True
    out[text.isin(_STATUS_NO)] = False
    return out
