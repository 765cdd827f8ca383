"""E-mail addresses: one written form, and two readings built on it.

- :func:`written` -- NFKC (full-width letters become ASCII), every whitespace removed
  (no address holds an unquoted space: "jo hn@x.de" is a typing slip), lower-case. An
  invisible character (zero-width space) raises :class:`InvisibleCharacter`: dropping
  it silently could merge two addresses that only look alike. Pseudonyms hash this
  form, so it must never change (old tokens would stop matching).
- :func:`valid` -- the written form when its syntax is an address (offline, with
  email-validator and never a DNS look-up), else None: the cleaning and the report.
- :func:`mailbox` -- the inbox mail reaches: Gmail ignores dots, known providers drop
  "+tags", googlemail is gmail: the duplicate search, where one inbox is one person.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from core.normalise.names import ZERO_WIDTH_RE

# Providers that deliver mail for "a.b+tag@" to "ab@" (dots) or "a.b@" (plus tags).
DOTS_IGNORED = frozenset({"gmail.com", "googlemail.com"})
PLUS_TAGS = DOTS_IGNORED | {
    "outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com",
    "fastmail.com", "protonmail.com", "proton.me",
}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}

# The everyday address (ASCII, dot-atoms, a letters-only top-level domain) is checked by
# this pattern, ~20x faster than email-validator; anything else goes to email-validator.
_PLAIN = re.compile(
    r"^(?=.{1,64}@)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_SPECIAL = tuple(SPECIAL_USE_DOMAIN_NAMES)


@lru_cache(maxsize=1 << 14)
def _special_use(domain: str) -> bool:
    """A reserved domain (localhost, .test, ...) that email-validator refuses; once per domain."""
    return any(domain == d or domain.endswith("." + d) for d in _SPECIAL)


class InvisibleCharacter(ValueError):
    """The address holds a zero-width character; the message never holds the value."""


def written(value: str) -> str:
    """The one written form (see the module docstring); may be '' or not an address."""
    if value.isascii():
        return "".join(value.split()).lower()
    if ZERO_WIDTH_RE.search(value):
        raise InvisibleCharacter("the e-mail address contains an invisible character (zero-width space)")
    return "".join(unicodedata.normalize("NFKC", value).split()).lower()


@lru_cache(maxsize=1 << 18)
def valid(value: str) -> str | None:
    """The written form when it is a syntactically valid address, else None."""
    try:
        text = written(value)
    except InvisibleCharacter:
        return None
    if not text:
        return None
    if _PLAIN.match(text) and not _special_use(text.rpartition("@")[2]):
        return text
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def mailbox(value: str) -> str:
    """The inbox an address reaches (provider rules above); '' when not one ``@``.

    Invisible characters are dropped here: when comparing records they are noise.
    """
    addr = written(ZERO_WIDTH_RE.sub("", value))
    if addr.count("@") != 1:
        return ""
    local, domain = addr.split("@")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local and domain else ""
