"""Known tools' exports: recognise a file from its header set and give each column its role.

Marketers' files come from Shopify, WooCommerce, Etsy, Square, Stripe, HubSpot,
Mailchimp, Salesforce, Google Contacts or Outlook, whose headers are fixed by the tool.
Guessing their roles from words and values gets the subtle ones wrong (Shopify's SMS
consent taken for e-mail, Square's "Instant Profile" for consent, Etsy's buyer username
missed as the customer key), so a recognised export takes its roles from the tool's own
profile (:mod:`core.vendors.profiles`) and its money rules from :mod:`core.vendors.orders`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.roles.vocabulary import Role
from core.vendors.profiles import PROFILES, Profile

__all__ = ["PROFILES", "ConsentFacts", "Profile", "VendorMatch", "consent_facts", "header_key", "recognise"]

VENDOR_CONFIDENCE = 0.95


@dataclass(frozen=True)
class VendorMatch:
    """A recognised export: its profile and the role of each of the file's columns."""

    profile: Profile
    roles: dict[str, Role]  # file column -> role, for every column of the file

    @property
    def sentence(self) -> str:
        return f"This looks like {self.profile.label}."


def header_key(header) -> str:
    """A header as compared: BOM and outer spaces gone, lower case, inner spaces single."""
    return " ".join(str(header).replace("\ufeff", "").strip().lower().split())


def recognise(columns) -> VendorMatch | None:
    """The profile whose signature headers are all present and that explains most columns.

    Columns the profile does not know (custom fields, extra tax lines) are ``OTHER``.
    """
    by_key = {header_key(c): c for c in columns}
    best: tuple[int, Profile] | None = None
    for profile in PROFILES:
        if not all(header_key(h) in by_key for h in profile.signature):
            continue
        known = sum(header_key(h) in by_key for h in profile.headers)
        if best is None or known > best[0]:
            best = (known, profile)
    if best is None:
        return None
    profile = best[1]
    role_of = {header_key(h): r for h, r in profile.roles.items()}
    roles = {c: role_of.get(header_key(c), Role.OTHER) for c in columns}
    return VendorMatch(profile, roles)


@dataclass(frozen=True)
class ConsentFacts:
    """What a recognised export's tool documents about consent: ``not_consent`` columns
    sound like consent but are not (Salesforce's 'Mailing State/Province'); ``polarity``
    the columns it documents as consent or opt-out (Mailchimp's UNSUB_TIME: when they
    left); ``suppression`` the export's label when everyone in it left the list."""

    not_consent: frozenset = frozenset()
    polarity: dict = field(default_factory=dict)  # column -> "opt-in" / "opt-out"
    suppression: str | None = None
    label: str = ""


def consent_facts(columns) -> ConsentFacts:
    """The consent facts of the export ``columns`` come from (none for other files)."""
    from core.roles.consent import OPT_IN, OPT_OUT

    match = recognise(columns)
    if match is None:
        return ConsentFacts()
    keys = {header_key(h) for h in match.profile.not_consent}
    polarity = {c: OPT_OUT if r is Role.OPT_OUT else OPT_IN
                for c, r in match.roles.items() if r in (Role.CONSENT, Role.OPT_OUT)}
    return ConsentFacts(frozenset(c for c in columns if header_key(c) in keys), polarity,
                        match.profile.label if match.profile.suppression else None, match.profile.label)
