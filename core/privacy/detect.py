"""Which columns hold personal data, and of what kind, from the header and the values.

Kinds: email, phone, name, street, postcode, date_of_birth, national_id, iban, card
(Luhn-checked), ip. Each guess carries a confidence (0..1) and a short reason in plain
words; the user overrides any of them on the Privacy screen. Reasons never quote values.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import pandas as pd

from core.roles.vocabulary import ROLE_LABELS, Role, is_flag_column

PII_KINDS = ("email", "phone", "name", "street", "postcode", "date_of_birth",
             "national_id", "iban", "card", "ip")
SAMPLE = 500
LABELS = {"email": "e-mail addresses", "phone": "phone numbers", "name": "names",
          "street": "street addresses", "postcode": "postcodes", "date_of_birth": "dates of birth",
          "national_id": "national id numbers", "iban": "bank accounts (IBAN)",
          "card": "payment card numbers", "ip": "IP addresses"}

_HEADERS: dict[str, re.Pattern] = {
    "email": re.compile(r"e_?mail|courriel|mail_?addr"),  # "E-Mail" is "e_mail" here
    "phone": re.compile(r"phone|mobile|handy|telefon|(^|_)tel(_|$)|cell|fax|portable"),
    "name": re.compile(r"(first|last|given|family|sur|full|maiden|middle|nick|fore)_?name|"
                       r"^name$|vorname|nachname|^nom$|prenom|prénom|^contact$|^surname$"),
    "street": re.compile(r"street|address|addr|strasse|straße|^rue|adresse|house_?n"),
    "postcode": re.compile(r"post_?code|zip|plz|postal|code_?postal|postleitzahl"),
    "date_of_birth": re.compile(r"birth|dob|geburt|naissance|^born"),
    "national_id": re.compile(r"ssn|soc_?sec|national_?id|passport|tax_?id|steuer|insurance_?n|nino"),
    "iban": re.compile(r"iban|bank_?account"),
    "card": re.compile(r"card_?(no|num)|credit_?card|\bpan\b|kreditkarte"),
    "ip": re.compile(r"(^|_)ip(_|$)|ip_?addr"),
}
# A header naming the town or region of an address names no street, whatever else it says
# (Shopify's "Default Address Province Code", Google's "Address 1 - Region", Stripe's
# "Card Address City"): those are not personal data on their own, like a city role.
_AREA_WORDS = re.compile(r"(^|[_/])(city|town|ort|ville|stadt|state|province|region|county|country|"
                         r"land|kanton|canton|bundesland|d[ée]partement|prefecture)(?=[_/]|$)")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^\+?[\d\s\-./()]{7,20}$")
_IBAN_RE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_CARD_RE = re.compile(r"^\d{13,19}$")
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}|(19|20)\d{6})$")
_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4,5}|\d{3} ?\d{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$")
_WORD_RE = re.compile(r"[^\W\d_]+")
_STREET_WORDS = frozenset("st street rd road ave avenue lane ln way drive dr str rue place court ct close "
                          "crescent boulevard blvd via calle straat laan".split())
_STREET_ENDINGS = ("straße", "strasse", "str", "weg", "gasse", "allee", "platz", "ring", "damm")


# A column's role, once known, decides its kind: the personal roles' kinds, and no kind
# for a role that holds no personal data (Shopify's "Accepts Email Marketing" is consent,
# not an e-mail; "Default Address Zip" a postcode, not a street). An id, "other" or no
# role leaves it to the header and the values.
ROLE_KINDS: dict[str, str | None] = {
    Role.EMAIL: "email", Role.PHONE: "phone", Role.FIRST_NAME: "name", Role.LAST_NAME: "name",
    Role.FULL_NAME: "name", Role.STREET: "street", Role.POSTCODE: "postcode",
    Role.DATE_OF_BIRTH: "date_of_birth",
    **{role: None for role in (Role.CITY, Role.COUNTRY, Role.GENDER, Role.COMPANY, Role.ORDER_ID,
                               Role.ORDER_DATE, Role.AMOUNT, Role.UNIT_PRICE, Role.CURRENCY, Role.QUANTITY, Role.PRODUCT,
                               Role.CATEGORY, Role.CHANNEL, Role.DISCOUNT, Role.CONSENT, Role.OPT_OUT)},
}


@dataclass(frozen=True)
class PiiGuess:
    kind: str | None
    confidence: float
    reason: str


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(text: str) -> bool:
    moved = text[4:] + text[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _looks_like_street(text: str) -> bool:
    """A house number and a street word ("12 High Street", "Mozartstraße 16")."""
    if not any(c.isdigit() for c in text):
        return False
    words = _WORD_RE.findall(text.lower())
    return any(w in _STREET_WORDS or w.endswith(_STREET_ENDINGS) for w in words)


def _looks_like_phone(text: str) -> bool:
    """Phone-shaped: 7-15 digits, a leading + or 0 or separators, and not a date."""
    if not _PHONE_RE.match(text) or _DATE_RE.match(text):
        return False
    digits = sum(c.isdigit() for c in text)
    return 7 <= digits <= 15 and (text[0] in "+0(" or not text.isdigit())


_VALUE_TESTS = {
    "email": lambda v: bool(_EMAIL_RE.match(v)),
    "iban": lambda v: bool(_IBAN_RE.match(v.replace(" ", "").upper())) and _iban_ok(v.replace(" ", "").upper()),
    "card": lambda v: bool(_CARD_RE.match(v.replace(" ", "").replace("-", ""))) and _luhn(v.replace(" ", "").replace("-", "")),
    "ip": _is_ip,
    "phone": lambda v: _looks_like_phone(v),
    "date_of_birth": lambda v: bool(_DATE_RE.match(v)),
    "postcode": lambda v: bool(_POSTCODE_RE.match(v.upper())),
    "street": lambda v: _looks_like_street(v),
}
# Kinds a value pattern alone may claim; dates and postcodes need the header too.
_VALUE_ALONE = {"email", "iban", "card", "ip", "phone", "street"}


def _normal_header(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", str(name).strip().lower())


def detect_column(name: str, values: pd.Series) -> PiiGuess:
    """The most likely PII kind of one column, or ``kind=None`` when it looks harmless."""
    header = _normal_header(name)
    by_header = next((k for k, rx in _HEADERS.items() if rx.search(header)), None)
    if by_header == "street" and _AREA_WORDS.search(header):
        by_header = None
    text = values.astype(str).where(values.notna(), "").str.strip()  # pandas 3 keeps NaN in astype(str)
    sample = text[text != ""].head(SAMPLE)
    rates = {}
    if len(sample):
        for kind, test in _VALUE_TESTS.items():
            rates[kind] = sum(map(test, sample)) / len(sample)
    if by_header and by_header in _VALUE_TESTS and rates.get(by_header, 0) >= 0.5:
        return PiiGuess(by_header, round(min(1.0, 0.6 + 0.4 * rates[by_header]), 2),
                        f"the header and {rates[by_header]:.0%} of the values look like {LABELS[by_header]}")
    if by_header and by_header not in _VALUE_TESTS:
        return PiiGuess(by_header, 0.7, f"the header suggests {LABELS[by_header]}")
    best = max(rates, key=rates.get) if rates else None
    if best and best in _VALUE_ALONE and rates[best] >= 0.8:
        return PiiGuess(best, round(0.5 + 0.4 * rates[best], 2), f"{rates[best]:.0%} of the values look like {LABELS[best]}")
    if by_header:
        return PiiGuess(by_header, 0.6, f"the header suggests {LABELS[by_header]}")
    return PiiGuess(None, 0.0, "no sign of personal data")


def by_role(role: str | None, detected: PiiGuess) -> PiiGuess:
    """The guess once the column's role is known (see :data:`ROLE_KINDS`): the detected
    one when they agree or the role says nothing, else the role's."""
    if role not in ROLE_KINDS or ROLE_KINDS[role] == detected.kind:
        return detected
    kind, label = ROLE_KINDS[role], ROLE_LABELS[Role(role)]
    if kind is None:
        return PiiGuess(None, 0.0, f"it holds {label}, not personal data")
    return PiiGuess(kind, 0.95, f"it holds {label}")


def detect_pii(df: pd.DataFrame, roles: dict[str, str] | None = None) -> dict[str, PiiGuess]:
    """One guess per column, in column order: from the column's role where it has one,
    else from the header and the first rows (fast on big tables)."""
    head = df.head(SAMPLE * 10)
    flag = PiiGuess(None, 0.0, "a flag the cleaning step added, not personal data")
    roles = roles or {}
    guesses = {}
    for col in df.columns:
        name = str(col)
        if is_flag_column(col, df.columns):
            guesses[name] = flag
        else:
            guesses[name] = by_role(roles.get(col, roles.get(name)), detect_column(name, head[col]))
    return guesses
