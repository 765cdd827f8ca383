"""Each tool's export as the tool writes it: exact headers, roles and order rules.

The profiles are data, not code: ``profiles.toml`` beside this module lists every tool's
headers with their roles and signature, so adding a tool is adding its header list (see
tests/fixtures/vendors/README.md for the documentation page each list comes from).
``signature`` is the few headers that together are the tool's alone; ``roles`` gives
every column we read a role (the rest are ``OTHER``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files

from core.roles.vocabulary import Role


@dataclass(frozen=True)
class OrderRules:
    """How the tool writes orders: which column holds what, and how totals repeat.

    ``totals`` is "order" when the order total is written once per order (Shopify: only
    on its first line item; WooCommerce: repeated on every line item), "line" when each
    row's amount is its own (Etsy items, Stripe payments). ``cents`` when amounts are in
    the currency's minor unit. ``not_spend`` adds the tool's own status words that mean
    no money was taken (Pipedrive's "lost" deal) to the shared list, by reason;
    ``spend_only``: a CRM's won stage words (Salesforce's "Closed Won"), the only status
    that is spend -- any other stage, custom ones too, is an open deal (pending).
    """

    total: str
    key: str | None = None  # order id column; None = every row is one order
    status: str | None = None
    refunded: str | None = None
    cancelled_at: str | None = None
    totals: str = "order"
    cents: bool = False
    api_cents: bool = False  # the API's lower-case ``amount`` header is in the minor unit
    date_format: str | None = None  # the order date as the tool writes it (strptime)
    # the order total after refunds (Etsy's 'Adjusted Order Total'): when filled it is the
    # spend, 0 a full refund -- unless it and the ``adjusted_with`` amounts are all 0, as
    # a file that writes zeros for "no adjustment" has them
    adjusted: str | None = None
    adjusted_with: tuple[str, ...] = ()
    not_spend: dict[str, str] = field(default_factory=dict)  # status word -> reason
    spend_only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    tool: str
    kind: str
    label: str  # "a Shopify orders export"
    headers: tuple[str, ...]
    signature: tuple[str, ...]
    roles: dict[str, Role] = field(default_factory=dict)
    orders: OrderRules | None = None
    suppression: bool = False  # every row is someone who must not be mailed
    # headers that sound like consent ('Mailing State', 'download_permissions_granted')
    # but by the tool's documentation are not: never read as consent
    not_consent: tuple[str, ...] = ()


def parse_columns(text: str, role_type=Role) -> tuple[tuple[str, ...], tuple[str, ...], dict]:
    """``(headers, signature, roles)`` from "[*]Header[ = role]" lines (also the events
    formats' lines, with their own ``role_type``)."""
    headers, signature, roles = [], [], {}
    for line in filter(str.strip, text.splitlines()):
        header, _, role = line.partition(" = ")
        if header.startswith("*"):
            header = header[1:]
            signature.append(header)
        headers.append(header)
        if role:
            roles[header] = role_type(role.strip())
    return tuple(headers), tuple(signature), roles


def _header(line: str) -> str:
    return line.partition(" = ")[0].strip().lstrip("*")


def _columns(entry: dict, earlier: dict[tuple[str, str], dict]) -> str:
    """The entry's column lines; a variant (``like`` = the kind of an earlier profile of
    the same tool) takes that profile's lines with ``replace`` (header -> new line)
    applied and its own ``columns`` appended, so a tool's second export shape (Square's
    'Email Unsubscribed', Zoho's line items) is not a second copy of the header list."""
    own = entry.get("columns", "")
    if "like" not in entry:
        return own
    replace = entry.get("replace", {})
    base = earlier[(entry["tool"], entry["like"])]["columns"].splitlines()
    lines = [replace.get(_header(line), line) for line in base if line.strip()]
    unknown = set(replace) - {_header(line) for line in base}
    if unknown:
        raise ValueError(f"{entry['tool']} {entry['kind']}: no header {sorted(unknown)} to replace")
    return "\n".join(lines) + "\n" + own


def _profile(entry: dict) -> Profile:
    orders = entry.get("orders")
    return Profile(entry["tool"], entry["kind"], entry["label"], *parse_columns(entry["columns"]),
                   OrderRules(**{**orders, "spend_only": tuple(orders.get("spend_only", ()))})
                   if orders else None,
                   entry.get("suppression", False), tuple(entry.get("not_consent", ())))


def load(text: str) -> tuple[Profile, ...]:
    earlier: dict[tuple[str, str], dict] = {}
    for entry in tomllib.loads(text)["profile"]:
        base = earlier.get((entry["tool"], entry.get("like", "")), {})
        entry = {"orders": base.get("orders"), "not_consent": base.get("not_consent", ()),
                 **{k: v for k, v in entry.items() if v is not None},
                 "columns": _columns(entry, earlier)}
        if (entry["tool"], entry["kind"]) in earlier:
            raise ValueError(f"two profiles for {entry['tool']} {entry['kind']}")
        earlier[(entry["tool"], entry["kind"])] = entry
    return tuple(_profile(e) for e in earlier.values())


PROFILES = load(files(__package__).joinpath("profiles.toml").read_text(encoding="utf-8"))
# The import files LocalReach writes, by tool (core/compose/outputs/vendor_files.py).
IMPORTS = {p.tool: p for p in PROFILES if p.kind == "import"}
