"""Per-column privacy policy -- keep, token, mask, generalise, drop -- and applying it.

``pseudonymize(df, config, key, vault)`` is the Privacy step: token columns get keyed
tokens (their originals go to the vault, for export only), masked columns keep a
hint (``jo***@example.com``, ``+44 7*** ***123``), generalised columns lose detail
(birth date -> age band or year, postcode -> outward code or prefix, date -> month),
dropped columns disappear. The report counts values per column and never holds one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd
import phonenumbers

from core.errors import ColumnError, LocalReachError
from core.jobs import JobContext, ensure_context
from core.normalise.dates import guess_format, parse_date
from core.normalise.phone import PhoneKey
from core.privacy.detect import PiiGuess
from core.privacy.originals import RECORD_COLUMN, seal
from core.privacy.tokens import fingerprint, tokenize_values
from core.privacy.vault import Vault
from core.quality.places import row_countries

ACTIONS = ("keep", "token", "mask", "generalise", "drop")
GENERALISE_OPTIONS = {
    "date_of_birth": ("age_band", "year", "month"),
    "postcode": ("outward", "prefix2", "prefix1"),
    "date": ("month", "year"),
}
_DEFAULT_ACTION = {"email": "token", "phone": "token", "name": "token", "street": "token",
                   "postcode": "generalise", "date_of_birth": "generalise", "national_id": "drop",
                   "iban": "drop", "card": "drop", "ip": "mask"}
_COUNTRY_RE = re.compile(r"^(country|land|pays|pa[ií]s|staat|nation)(_?code)?$")


@dataclass
class ColumnPolicy:
    action: str = "keep"
    kind: str | None = None
    option: str = ""

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise LocalReachError(f"Unknown privacy action '{self.action}': use one of {', '.join(ACTIONS)}.")


@dataclass
class PrivacyConfig:
    """Policies by column name; ``phone_region`` is the project's region (None when not
    known); ``reference_date`` (ISO) fixes ages for reproducible runs."""

    columns: dict[str, ColumnPolicy] = field(default_factory=dict)
    phone_region: str | None = None
    reference_date: str = ""
    country_column: str = ""  # each row's country for its phone numbers, when the table has one

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> PrivacyConfig:
        cols = {c: p if isinstance(p, ColumnPolicy) else ColumnPolicy(**p) for c, p in d.get("columns", {}).items()}
        return cls(columns=cols, phone_region=d.get("phone_region"), reference_date=d.get("reference_date", ""),
                   country_column=d.get("country_column", ""))


def default_policy(guess: PiiGuess) -> ColumnPolicy:
    """What we propose for a detected kind: tokens for contact data, coarser quasi-identifiers."""
    action = _DEFAULT_ACTION.get(guess.kind or "", "keep")
    option = GENERALISE_OPTIONS[guess.kind][0] if action == "generalise" else ""
    return ColumnPolicy(action=action, kind=guess.kind, option=option)


def default_config(guesses: dict[str, PiiGuess], phone_region: str | None) -> PrivacyConfig:
    country = next((c for c in guesses if _COUNTRY_RE.match(re.sub(r"[\s\-.]+", "_", c.strip().lower()))), "")
    return PrivacyConfig({c: default_policy(g) for c, g in guesses.items()}, phone_region=phone_region,
                         country_column=country)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates from text in the column's majority format (:mod:`core.normalise.dates`)."""
    distinct = [str(v) for v in pd.unique(values.to_numpy(dtype=object))]
    fmt = guess_format(distinct)
    iso = {v: parse_date(v, fmt) for v in distinct}
    return pd.to_datetime(values.astype(str).map(iso), errors="coerce", format="ISO8601")


def _mask_email(v: str) -> str:
    local, _, domain = v.strip().rpartition("@")
    return f"{local[:2]}***@{domain}" if local else "***"


def _mask_phone(v: str, norm: PhoneKey) -> str:
    try:
        number = phonenumbers.parse(norm(v), None)
    except (phonenumbers.NumberParseException, ValueError):
        return "***"
    nsn = str(number.national_number)
    return f"+{number.country_code} {nsn[:1]}*** ***{nsn[-3:]}"


def _mask_ip(v: str) -> str:
    parts = v.strip().split(".")
    return ".".join(parts[:2] + ["*", "*"]) if len(parts) == 4 else v.split(":")[0] + ":***"


def mask(values: pd.Series, kind: str | None, region: str | None) -> pd.Series:
    """Partial values that still help a human recognise a row without identifying it;
    ``region`` places phone numbers written without their +code (None: not known)."""
    if kind == "email":
        fn = _mask_email
    elif kind == "phone":
        norm = PhoneKey(region)
        fn = lambda v: _mask_phone(v, norm)  # noqa: E731
    elif kind == "ip":
        fn = _mask_ip
    else:
        fn = lambda v: v.strip()[:1] + "***"  # noqa: E731
    return values.map(lambda v: fn(v) if str(v).strip() else "").astype(object)


def _postcode(v: str, option: str) -> str:
    v = v.strip().upper()
    if option == "outward":
        if " " in v:
            return v.split()[0]
        if v[:1].isalpha() and len(v) > 4:
            return v[:-3]
        return v[:3]
    return v[: int(option[-1])]


def generalise(values: pd.Series, kind: str | None, option: str, reference: dt.date, column: str) -> pd.Series:
    """Coarser values; an empty or unparseable cell becomes empty."""
    options = GENERALISE_OPTIONS.get(kind or "", GENERALISE_OPTIONS["date"])
    if option not in options:
        raise LocalReachError(
            f"Column '{column}' cannot be generalised as '{option}': choose one of {', '.join(options)}."
        )
    if kind == "postcode":
        return values.map(lambda v: _postcode(v, option) if v.strip() else "").astype(object)
    dates = parse_dates(values)
    if option == "year":
        out = dates.dt.strftime("%Y")
    elif option == "month":
        out = dates.dt.strftime("%Y-%m")
    else:
        ref = pd.Timestamp(reference)
        age = ref.year - dates.dt.year - ((dates.dt.month * 100 + dates.dt.day) > ref.month * 100 + ref.day)
        low = (age // 10) * 10
        out = low.astype("Int64").astype(str) + "-" + (low + 9).astype("Int64").astype(str)
        out = out.where(dates.notna())
    return out.where(dates.notna(), "").astype(object)


def pseudonymize(
    df: pd.DataFrame,
    config: PrivacyConfig,
    key: bytes,
    vault: Vault | None = None,
    ctx: JobContext | None = None,
    *,
    workers: int = 1,
) -> tuple[pd.DataFrame, Vault, dict]:
    """Apply every column policy; returns the new frame, the vault with new entries, a report."""
    ctx = ensure_context(ctx)
    # a "keep" for a column the table lacks asks nothing (the window's settings list every
    # column it saw, also those a later step adds, such as Segments' sessions_7d)
    missing = [c for c, p in config.columns.items() if c not in df.columns and p.action != "keep"]
    if missing:
        raise ColumnError(f"Column '{missing[0]}' is not in the table; choose one of its columns.")
    reference = dt.date.fromisoformat(config.reference_date) if config.reference_date else dt.date.today()
    new_vault = Vault(key, vault.entries if vault is not None else None)
    out = df.copy(deep=False)  # copy-on-write: only the columns replaced below are new
    report: dict = {"rows": int(len(df)), "key_fingerprint": fingerprint(key), "columns": {}}
    steps = [(c, p) for c, p in config.columns.items() if p.action != "keep"]
    for n, (column, policy) in enumerate(steps):
        ctx.progress(n * 100, len(steps) * 100, f"Column {column}")
        values = df[column].astype(str).where(df[column].notna(), "")
        filled = int((values.str.strip() != "").sum())
        entry = {"action": policy.action, "kind": policy.kind, "values": filled}
        if policy.action == "drop":
            out = out.drop(columns=[column])
        elif policy.action == "token":
            regions = None
            if policy.kind == "phone" and config.country_column in df.columns:
                regions = row_countries(df, config.country_column, config.phone_region)
            inner = JobContext(lambda d, t, m, n=n: ctx.progress(n * 100 + d * 100 // max(t, 1), len(steps) * 100, m))
            tokens = tokenize_values(values, policy.kind or "text", key, region=config.phone_region,
                                     column=column, ctx=inner, workers=workers, regions=regions)
            entry["vault_added"] = new_vault.add(tokens, values)
            out[column] = tokens
        elif policy.action == "mask":
            out[column] = mask(values, policy.kind, config.phone_region)
        else:
            result = generalise(values, policy.kind, policy.option, reference, column)
            entry["option"] = policy.option
            entry["unparsed"] = filled - int((result != "").sum())
            out[column] = result
        report["columns"][column] = entry
    altered = [c for c, p in steps if p.action in ("mask", "generalise")]
    if altered:  # letters need the real postcode back, not its generalised form
        out[RECORD_COLUMN] = seal(df, altered, key, new_vault)
    ctx.progress(len(steps) * 100, len(steps) * 100, "Done")
    return out, new_vault, report
