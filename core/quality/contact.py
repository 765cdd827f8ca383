"""E-mail and phone standardisation steps: one written form per address and per number.

The readings themselves live in :mod:`core.normalise.email` and :mod:`core.normalise.phone`
(shared with the pseudonyms and the duplicate search); this module applies them to
columns. Phones become E.164 (``+4915112345678``); a number written without its +code
takes the row's country, else the project's region, and stays unread without either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from core.jobs import JobContext
from core.normalise import email, phone
from core.quality.base import check_columns, map_cells
from core.quality.places import row_countries


@dataclass
class EmailConfig:
    """E-mail columns; ``flag_invalid`` adds ``<column>_invalid`` ("yes" where unreadable)."""

    columns: list[str] = field(default_factory=list)
    flag_invalid: bool = True


def standardise_emails(df: pd.DataFrame, config: EmailConfig, ctx: JobContext | None = None):
    """Trim and lower-case addresses; invalid ones are kept as written and flagged, never dropped."""
    flag = "_invalid" if config.flag_invalid else None
    return map_cells(df, config.columns, email.valid, "E-mail addresses", ctx, flag_suffix=flag, parallel=True)


@dataclass
class PhoneConfig:
    """Phone columns; numbers without a country code take the row's country, else ``region``.

    ``strict`` wants a number range in use (phone mode "valid"), else the right length
    for the country is enough ("possible"; see :mod:`core.normalise.phone` for why).
    """

    columns: list[str] = field(default_factory=list)
    region: str | None = None
    country_column: str = ""
    strict: bool = False


def standardise_phones(df: pd.DataFrame, config: PhoneConfig, ctx: JobContext | None = None):
    """Write every readable phone number in E.164; unreadable ones are kept and counted."""
    check_columns(df, [config.country_column] if config.country_column else [], "Phone numbers")
    regions = row_countries(df, config.country_column, config.region)
    parse = partial(phone.to_e164, mode="valid" if config.strict else "possible")
    return map_cells(df, config.columns, parse, "Phone numbers", ctx, context=regions, parallel=True)
