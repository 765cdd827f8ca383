"""Randomly mutated CSV and XLSX files: each imports or raises FileImportError (RELIABILITY 3).

Seeded, so a failure names a reproducible case. XLSX mutations hit both the raw zip
bytes and the XML inside a re-zipped, CRC-valid workbook, so calamine's parser is
exercised too, not only our zip checks.
"""

from __future__ import annotations

import datetime as dt
import io
import random
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
