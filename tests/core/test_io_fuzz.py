"""Randomly mutated CSV and XLSX files: each imports or raises FileImportError (RELIABILITY 3).

Seeded, so a failure names a reproducible case. XLSX mutations hit both the raw zip
bytes and the XML inside a re-zipped, CRC-valid workbook, so calamine's parser is
exercised too, not only our zip checks.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import time
import zipfile

import openpyxl
import pytest

from core.errors import FileImportError
from core.io import read_table

CASES = 300
BUDGET_S = 5.0


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b)) if b else 0
        op = rng.random()
        if op < 0.4 and b:
            b[i] = rng.randrange(256)
        elif op < 0.55 and b:
            b[i] = rng.choice(b'";,\t|\r\n\x00<>&')
        elif op < 0.7:
            del b[i : i + rng.randint(1, 20)]
        elif op < 0.85:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 10)))
        else:
            b[i:i] = b[rng.randrange(len(b)) :][: rng.randint(1, 200)] if b else b"x"
    return bytes(b)


def csv_seeds() -> list[bytes]:
    rows = "".join(f'{i};"Mül\r\nler {i}";e{i}@x.de;"a ""q"" €"\r\n' for i in range(30))
    utf16 = "id,name,city\n" + "".join(f"{i},n{i},Köln\n" for i in range(30))
    return [("sep=;\r\nid;name;email;note\r\n" + rows).encode("cp1252"), utf16.encode("utf-16")]


def xlsx_seed() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "name", "email", "born", "amount"])
    for i in range(20):
        ws.append([i, f"n{i}", f"e{i}@x.de", dt.date(1980, 1, 1 + i), i * 1.5])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rezip_with_mutated_part(seed: bytes, rng: random.Random) -> bytes:
    with zipfile.ZipFile(io.BytesIO(seed)) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    target = rng.choice(sorted(parts))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, content in parts.items():
            dst.writestr(name, mutate(content, rng) if name == target else content)
    return out.getvalue()


def outcome(path) -> str:
    start = time.perf_counter()
    try:
        read_table(path)
        result = "imported"
    except FileImportError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(path.name)
        result = "refused"
    assert time.perf_counter() - start < BUDGET_S, f"{path.name} took over {BUDGET_S} s"
    return result


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_mutated_files_import_or_refuse_cleanly(tmp_path, kind):
    rng = random.Random(20261123 if kind == "csv" else 42)
    seeds = csv_seeds() if kind == "csv" else [xlsx_seed()]
    counts = {"imported": 0, "refused": 0}
    for case in range(CASES):
        if kind == "xlsx" and case % 2:
            data = rezip_with_mutated_part(seeds[0], rng)
        else:
            data = mutate(rng.choice(seeds), rng)
        path = tmp_path / f"case{case}.{kind}"
        path.write_bytes(data)
        counts[outcome(path)] += 1
        path.unlink()
    # both outcomes must occur, or the mutations are not testing anything
    assert counts["imported"] >= CASES // 10 and counts["refused"] >= CASES // 10, counts


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_XML = (
    f'<?xml version="1.0"?><worksheet xmlns="{NS}"><dimension ref="A1:C2"/><sheetData>'
    '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" s="0"><v>3.5</v></c></row><row r="2" spans="1:3"><c r="A2" t="s"><v>2</v></c>'
    '<c r="B2"><v>44000</v></c><c r="C2" t="b"><v>1</v></c></row></sheetData></worksheet>'
).encode()
SST_XML = (
    f'<?xml version="1.0"?><sst xmlns="{NS}" count="3" uniqueCount="3"><si><t>id</t></si>'
    "<si><t>name</t></si><si><t>Ann</t></si></sst>"
).encode()


def test_every_number_and_reference_blown_up_never_kills_the_process(tmp_path):
    """calamine aborts (uncatchable) on some huge counts and ranges; the guard must stop
    each one. A regression here kills the test run itself, loudly."""
    base = {"xl/worksheets/sheet1.xml": SHEET_XML, "xl/sharedStrings.xml": SST_XML}
    cases = [
        (part, m.start(), m.end(), b"2000000000")
        for part, xml in base.items()
        for m in re.finditer(rb"[0-9]+", xml)
    ] + [
        (part, m.start(1), m.end(1), b"XFD")
        for part, xml in base.items()
        for m in re.finditer(rb'"([A-Z]{1,3})[0-9]', xml)
    ]
    seed = xlsx_seed()
    counts = {"imported": 0, "refused": 0}
    for i, (part, start, end, value) in enumerate(cases):
        with zipfile.ZipFile(io.BytesIO(seed)) as src:
            parts = {n: src.read(n) for n in src.namelist()}
        parts.update(base)
        parts[part] = base[part][:start] + value + base[part][end:]
        path = tmp_path / f"blown{i}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for name, content in parts.items():
                dst.writestr(name, content)
        counts[outcome(path)] += 1
    assert counts["refused"] >= 5 and counts["imported"] >= 5, counts
