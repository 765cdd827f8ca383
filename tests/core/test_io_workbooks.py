""".xls, .xlsb and .ods import: real files from LibreOffice / an XLSB writer read like .xlsx;
malformed ones are refused with one line, and a file that makes calamine abort only ends
the child process."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

import pytest

from app.cli import main
from core import calamine_child
from core.errors import FileImportError
from core.io import list_sheets, preview_table, read_all_sheets, read_table, workbooks

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
EXPECTED = {
    "Kundennummer": ["1001", "1002", "1003"],
    "Vorname": ["Anna", "Jean", "Zoë"],
    "Nachname": ["Müller", "Dupont", "O'Brien"],
    "E-Mail": ["anna.mueller@example.de", "jean.dupont@example.fr", "zoe@example.ie"],
    "PLZ": ["01067", "75011", "D02 X285"],
    "Umsatz": ["1234.56", "89.9", "0"],
    "Kunde seit": ["2021-03-01", "2023-12-24", "2024-07-15"],
}


@pytest.mark.parametrize("suffix", [".xls", ".xlsb", ".ods"])
def test_real_workbooks_read_like_xlsx(suffix):
    path = FORMATS / f"customers{suffix}"
    before = path.read_bytes()
    df, report = read_table(path)
    assert df.to_dict("list") == EXPECTED
    assert (report.sheet, report.sheets, report.rows, report.columns) == (
        "Kunden", ["Kunden", "Notizen"], 3, 7,
    )  # fmt: skip
    assert report.warnings == [] and report.encoding is None and len(report.sha256) == 64
    assert list_sheets(path) == ["Kunden", "Notizen"]
    assert read_table(path, sheet_options("Notizen"))[0].columns.tolist() == ["Export", "2024"]
    assert list(read_all_sheets(path)) == ["Kunden", "Notizen"]
    assert preview_table(path, rows=2)[0].to_dict("list") == {k: v[:2] for k, v in EXPECTED.items()}
    assert path.read_bytes() == before


def sheet_options(sheet):
    from core.io import ImportOptions

    return ImportOptions(sheet=sheet)


def ods_with_content(tmp_path: Path, edit) -> Path:
    """The fixture .ods with content.xml passed through ``edit``."""
    src = FORMATS / "customers.ods"
    out = tmp_path / "crafted.ods"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "content.xml":
                data = edit(data)
            zout.writestr(info.filename, data)
    return out


def repeated_filled_cell(rows: int, columns: int):
    """The first row and its first cell (a value) repeated: calamine expands both."""

    def edit(xml: bytes) -> bytes:
        xml = xml.replace(
            b"<table:table-row", f'<table:table-row table:number-rows-repeated="{rows}"'.encode(), 1
        )
        return re.sub(
            rb"<table:table-cell ",
            f'<table:table-cell table:number-columns-repeated="{columns}" '.encode(),
            xml,
            count=1,
        )

    return edit


def xls_with_header(tmp_path: Path, offset: int, fmt: str, value: int) -> Path:
    data = bytearray((FORMATS / "customers.xls").read_bytes())
    struct.pack_into(fmt, data, offset, value)
    path = tmp_path / "crafted.xls"
    path.write_bytes(bytes(data))
    return path


def xlsb_without_sheets(tmp_path: Path) -> Path:
    path = tmp_path / "crafted.xlsb"
    with zipfile.ZipFile(FORMATS / "customers.xlsb") as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                zout.writestr(info.filename, zin.read(info))
    return path


@pytest.fixture
def no_child(monkeypatch):
    """Fail the test if a file the guard should refuse ever reaches the calamine child."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the child was started for a file the guard should have refused")

    monkeypatch.setattr(workbooks.ChildBook, "__init__", refuse)


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda tmp: xls_with_header(tmp, 44, "<I", 0x7FFFFFFF),
            "crafted.xls: its header claims more sectors than the file holds; the workbook was "
            "not opened. Open it in Excel or LibreOffice and save it as .xlsx.",
        ),
        (
            lambda tmp: xls_with_header(tmp, 30, "<H", 30),
            "crafted.xls: its file header is malformed; the workbook was not opened. Open it in "
            "Excel or LibreOffice and save it as .xlsx.",
        ),
        (
            lambda tmp: ods_with_content(tmp, repeated_filled_cell(99_000, 1_000)),
            "crafted.ods: a sheet spans 99,003 rows x 1,006 columns, beyond the 50,000,000 cells "
            "LocalReach can read safely; the workbook was not opened. Re-save it in Excel as .xlsx.",
        ),
        (
            lambda tmp: ods_with_content(tmp, lambda x: b'<!DOCTYPE x [<!ENTITY a "b">]>' + x),
            "crafted.ods: it contains XML entity declarations, which Excel never writes; the "
            "workbook was not opened. Re-save it in Excel as .xlsx.",
        ),
        (
            xlsb_without_sheets,
            "crafted.xlsb: this is not an Excel .xlsb workbook (no worksheets found).",
        ),
    ],
    ids=["xls-fat-count", "xls-sector-shift", "ods-repeat-bomb", "ods-entities", "xlsb-no-sheets"],
)
def test_malformed_workbooks_refused_before_calamine(tmp_path, no_child, make, message):
    path = make(tmp_path)
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "data, message",
    [
        (
            b"<html><table><tr><td>Name</td></tr></table></html>",
            "this is not an Excel 97-2003 "
            ".xls workbook (some programs save HTML or text under that name)",
        ),
        (b"PK\x03\x04" + b"\0" * 600, "this is a newer Excel workbook named .xls; rename it"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "this is not an Excel 97-2003"),
    ],
)
def test_not_an_xls(tmp_path, no_child, data, message):
    path = tmp_path / "export.xls"
    path.write_bytes(data)
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value).startswith(f"export.xls: {message}")


def test_calamine_abort_ends_only_the_child(tmp_path, monkeypatch, capfd):
    """A crafted .ods past the static checks makes calamine abort on allocation: the child
    dies under its memory cap, the import fails with one line, and this process lives."""
    monkeypatch.setattr(workbooks, "guard", lambda *_a: None)
    monkeypatch.setattr(calamine_child, "MEMORY_LIMIT", 768 << 20)
    path = ods_with_content(tmp_path, repeated_filled_cell(40_000, 1_000))
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value) == (
        "crafted.ods: the workbook could not be read (damaged, password-protected or not what "
        "its name says); open it in Excel or LibreOffice and save it as .xlsx."
    )
    assert capfd.readouterr().err == ""  # the child's Rust backtrace goes nowhere


@pytest.mark.parametrize("cut", [slice(0, 1536), slice(512, 6656)], ids=["truncated", "scrambled"])
def test_damaged_xls_gives_one_line_on_the_command_line(tmp_path, capfd, cut):
    """Cut short (the header check refuses it) or with its sectors overwritten (the child's
    calamine fails): either way one line on standard error."""
    path = tmp_path / "kunden.xls"
    data = bytearray((FORMATS / "customers.xls").read_bytes())
    if cut.start:
        data[cut] = bytes(range(256)) * ((cut.stop - cut.start) // 256)
    else:
        data = data[cut]
    path.write_bytes(bytes(data))
    assert main(["profile", str(path)]) == 2
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("localreach profile: kunden.xls: ")
