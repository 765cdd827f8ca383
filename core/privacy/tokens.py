"""Keyed pseudonyms: HMAC-SHA256 over a normalised value, prefixed by kind and version.

A token looks like ``email_v1_<32 hex>``. The kind is both in the prefix and inside
the HMAC message, so an e-mail and a phone never share a token; the version tag lets
a later normalisation change live beside old tokens. The same value under the same
project key gives the same token in every file; another key gives another token.

Normalisation decides what "the same value" means (a change needs a new version tag):

- e-mail: :func:`core.normalise.email.written` (NFKC, no whitespace, lower-case; an
  invisible character is rejected, never silently kept);
- phone: :class:`core.normalise.phone.PhoneKey` -- E.164 with the row's country or the
  project's region for numbers without their +code, so ``+44 7700 900123`` and
  ``07700 900123`` are one number in a GB project;
- ids (postcode, IBAN, card, national id): NFKC, upper-case, no spaces or dashes;
- everything else (names, streets, ...): :func:`core.normalise.names.fold_text`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import phonenumbers

from core.errors import LocalReachError
from core.io.cells import joined_cells
from core.jobs import JobContext, ensure_context
from core.normalise.email import InvisibleCharacter as InvalidValue
from core.normalise.email import written as normalize_email
from core.normalise.names import fold_text as normalize_text
from core.normalise.phone import PhoneKey

try:  # OpenSSL's one-shot HMAC without the Python wrapper: a third of the per-value cost
    from _hashlib import hmac_digest as _hmac
except ImportError:  # pragma: no cover - Python builds without OpenSSL
    _hmac = hmac.digest

VERSION = "v1"
TOKEN_RE = re.compile(r"^([a-z_]+)_v(\d+)_([0-9a-f]{32})$")
ID_KINDS = frozenset({"postcode", "iban", "card", "national_id", "ip"})
_ID_JUNK_RE = re.compile(r"[\s\-]")
_CHUNK = 50_000
_PARALLEL_FROM = 200_000


def fingerprint(key: bytes) -> str:
    """A short public name for a key: safe to store and show, useless to recover it."""
    return hmac.new(key, b"fingerprint", hashlib.sha256).hexdigest()[:16]


def is_token(value: str, kind: str | None = None) -> bool:
    m = TOKEN_RE.match(value)
    return bool(m) and (kind is None or m.group(1) == kind)


# TOKEN_RE as a whole cell of NUL-joined cells (its "$" also allows one final line break)
_TOKEN_CELL = re.compile(r"(?:^|\x00)" + TOKEN_RE.pattern[1:-1] + r"(?=\n?(?:\x00|\Z))")


def holds_tokens(values: pd.Series) -> bool:
    """Whether any cell of the column is a token. A number, true/false or date column
    holds none: it is not turned into text to find out (that was most of the work)."""
    dtype = values.dtype
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return False
    # one regex pass over the cells joined with NUL, not a Python call per cell; a column
    # of text is joined as it is (turning it into text first was a pass per cell)
    joined = joined_cells(values.to_numpy(dtype=object), "\x00")
    if joined is None:  # a missing or non-text cell: the cells as text, missing as ""
        text = values if isinstance(dtype, pd.StringDtype) else values.astype(str)
        joined = joined_cells(text.to_numpy(dtype=object, na_value=""), "\x00")
    if joined is not None and joined.count("\x00") == max(len(values) - 1, 0):
        # every token holds "_v": a substring search rules most columns out ten times
        # faster than the pattern, which tries each position (86k streets: 1.5 vs 15 ms)
        return "_v" in joined and _TOKEN_CELL.search(joined) is not None
    return bool(values.astype(str).str.match(TOKEN_RE.pattern).fillna(False).any())


def token_kind(value: str) -> str | None:
    m = TOKEN_RE.match(value)
    return m.group(1) if m else None


def normalize_id(value: str) -> str:
    return _ID_JUNK_RE.sub("", unicodedata.normalize("NFKC", value)).upper()


def normalizer(kind: str, region: str | None):
    """The function that decides when two spellings of a ``kind`` value are one value.

    ``region`` places phone numbers written without their +code (None: not placed).
    """
    if kind == "email":
        return normalize_email
    if kind == "phone":
        return PhoneKey(region)
    if kind in ID_KINDS:
        return normalize_id
    return normalize_text


def token_for(key: bytes, kind: str, normalized: str) -> str:
    mac = hmac.digest(key, f"{kind}\x1f{normalized}".encode(), "sha256")
    return f"{kind}_{VERSION}_{mac[:16].hex()}"


def _normalize_all(values: list[str], kind: str, region: str | None) -> list[str]:
    """Normalised values in one comprehension (the hot loop)."""
    norm = normalizer(kind, region)
    return [norm(v) for v in values]


def _tokenize_chunk(args: tuple[bytes, str, str, list[str]]) -> list[str]:
    """Tokens for distinct values; a bad value comes back as ``["!<index>:<reason>"]``.

    Empty cells stay empty and existing tokens of this kind pass through unchanged.
    """
    key, kind, region, values = args
    head, prefix = f"{kind}_{VERSION}_", f"{kind}\x1f"
    todo = [i for i, v in enumerate(values) if v and not v.isspace() and not (v.startswith(head) and TOKEN_RE.match(v))]
    work = [values[i] for i in todo]
    try:
        normalized = _normalize_all(work, kind, region)
    except InvalidValue:
        norm = normalizer(kind, region)
        for i, v in zip(todo, work, strict=True):
            try:
                norm(v)
            except InvalidValue as exc:
                return [f"!{i}:{exc}"]
        raise
    out = [v if v and not v.isspace() else "" for v in values]
    for i, n in zip(todo, normalized, strict=True):
        out[i] = head + _hmac(key, (prefix + n).encode(), "sha256")[:16].hex()
    return out


def tokenize_values(
    values: Iterable[str],
    kind: str,
    key: bytes,
    *,
    region: str | None = None,
    column: str = "",
    ctx: JobContext | None = None,
    workers: int = 1,
    regions: pd.Series | None = None,
) -> pd.Series:
    """Tokens for a column of strings; empty cells stay empty.

    ``region`` is the project's, for phone numbers written without their +code (None
    when not known); ``regions`` (two-letter country per row, aligned with ``values``)
    overrides it row by row.

    Only distinct values are normalised and hashed, in chunks (progress and cancel in
    between); with ``workers > 1`` big columns are spread over processes. A value that
    cannot be normalised stops the whole column with a message naming column and row.
    """
    ctx = ensure_context(ctx)
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    text = series.astype(str).where(series.notna(), "")
    if regions is not None:
        out = pd.Series("", index=series.index, dtype=object)
        for code, rows in regions.groupby(regions, sort=True).groups.items():
            usable = code if phonenumbers.PhoneMetadata.metadata_for_region(str(code)) else region
            out[rows] = tokenize_values(text[rows], kind, key, region=usable, column=column, ctx=ctx,
                                        workers=workers).to_numpy()
        return out
    codes, uniques = pd.factorize(text, sort=False)
    uniques = [str(u) for u in uniques.to_numpy(dtype=object)]
    chunks = [uniques[i : i + _CHUNK] for i in range(0, len(uniques), _CHUNK)]
    jobs = [(key, kind, region, chunk) for chunk in chunks]
    results: list[list[str]] = []
    total = len(uniques)
    if workers > 1 and total >= _PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(_tokenize_chunk, jobs):
                results.append(res)
                ctx.progress(min(len(results) * _CHUNK, total), total, f"Pseudonymising {column}")
    else:
        for job in jobs:
            results.append(_tokenize_chunk(job))
            ctx.progress(min(len(results) * _CHUNK, total), total, f"Pseudonymising {column}")
    tokens: list[str] = []
    for n, res in enumerate(results):
        if len(res) == 1 and res[0].startswith("!"):
            idx, reason = res[0][1:].split(":", 1)
            position = int((codes == n * _CHUNK + int(idx)).argmax())
            label = series.index[position]  # a table's own row number, also inside a per-country part
            row = int(label) + 1 if isinstance(label, int | np.integer) else position + 1
            raise LocalReachError(
                f"Column '{column}', data row {row}: {reason}; correct that cell and try again."
            )
        tokens.extend(res)
    lookup = pd.Series(tokens, dtype=object).to_numpy()
    return pd.Series(lookup[codes], index=series.index, dtype=object)
