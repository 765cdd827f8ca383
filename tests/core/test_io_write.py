"""Export: formula injection, control characters, round trips, atomic writes (RELIABILITY 11-13)."""

from __future__ import annotations

import datetime as dt
import zipfile

import numpy as np
import pandas as pd
import pytest

import core.io.write as write_module
from core.errors import LocalReachError
from core.io import read_table, write_table
from core.io.write import neutralise_formula

DANGEROUS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1", "-2+3", "\t=1", "\r=1"]


def test_csv_neutralises_formulas_and_keeps_plain_numbers(tmp_path):
    df = pd.DataFrame({"value": DANGEROUS + ["-12.50", "+4915112345678", "a=b", "safe"]})
    path = tmp_path / "out.csv"
    assert write_table(df, path) == []
    back, report = read_table(path)  # the guard apostrophe is undone on import, as Excel does
    assert back["value"].tolist() == df["value"].tolist()
    assert report.warnings == ["Removed the protective apostrophe before = + - @ from 6 cell(s)."]
    raw = path.read_bytes()
    assert raw.startswith(b'\xef\xbb\xbfvalue\r\n"\'=HYPERLINK(""http')
    assert b"\r\n'@SUM(1)\r\n'+1+1\r\n'-2+3\r\n'\t=1\r\n\"'\r=1\"\r\n-12.50\r\n" in raw


def test_header_names_are_neutralised_too():
    assert neutralise_formula("=cmd") == "'=cmd"
    assert neutralise_formula("-5") == "-5"
    assert neutralise_formula("+49 151 1234") == "'+49 151 1234"


def test_xlsx_cells_are_strings_never_formulas(tmp_path):
    df = pd.DataFrame({"=bad header": DANGEROUS, "n": range(len(DANGEROUS))})
    path = tmp_path / "out.xlsx"
    write_table(df, path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    back, _ = read_table(path)
    assert list(back.columns) == ["=bad header", "n"]
    assert back["=bad header"].tolist() == DANGEROUS
    assert back["n"].tolist() == ["0", "1", "2", "3", "4", "5"]


def test_xlsx_control_characters_cleaned_and_counted(tmp_path, caplog):
    df = pd.DataFrame({"name": ["Ann\x00", "B\x07ob", "Cy\tok", "plain"]})
    path = tmp_path / "ctl.xlsx"
    with caplog.at_level("INFO", logger="core.io.write"):
        notes = write_table(df, path)
    assert notes == ["Removed control characters from 2 cell(s) that Excel cannot store."]
    assert "ctl.xlsx: Removed control characters from 2 cell(s)" in caplog.text
    assert read_table(path)[0]["name"].tolist() == ["Ann", "Bob", "Cy\tok", "plain"]


def test_carriage_return_round_trips_through_csv(tmp_path):
    values = ["a\rb", "line1\r\nline2", 'quote " inside', "semi;colon,comma", "", "  spaced  "]
    df = pd.DataFrame({"id": [str(i) for i in range(len(values))], "text": values})
    for name in ("rt.csv", "rt.tsv"):
        write_table(df, tmp_path / name)
        back, _ = read_table(tmp_path / name)
        assert back.to_dict("records") == df.to_dict("records")


def test_non_text_values_written_as_spreadsheet_text(tmp_path):
    df = pd.DataFrame(
        {
            "n": [1, 2],
            "f": [2.5, np.nan],
            "d": [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-02 10:30:00")],
            "day": [dt.date(2024, 3, 4), None],
            "whole": [3.0, 1e20],
        }
    )
    write_table(df, tmp_path / "types.csv")
    back, _ = read_table(tmp_path / "types.csv")
    assert back.to_dict("records") == [
        {"n": "1", "f": "2.5", "d": "2024-01-02", "day": "2024-03-04", "whole": "3"},
        {"n": "2", "f": "", "d": "2024-01-02T10:30:00", "day": "", "whole": "1e+20"},
    ]


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    path = tmp_path / "keep.csv"
    path.write_text("old content")

    class Boom:
        def __str__(self):
            raise RuntimeError("disk full")

    df = pd.DataFrame({"a": ["1", Boom()]})
    with pytest.raises(RuntimeError):
        write_table(df, path)
    assert path.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_unknown_export_suffix(tmp_path):
    with pytest.raises(LocalReachError) as err:
        write_table(pd.DataFrame({"a": ["1"]}), tmp_path / "out.pdf")
    assert str(err.value) == "out.pdf: cannot export to '.pdf'; use .csv, .tsv or .xlsx."
    assert list(tmp_path.iterdir()) == []


def test_empty_frame_writes_header_only(tmp_path):
    write_table(pd.DataFrame({"a": [], "b": []}), tmp_path / "e.xlsx")
    write_table(pd.DataFrame({"a": [], "b": []}), tmp_path / "e.csv")
    assert (tmp_path / "e.csv").read_bytes() == b"\xef\xbb\xbfa,b\r\n"
    with zipfile.ZipFile(tmp_path / "e.xlsx") as zf:
        assert "<c " in zf.read("xl/worksheets/sheet1.xml").decode()


def _csv_writer_bytes(df: pd.DataFrame, delimiter: str) -> bytes:
    """What csv.writer writes for the cells' texts: the bytes write_table must give."""
    import csv
    import io

    from core.io.cells import cell_text

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise_formula(cell_text(c)) for c in df.columns])
    for row in df.itertuples(index=False):
        writer.writerow([neutralise_formula(cell_text(v)) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


@pytest.mark.parametrize("name", ["fuzz.csv", "fuzz.tsv"])
def test_csv_bytes_are_csv_writers_for_any_text(tmp_path, name, monkeypatch):
    monkeypatch.setattr(write_module, "_CHUNK", 999)  # rows written in 4 blocks, the last one short
    rng = np.random.default_rng(7)
    alphabet = list("ab ,;\"'\r\n\t=+-@\x00é€1.") + ["-12.50", "+49"]
    texts = ["".join(rng.choice(alphabet, size=rng.integers(0, 6))) for _ in range(3000)]
    df = pd.DataFrame({
        "text": pd.array(texts, dtype="str"),
        "object": pd.Series(texts[::-1], dtype=object),
        "=head,er": pd.array(rng.choice(texts[:40], size=3000), dtype="str"),
        "mixed": pd.Series([1, 1.0, True, None, "x,y"] * 600, dtype=object),
        "n": rng.integers(-5, 5, size=3000),
        # text with missing cells of each kind: NaN (above), pd.NA, None
        "nullable": pd.array([None if i % 3 == 0 else t for i, t in enumerate(texts)], dtype="string"),
        "object missing": pd.Series([None if i % 5 == 0 else t for i, t in enumerate(texts)], dtype=object),
    })
    df.loc[::7, "text"] = np.nan
    odd = [i for i, t in enumerate(texts) if any(c in t for c in ',;"\r\n\t\x00') or t[:1] in "=+-@"]
    assert len(odd) > 2000  # most rows need quoting or a guard: the slow path is tested
    write_table(df, tmp_path / name)
    assert (tmp_path / name).read_bytes() == _csv_writer_bytes(df, "\t" if name.endswith("tsv") else ",")


def test_one_column_csv_writes_an_empty_cell_as_csv_writer_does(tmp_path):
    df = pd.DataFrame({"only": ["", "a", "", "b,c"]})
    write_table(df, tmp_path / "one.csv")
    assert (tmp_path / "one.csv").read_bytes() == b'\xef\xbb\xbfonly\r\n""\r\na\r\n""\r\n"b,c"\r\n'
    assert (tmp_path / "one.csv").read_bytes() == _csv_writer_bytes(df, ",")


def _plain_frame(rows: int, seed: int) -> pd.DataFrame:
    """Text that needs no quoting or guard: ids, names, dates, amounts (some negative,
    which stay as they are), phones in E.164 and a whole-number column."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "id": pd.array([f"O{i:07d}" for i in range(rows)], dtype="str"),
        "name": pd.Series(rng.choice(["Anna Müller", "José  Díaz ", "李雷", "O'Brien"], rows), dtype=object),
        "date": pd.array(rng.choice(["2024-01-31", "2023-12-01"], rows), dtype="str"),
        "amount": pd.array(rng.choice(["12.50", "-3.99", "0", "+7"], rows), dtype="str"),
        "phone": pd.array(rng.choice(["+4915123456789", "", "-1"], rows), dtype="str"),
        "n": rng.integers(-9, 9, size=rows),
    })


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocks_with_nothing_to_quote_have_csv_writers_bytes(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(write_module, "_CHUNK", 700)
    df = _plain_frame(2000, seed)
    write_table(df, tmp_path / "plain.csv")
    assert (tmp_path / "plain.csv").read_bytes() == _csv_writer_bytes(df, ",")


@pytest.mark.parametrize("cell", ["=SUM(A1)", "-x", "@me", "\tTab", "a,b", 'say "hi"', "two\nlines",
                                  "nul\x00inside", "soh\x01inside", None])
@pytest.mark.parametrize("row", [0, 699, 700, 1999])  # a block's first and last rows
def test_one_cell_to_change_gives_csv_writers_bytes_anywhere(tmp_path, monkeypatch, cell, row):
    monkeypatch.setattr(write_module, "_CHUNK", 700)
    df = _plain_frame(2000, 4)
    for column in ("id", "name"):  # a first field and a middle one
        changed = df.copy()
        changed.loc[row, column] = cell
        write_table(changed, tmp_path / "one.csv")
        assert (tmp_path / "one.csv").read_bytes() == _csv_writer_bytes(changed, ","), (column, cell)
