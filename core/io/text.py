"""Delimited text (CSV / TSV / TXT): encoding detection, delimiter sniffing, parsing.

Every value comes back as text exactly as written in the file; empty cells are "".
Encoding order is BOM, strict UTF-8, cp1252 (never latin-1, which silently turns the
euro sign into a control character). A row with more fields than the header and an
unterminated quote are refused with the physical line number, because pandas would
otherwise shift data one column over or swallow the rest of the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import FileImportError
from core.io.header import HEADER_SCAN_ROWS, detect_header_row
from core.jobs import JobContext

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_CHARS = 64 * 1024
CHUNK_ROWS = 100_000
_SEP_LINE = re.compile(r"sep=(.)[ \t]*(\r\n|\n|\r|$)")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GUARDED = r"'[=+\-@\t\r]"
_GUARDED_BYTES = re.compile(_GUARDED.encode())
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class TextSource:
    """Decoded text plus what was detected about it."""

    body: bytes  # UTF-8 without BOM, what the parser reads
    encoding: str
    delimiter: str
    skip_lines: int  # physical lines before the header (the "sep=" line and title rows)
    header_row: int  # records before the header (what the user sees as rows)


def _candidates(data: bytes) -> list[str]:
    """Encodings to try in order: a BOM decides; NUL-heavy text is UTF-16; else UTF-8, cp1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return [encoding]
    head = data[:4096]
    if len(head) >= 4 and head.count(0) > len(head) // 4:
        return ["utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"]
    return ["utf-8", "cp1252"]


def decode(data: bytes, encoding: str | None, name: str, partial: bool = False) -> tuple[str, str]:
    """Decode ``data`` strictly (detecting the encoding when not given).

    ``partial`` is for a preview prefix: a character cut at its end is not an error.
    """
    candidates = [encoding] if encoding else _candidates(data)
    for candidate in candidates:
        try:
            decoder = codecs.getincrementaldecoder(candidate)(errors="strict")
            return decoder.decode(data, final=not partial).lstrip("\ufeff"), candidate
        except LookupError:
            raise FileImportError(
                f"{name}: unknown text encoding '{candidate}'; choose another one."
            ) from None
        except UnicodeDecodeError as exc:
            if encoding:
                line = data[: exc.start].count(b"\n") + 1
                raise FileImportError(
                    f"{name}, line {line}: the text is not valid {encoding}; "
                    "choose another encoding in the import options."
                ) from None
    raise FileImportError(
        f"{name}: the text encoding could not be recognised (not UTF-8 or Windows-1252); "
        "choose the encoding in the import options."
    )


def _sample_records(sample: str, delimiter: str, limit: int = HEADER_SCAN_ROWS + 20) -> list:
    """First records of the sample as ``(line_num_after, fields)``; tolerant of junk."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    out = []
    try:
        for row in reader:
            if row:
                out.append((reader.line_num, row))
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def sniff_delimiter(sample: str, suffix: str) -> str:
    """The candidate giving the most consistent, widest split of the first records."""
    if suffix == ".tsv":
        return "\t"
    best, best_score = ",", (0.0, 0)
    lines = sample.count("\n")
    for delim in DELIMITERS:
        rows = [fields for _, fields in _sample_records(sample, delim)]
        if lines and len(rows) > 1:
            rows = rows[:-1] if len(sample) >= SAMPLE_CHARS else rows  # last may be cut
        widths = [len(r) for r in rows]
        if not widths or max(widths) < 2:
            continue
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(mode) / len(widths), mode)
        if mode > 1 and score > best_score:
            best, best_score = delim, score
    return best


def prepare(data: bytes, name: str, suffix: str, options, partial: bool = False) -> TextSource:
    """Decode, find the delimiter and the header position, without parsing everything."""
    text, encoding = decode(data, options.encoding, name, partial)
    skip = 0
    delimiter = options.delimiter
    sep = _SEP_LINE.match(text[:16])
    if sep:
        delimiter = delimiter or sep.group(1)
        skip = 1
    begin = sep.end() if sep else 0
    sample = text[begin : begin + SAMPLE_CHARS]
    if not sample.strip():
        raise FileImportError(f"{name}: the file is empty; export the data again and re-import it.")
    delimiter = delimiter or sniff_delimiter(sample, suffix)
    records = _sample_records(sample, delimiter)
    header_row = options.header_row
    if header_row is None:
        header_row = detect_header_row([fields for _, fields in records])
    if header_row >= len(records):
        raise FileImportError(
            f"{name}: header row {header_row + 1} is past the first rows of the file; "
            "choose a smaller header row."
        )
    lines_before = records[header_row - 1][0] if header_row > 0 else 0
    body = data[len(codecs.BOM_UTF8) :] if encoding == "utf-8-sig" else data
    if encoding not in ("utf-8", "utf-8-sig") or partial:
        body = text.encode("utf-8")
    return TextSource(body, encoding, delimiter, skip + lines_before, header_row)


def strip_formula_guards(frame: pd.DataFrame, body: bytes) -> int:
    """Undo the ``'`` that exports put before ``= + - @ TAB CR`` (as Excel does on input).

    Our own write_table adds it against formula injection, so CSV -> CSV round trips
    give the value back unchanged. Returns how many cells were changed.
    """
    if not _GUARDED_BYTES.search(body):
        return 0
    changed = 0
    for column in frame.columns:
        values = frame[column]
        guarded = values.str.match(_GUARDED)
        if guarded.any():
            frame[column] = values.mask(guarded, values.str[1:])
            changed += int(guarded.sum())
    return changed


def _first_bad_line(src: TextSource) -> int | None:
    """Physical line of the first record wider than the header (slow path, errors only)."""
    reader = csv.reader(io.StringIO(src.body.decode("utf-8"), newline=""), delimiter=src.delimiter)
    start, width = 1, None
    try:
        for row in reader:
            if reader.line_num > src.skip_lines and row:
                if width is None:
                    width = len(row)
                elif len(row) > width:
                    return start
            start = reader.line_num + 1
    except csv.Error:
        return start
    return None


def short_records(src: TextSource, width: int, records: int) -> np.ndarray:
    """Positions of the first ``records`` data records that have fewer fields than the
    header (pandas fills those with ""; the import report should say so)."""
    reader = csv.reader(io.StringIO(src.body.decode("utf-8"), newline=""), delimiter=src.delimiter)
    widths = [len(row) for row in reader if row and reader.line_num > src.skip_lines]
    return np.flatnonzero(np.array(widths[1 : records + 1], dtype=int) < width)


def _record_start_line(src: TextSource, record: int) -> int:
    """Physical line where 0-based ``record`` (pandas' row counting) starts."""
    reader = csv.reader(io.StringIO(src.body.decode("utf-8"), newline=""), delimiter=src.delimiter)
    start = 1
    for i, _ in enumerate(reader):
        if i == record:
            return start
        start = reader.line_num + 1
    return start


def _explain(src: TextSource, exc: Exception, name: str) -> FileImportError:
    msg = str(exc)
    eof = re.search(r"EOF inside string starting at row (\d+)", msg)
    if eof:
        line = _record_start_line(src, int(eof.group(1)))
        return FileImportError(
            f'{name}, line {line}: a quoted value is never closed (a missing "); '
            "fix the quote in the file and import it again."
        )
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
    if fields:
        line = _first_bad_line(src) or int(fields.group(2))
        return FileImportError(
            f"{name}, line {line}: this row has {fields.group(3)} fields but the header has "
            f"{fields.group(1)}; check for a stray {_DELIMITER_NAMES.get(src.delimiter, 'delimiter')} "
            "or a missing quote in that row."
        )
    return FileImportError(
        f"{name}: the file could not be read as {_DELIMITER_NAMES.get(src.delimiter, 'delimited')}"
        "-separated text; check the delimiter and encoding in the import options."
    )


def parse(
    src: TextSource, name: str, ctx: JobContext, nrows: int | None = None
) -> tuple[list[str], pd.DataFrame]:
    """Parse the header record and every record after it as text.

    The header is parsed as the first row (not via ``names=``) so pandas takes the
    field count from it and refuses any wider row instead of shifting the data.
    Returns ``(raw_header, data)``.
    """
    total_lines = max(1, src.body.count(b"\n"))
    chunks = []
    try:
        reader = pd.read_csv(
            io.BytesIO(src.body),
            sep=src.delimiter,
            header=None,
            skiprows=src.skip_lines,
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=True,
            engine="c",
            encoding="utf-8",
            chunksize=CHUNK_ROWS,
            nrows=None if nrows is None else nrows + 1,
        )
        with reader:
            done = 0
            for chunk in reader:
                chunks.append(chunk)
                done += len(chunk)
                ctx.progress(min(done, total_lines), total_lines, f"Reading {name}")
    except pd.errors.EmptyDataError:
        raise FileImportError(f"{name}: the file has no rows after the header row.") from None
    except (pd.errors.ParserError, ValueError, UnicodeError) as exc:
        raise _explain(src, exc, name) from None
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    raw_header = [str(v) for v in frame.iloc[0].fillna("")]
    return raw_header, frame.iloc[1:].reset_index(drop=True)
