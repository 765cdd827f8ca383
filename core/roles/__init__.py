"""Column roles: the vocabulary every step uses, and detecting each column's role.

``detect_roles(df)`` weighs two kinds of evidence per column -- the header name (many
spellings and languages, see :mod:`core.roles.headers`) and the values (see
:mod:`core.roles.values`) -- then looks at the table as a whole: a date column is a
birthday or an order date by its years, a unique id is an order id in a sales table and
a customer id in a contact list, "Name" next to a first name is the last name. Each
role goes to its best column only; everything else is ``Role.OTHER``. The user can
override any guess, so every guess says why in plain words (never quoting a value).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd

from core.roles.consent import OPT_OUT, consent_meaning, header_polarity
from core.roles.headers import header_scores, is_generic, normalise
from core.roles.values import ColumnFacts, column_facts
from core.roles.vocabulary import ROLE_LABELS, Role, is_flag_column, person_key

__all__ = ["ROLE_LABELS", "Role", "RoleGuess", "detect_roles", "person_key"]

# Roles that may sit on several columns (a mobile and a landline; e-mail and post opt-outs).
MULTI_ROLES = {Role.PHONE, Role.CONSENT, Role.OPT_OUT, Role.OTHER}
MIN_SCORE = 0.3
# Roles that say which rows belong together: an empty column cannot. An empty "Id" taken as
# the customer id linked no sales line to anyone, though the e-mail linked them all.
KEY_ROLES = {Role.CUSTOMER_ID, Role.ORDER_ID}
# Roles whose values can be checked: a header claiming them is doubted when values disagree.
_CHECKS = {
    Role.EMAIL: "email",
    Role.PHONE: "phone",
    Role.POSTCODE: "postcode",
    Role.DATE_OF_BIRTH: "date",
    Role.ORDER_DATE: "date",
    Role.AMOUNT: "number",
    Role.UNIT_PRICE: "number",
    Role.QUANTITY: "number",
    Role.DISCOUNT: "number",
    Role.CUSTOMER_ID: "code",
    Role.ORDER_ID: "code",
}


@dataclass
class RoleGuess:
    """One column's most likely role, how sure we are (0-1) and why, in plain words."""

    role: Role
    confidence: float
    reason: str

    def to_dict(self) -> dict:
        return {"role": self.role.value, "confidence": self.confidence, "reason": self.reason}


def detect_roles(df: pd.DataFrame) -> dict[str, RoleGuess]:
    """Guess the role of every column of ``df`` (values as text, as ``core.io`` reads them).

    Keys are the column labels in order; an integer label (a headerless frame) counts as
    a generic header, so its guess comes from the values alone.
    """
    columns = [str(c) for c in df.columns]
    facts = [column_facts(df.iloc[:, i]) for i in range(df.shape[1])]
    _date_and_id_roles(facts)
    candidates: list[tuple[float, int, Role, str]] = []
    for i, (name, f) in enumerate(zip(columns, facts, strict=True)):
        if is_flag_column(name, columns):
            candidates.append((0.99, -i, Role.OTHER, "A flag the cleaning step added"))
            continue
        for role, (score, why) in _combine(name, f).items():
            if f.filled or role not in KEY_ROLES:
                candidates.append((score, -i, role, why))
    candidates = _table_rules(columns, candidates)
    guesses: dict[int, RoleGuess] = {}
    taken: set[Role] = set()
    for score, neg_i, role, why in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2].value)):
        i = -neg_i
        if i in guesses or score < MIN_SCORE or (role in taken and role not in MULTI_ROLES):
            continue
        guesses[i] = RoleGuess(role, round(min(score, 0.99), 2), why)
        taken.add(role)
    for i, f in enumerate(facts):
        if i not in guesses:
            why = (
                "The column is empty"
                if f.filled == 0
                else "No clear role from the header or values"
            )
            guesses[i] = RoleGuess(Role.OTHER, 0.2, why)
    for i, guess in guesses.items():
        if guess.role in (Role.CONSENT, Role.OPT_OUT, Role.OTHER) or header_polarity(columns[i]) == OPT_OUT:
            guesses[i] = _consent_role(columns[i], df.iloc[:, i], guess)
    return _vendor_roles(df, {df.columns[i]: guesses[i] for i in range(len(columns))})


def _consent_role(header: str, values: pd.Series, guess: RoleGuess) -> RoleGuess:
    """Consent or opt-out as :func:`core.roles.consent.consent_meaning` reads the column:
    the one place that decides which way a consent column goes."""
    meaning = consent_meaning(header, values)
    opt_out_header = meaning is not None and meaning.source == "header" and meaning.polarity == OPT_OUT
    if meaning is None or (guess.role not in (Role.CONSENT, Role.OPT_OUT) and meaning.source != "values"
                           and not opt_out_header):
        return guess  # another column becomes consent only by its status words or opt-out header
    role = Role.OPT_OUT if meaning.polarity == OPT_OUT else Role.CONSENT
    confidence = max(guess.confidence, 0.8) if meaning.sure else min(guess.confidence, 0.5)
    return RoleGuess(role, confidence, meaning.reason[0].upper() + meaning.reason[1:])


def _vendor_roles(df: pd.DataFrame, guesses: dict) -> dict:
    """A recognised tool export (Shopify, Mailchimp...) gives the roles its profile says for
    the headers it knows; columns it does not know keep their guess."""
    from core.vendors import VENDOR_CONFIDENCE, recognise  # core.vendors imports Role

    match = recognise(df.columns)
    if match is None:
        return guesses
    known = {" ".join(h.lower().split()) for h in match.profile.headers}
    why = f"A column of {match.profile.label}"
    return {
        c: RoleGuess(match.roles[c], VENDOR_CONFIDENCE, why)
        if " ".join(str(c).lower().split()) in known
        else g
        for c, g in guesses.items()
    }


def _date_and_id_roles(facts: list[ColumnFacts]) -> None:
    """Dates become birthdays or order dates by their years; ids order or customer ids."""
    years = [f.years for f in facts if f.years and f.share("date") >= 0.5]
    ref = max((y[2] for y in years), default=datetime.date.today().year)
    sales_like = any(f.scores.get(Role.AMOUNT) for f in facts) and any(
        y[0] >= ref - 12 for y in years
    )
    money = [f for f in facts if Role.AMOUNT in f.scores]
    if len(money) > 1:  # line totals vary more than unit prices
        top = max(money, key=lambda f: f.distinct)
        top.scores[Role.AMOUNT] = (top.scores[Role.AMOUNT][0] + 0.05, top.scores[Role.AMOUNT][1])
    for f in facts:
        date_score = 0.0 if f.share("date") < 0.5 else 0.35 + 0.55 * f.share("date")
        if date_score and f.years:
            p10, median, p90 = f.years
            if median <= ref - 16 and p90 - p10 >= 8:
                f.scores[Role.DATE_OF_BIRTH] = (date_score, "dates whose years fit birthdays")
                f.scores[Role.ORDER_DATE] = (date_score * 0.4, "dates")
            else:
                # in a contact list without money, recent dates are sign-up dates, not orders
                recent = p10 >= ref - 12
                weight = (0.85 if recent else 0.5) if sales_like else 0.3
                f.scores[Role.ORDER_DATE] = (
                    date_score * weight,
                    "dates in recent years" if recent else "dates",
                )
        if f.share("id") >= 0.9 and f.distinct >= 10 and f.share("date") < 0.5:
            unique = f.unique >= 0.99
            for k in (Role.POSTCODE, Role.QUANTITY, Role.AMOUNT):
                if k in f.scores:
                    f.scores[k] = (f.scores[k][0] * 0.6, f.scores[k][1])
            if unique:
                main, second = (
                    (Role.ORDER_ID, Role.CUSTOMER_ID)
                    if sales_like
                    else (Role.CUSTOMER_ID, Role.ORDER_ID)
                )
                f.scores[main] = (0.7, "a different id on every row")
                f.scores[second] = (0.45, "a different id on every row")
            elif sales_like:
                f.scores[Role.CUSTOMER_ID] = (0.6, "ids that repeat, as customers buy again")


def _combine(header: str, f: ColumnFacts) -> dict[Role, tuple[float, str]]:
    """One score per role from header and value evidence together."""
    heads = header_scores(header)
    generic = is_generic(header)
    other_header = heads.get(Role.OTHER, (0.0, ""))[0] >= 0.6
    out: dict[Role, tuple[float, str]] = {}
    for role in set(heads) | set(f.scores):
        h, h_why = heads.get(role, (0.0, ""))
        v, v_why = f.scores.get(role, (0.0, ""))
        if other_header and role is not Role.OTHER:
            v *= 0.5
        if h and v:
            score, why = 1 - (1 - h) * (1 - v), f"{h_why}; {v_why}"
        elif h:
            doubted = role in _CHECKS and f.filled >= 5 and f.share(_CHECKS[role]) < 0.2
            score = h * (0.55 if doubted else 0.9)
            why = f"{h_why}, but the values do not look like it" if doubted else h_why
        else:
            score, why = (v if generic else v * 0.8), v_why
        out[role] = (score, why[0].upper() + why[1:])
    return out


def _table_rules(columns: list[str], candidates: list) -> list:
    """Rules that need the neighbours: "Name"/"Nom" beside a first name is the last name."""
    best: dict[int, tuple[float, Role]] = {}
    for score, neg_i, role, _ in candidates:
        if score > best.get(-neg_i, (0.0, Role.OTHER))[0]:
            best[-neg_i] = (score, role)
    first = [i for i, (_, r) in best.items() if r is Role.FIRST_NAME]
    out = list(candidates)
    for score, neg_i, role, _why in candidates:
        i = -neg_i
        bare_name = normalise(columns[i]) in {"name", "nom", "nombre", "naam", "nome"}
        beside_first = any(abs(i - j) == 1 for j in first)
        if role is Role.FULL_NAME and bare_name and first:
            out.append(
                (
                    score + 0.01,
                    neg_i,
                    Role.LAST_NAME,
                    "The header says name next to a first name column",
                )
            )
        elif role is Role.LAST_NAME and beside_first and is_generic(columns[i]):
            out.append(
                (max(score, 0.55), neg_i, Role.LAST_NAME, "Single words next to the first names")
            )
    return out
