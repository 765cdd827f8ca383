"""Originals of masked and generalised fields, sealed per record, for the message only.

A token comes back from the vault by itself, but a masked or generalised value
("jo***@...", postcode "043" for 04309, an age band) has lost what a letter needs.
The Privacy step therefore seals, per record, the originals of every column it masked
or generalised into the vault under one record token, kept in the column
``record_ref``; :func:`restore` puts them back -- for contactable people only, after
:func:`core.privacy.vault.reveal` has opened that token -- so postcodes keep their
leading zeros and streets, names and birthdays read exactly as they were typed.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _quote

import numpy as np
import pandas as pd

from core.privacy.tokens import TOKEN_RE, token_for

RECORD_COLUMN = "record_ref"
RECORD_KIND = "record"


def seal(original: pd.DataFrame, columns: list[str], key: bytes, vault) -> pd.Series:
    """One record token per row for the originals of ``columns``; the JSON of those
    originals goes into ``vault`` under it. Rows with nothing to keep get ""."""
    text = original[columns].astype("string").fillna("")
    docs = pd.Series(_json_objects(text), index=original.index, dtype=object)
    empty = text.eq("").all(axis=1)
    tokens = docs.map(lambda d: token_for(key, RECORD_KIND, d)).where(~empty, "")
    vault.add(tokens, docs)
    return tokens.astype(object)


def _json_objects(text: pd.DataFrame) -> np.ndarray:
    """Each row as ``json.dumps(row_dict, ensure_ascii=False, sort_keys=True)`` would write
    it, built column by column: each distinct text is JSON-quoted once (names repeat)."""
    docs = np.full(len(text), "{", dtype=object)
    for i, column in enumerate(sorted(text.columns)):
        codes, uniques = pd.factorize(text[column])
        quoted = np.array([_quote(v) for v in uniques.tolist()], dtype=object)
        docs = docs + (", " if i else "") + _quote(str(column)) + ": " + quoted[codes]
    return docs + "}"


def restore(frame: pd.DataFrame, columns=None) -> pd.DataFrame:
    """Put back the originals that :func:`seal` kept for ``columns`` (None: all), from a
    ``record_ref`` column already revealed (JSON text); the column itself is dropped,
    since no message may show it. Only what the message needs should come back, and a
    sealed column that does not come back is dropped too: a stand-in ("04" for 04309,
    "an***@example.de") must never leave in a file as if it were the value."""
    if RECORD_COLUMN not in frame.columns:
        return frame
    out = frame.drop(columns=[RECORD_COLUMN])
    docs = [str(doc) for doc in frame[RECORD_COLUMN].tolist()]
    kept = [json.loads(doc) if doc and not TOKEN_RE.match(doc) else {} for doc in docs]
    sealed = set().union(*kept)
    for column in [c for c in out.columns if c in sealed]:
        if columns is not None and column not in columns:
            out = out.drop(columns=[column])
            continue
        values = out[column]
        back = [k.get(column, v) for k, v in zip(kept, values.tolist(), strict=True)]
        dtype = values.dtype if isinstance(values.dtype, pd.StringDtype) else object
        out[column] = pd.Series(back, index=out.index, dtype=dtype)
    return out
