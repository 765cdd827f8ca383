"""XLSX import: cells to text, sheets, headers, and the zip guard (RELIABILITY 1, 2, 10, 25)."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from core.errors import FileImportError
from core.io import ImportOptions, list_sheets, preview_table, read_all_sheets, read_table
from core.io import xlsx as xlsx_module

SHEET = "xl/worksheets/sheet1.xml"


def workbook(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def with_part(tmp_path, name: str, part: str, content: bytes, level: int = 6):
    """A valid one-sheet workbook with ``part`` replaced (or added)."""
    base = workbook(io.BytesIO(), {"Data": [["id", "name"], [1, "Ann"]]}).getvalue()
    path = tmp_path / name
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            if item.filename != part:
                dst.writestr(item, src.read(item))
        dst.writestr(part, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return path


def sheet_xml(cells: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


@pytest.fixture
def no_calamine(monkeypatch):
    """Fail the test if a guarded file ever reaches calamine."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("calamine was handed a file the guard should have refused")

    monkeypatch.setattr(xlsx_module.python_calamine.CalamineWorkbook, "from_path", refuse)


def test_cells_become_text_on_purpose(tmp_path):
    rows = [
        ["id", "zip", "born", "ordered", "amount", "qty", "vip", "note", "when"],
        [
            1,
            "01234",
            dt.date(1980, 4, 3),
            dt.datetime(2024, 1, 2, 13, 4, 5),
            12.5,
            3.0,
            True,
            "NA",
            "03.04.2024",
        ],
        [
            2,
            "+49 151 1",
            dt.datetime(1990, 1, 1),
            dt.datetime(2024, 1, 2),
            0.1,
            -7,
            False,
            "None",
            None,
        ],
    ]
    df, report = read_table(workbook(tmp_path / "types.xlsx", {"Kunden": rows}))
    assert df.to_dict("records") == [
        {"id": "1", "zip": "01234", "born": "1980-04-03", "ordered": "2024-01-02T13:04:05",
         "amount": "12.5", "qty": "3", "vip": "TRUE", "note": "NA", "when": "03.04.2024"},
        {"id": "2", "zip": "+49 151 1", "born": "1990-01-01", "ordered": "2024-01-02",
         "amount": "0.1", "qty": "-7", "vip": "FALSE", "note": "None", "when": ""},
    ]  # fmt: skip
    assert (report.sheet, report.sheets, report.rows, report.columns) == (
        "Kunden",
        ["Kunden"],
        2,
        9,
    )
    assert report.encoding is None and report.delimiter is None
    assert all(df[c].map(type).eq(str).all() for c in df.columns)


def test_excel_serial_date_cells_read_as_iso_dates(tmp_path):
    path = tmp_path / "serial.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["order_date", "plain"])
    ws.append([45292, 45292])  # 2024-01-01 as a serial number
    ws["A2"].number_format = "dd.mm.yyyy"
    wb.save(path)
    df, _ = read_table(path)
    assert df.iloc[0].tolist() == ["2024-01-01", "45292"]


def test_several_sheets_title_rows_and_choice(tmp_path):
    path = workbook(
        tmp_path / "multi.xlsx",
        {
            "Cover": [],
            "CRM": [["Customer list 2024"], [], ["id", "email"], ["1", "a@x.de"], ["2", "b@x.de"]],
            "Sales": [["order", "amount"], ["o1", 9.99]],
        },
    )
    assert list_sheets(path) == ["Cover", "CRM", "Sales"]
    df, report = read_table(path)  # first non-empty sheet
    assert report.sheet == "CRM" and report.header_row == 2
    assert df.to_dict("records") == [{"id": "1", "email": "a@x.de"}, {"id": "2", "email": "b@x.de"}]
    by_name = read_table(path, ImportOptions(sheet="Sales"))[0]
    by_index = read_table(path, ImportOptions(sheet=2))[0]
    assert by_name.equals(by_index)
    assert by_name.to_dict("records") == [{"order": "o1", "amount": "9.99"}]
    everything = read_all_sheets(path)
    assert list(everything) == ["CRM", "Sales"]
    assert everything["Sales"][0].equals(by_name)
    assert len(preview_table(path, rows=1)[0]) == 1


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("Nope", "multi.xlsx: there is no sheet named 'Nope'; choose one of its 2 sheets."),
        (5, "multi.xlsx: there is no sheet number 6; it has 2."),
        ("Cover", "multi.xlsx: sheet 'Cover' is empty; choose another sheet."),
    ],
)
def test_bad_sheet_choice(tmp_path, sheet, message):
    path = workbook(tmp_path / "multi.xlsx", {"Cover": [], "CRM": [["id"], ["1"]]})
    with pytest.raises(FileImportError) as err:
        read_table(path, ImportOptions(sheet=sheet))
    assert str(err.value) == message


def test_duplicate_and_blank_headers_in_xlsx(tmp_path):
    path = workbook(tmp_path / "h.xlsx", {"S": [["Email", None, "Email"], ["a", "b", "c"]]})
    df, report = read_table(path)
    assert list(df.columns) == ["Email", "Column 2", "Email (2)"]
    assert report.renamed_headers == {"Column 2": "", "Email (2)": "Email"}


def test_defusedxml_is_active():
    assert openpyxl.DEFUSEDXML is True


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("part", "content"),
    [(SHEET, BILLION_LAUGHS), ("xl/sharedStrings.xml", BILLION_LAUGHS), (SHEET, XXE)],
)
def test_entity_attacks_refused_fast_and_small(tmp_path, no_calamine, part, content):
    path = with_part(tmp_path, "evil.xlsx", part, content)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(FileImportError) as err:
        read_table(path)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(err.value) == (
        "evil.xlsx: it contains XML entity declarations, which Excel never writes; "
        "the workbook was not opened. Re-save it in Excel as .xlsx."
    )
    assert elapsed < 1.0 and peak < 200 * 2**20


@pytest.mark.parametrize(
    ("cells", "dimension"),
    [
        (
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
            "XFD1048576",
        ),
        (
            '<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
            None,
        ),
        ('<row r="1"><c r="A1"><v>1</v></c></row>', "A1:XFD1048576"),
    ],
)
def test_one_cell_at_xfd1048576_refused_before_calamine(tmp_path, no_calamine, cells, dimension):
    path = with_part(tmp_path, "far.xlsx", SHEET, sheet_xml(cells, dimension))
    assert path.stat().st_size < 5000
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value) == (
        "far.xlsx: a sheet spans 1,048,576 rows x 16,384 columns, beyond the 50,000,000 cells "
        "LocalReach can read safely; the workbook was not opened. Re-save it in Excel as .xlsx."
    )


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize(
    "xml",
    [
        # row numbers without cell references: calamine counts cells itself
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c><v>1</v></c></row>'
        '<row r="2000000000"><c><v>2</v></c></row></sheetData></worksheet>',
        # a namespace prefix, single quotes and lower-case references
        f"<x:worksheet xmlns:x='{NS}'><x:sheetData><x:row r='1'><x:c r='a1'><x:v>1</x:v></x:c>"
        "</x:row><x:row r='1048576'><x:c r='xfd1048576'><x:v>2</x:v></x:c></x:row>"
        "</x:sheetData></x:worksheet>",
        # leading zeros in a reference (calamine reads it as row 1048576)
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="2"><c r="XFD00000000000000001048576"><v>2</v></c></row></sheetData></worksheet>',
        # blanks around "=" are legal XML
        f'<worksheet xmlns="{NS}"><sheetData><row r = "1"><c r = "A1"><v>1</v></c></row>'
        "<row r\t=\t'1048576'><c\nr =\n'XFD1048576'><v>2</v></c></row></sheetData></worksheet>",
        # cells without references after one far to the right
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="XFD1"><v>1</v></c>'
        + "<c><v>1</v></c>" * 3
        + '</row><row r="5000"><c r="A5000"><v>1</v></c></row></sheetData></worksheet>',
    ],
)
def test_disguised_huge_ranges_refused_before_calamine(tmp_path, no_calamine, xml):
    path = with_part(tmp_path, "odd.xlsx", SHEET, xml.encode())
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert "LocalReach can read safely; the workbook was not opened." in str(err.value)


def test_sheet_stored_under_another_part_name_is_still_checked(tmp_path, no_calamine):
    far = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c r="XFD1048576"/></row>')
    path = with_part(tmp_path, "moved.xlsx", "xl/data/elsewhere.xml", far)
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert "a sheet spans 1,048,576 rows x 16,384 columns" in str(err.value)


def test_prefixed_sheet_without_references_imports(tmp_path):
    xml = (
        f"<x:worksheet xmlns:x='{NS}'><x:sheetData>"
        "<x:row><x:c t='inlineStr'><x:is><x:t>id</x:t></x:is></x:c>"
        "<x:c t='inlineStr'><x:is><x:t>city</x:t></x:is></x:c></x:row>"
        "<x:row><x:c><x:v>7</x:v></x:c><x:c t='inlineStr'><x:is><x:t>Köln</x:t></x:is></x:c></x:row>"
        "</x:sheetData></x:worksheet>"
    )
    df, _ = read_table(with_part(tmp_path, "sdk.xlsx", SHEET, xml.encode()))
    assert df.to_dict("records") == [{"id": "7", "city": "Köln"}]


def test_sparse_far_flung_cells_refused_before_calamine(tmp_path, no_calamine):
    cells = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="400000"><c r="J400000"><v>2</v></c></row>'
    )
    path = with_part(tmp_path, "sparse.xlsx", SHEET, sheet_xml(cells))
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value) == (
        "sparse.xlsx: a sheet spans 400,000 rows x 10 columns but holds only 2 cells; "
        "the workbook was not opened. Re-save it in Excel as .xlsx."
    )


def test_inflated_shared_string_count_refused_before_calamine(tmp_path, no_calamine):
    # calamine reserves uniqueCount entries up front: 2e9 of them aborted the process
    sst = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b" count='3' uniqueCount = '2000000000'><si><t>id</t></si><si><t>name</t></si></sst>"
    )
    path = with_part(tmp_path, "sst.xlsx", "xl/sharedStrings.xml", sst)
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value) == (
        "sst.xlsx: it declares more shared strings than it holds; "
        "the workbook was not opened. Re-save it in Excel as .xlsx."
    )


def test_zip_bomb_refused_before_calamine(tmp_path, no_calamine):
    padding = b" " * (4 * 2**20)  # 4 MiB of whitespace deflates about 1000x
    content = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        b"<sheetData>", padding + b"<sheetData>"
    )
    path = with_part(tmp_path, "bomb.xlsx", SHEET, content, level=9)
    start = time.perf_counter()
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert time.perf_counter() - start < 1.0
    assert str(err.value) == (
        "bomb.xlsx: it would unpack to more than 100 times its size (a zip bomb); "
        "the workbook was not opened. Re-save it in Excel as .xlsx."
    )


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 not really a zip", b"\xd0\xcf\x11\xe0 ole2 encrypted", b""]
)
def test_not_a_workbook(tmp_path, no_calamine, data):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data)
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value) == (
        "broken.xlsx: this is not an Excel .xlsx workbook that can be read (damaged, "
        "password-protected or another format); open it in Excel or LibreOffice and save it as .xlsx."
    )


def test_zip_without_worksheets(tmp_path, no_calamine):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert (
        str(err.value) == "other.xlsx: this is not an Excel .xlsx workbook (no worksheets found)."
    )


def test_source_workbook_unchanged(tmp_path):
    path = workbook(tmp_path / "src.xlsx", {"S": [["id"], ["1"]]})
    os.utime(path, (1_600_000_000, 1_600_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_table(path)
    read_all_sheets(path)
    list_sheets(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert [p.name for p in tmp_path.iterdir()] == ["src.xlsx"]


def test_cancel_during_workbook_check_is_not_an_import_error(tmp_path):
    from core.jobs import Cancelled, JobContext

    path = workbook(tmp_path / "c.xlsx", {"S": [["id"], ["1"]]})
    ctx = JobContext(lambda done, total, msg: ctx.cancel())
    with pytest.raises(Cancelled):
        read_table(path, ctx=ctx)


def test_hidden_and_chart_sheets(tmp_path):
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Lookup"
    hidden.append(["code"])
    hidden.append(["x1"])
    hidden.sheet_state = "hidden"
    data = wb.create_sheet("Data")
    data.append(["id", "amount"])
    data.append([1, 2])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=2, min_row=1, max_row=2))
    wb.create_chartsheet("Chart", 0).add_chart(chart)
    path = tmp_path / "mixed.xlsx"
    wb.save(path)

    assert list_sheets(path) == ["Data", "Lookup"]  # visible first; chart sheets hold no table
    df, report = read_table(path)  # the visible sheet, not the hidden one before it
    assert (report.sheet, df.to_dict("records")) == ("Data", [{"id": "1", "amount": "2"}])
    lookup = read_all_sheets(path)["Lookup"]
    assert lookup[0]["code"].tolist() == ["x1"]
    assert lookup[1].warnings == ["Sheet 'Lookup' is hidden in Excel."]


def test_all_sheets_stack_into_one_table_with_their_names(tmp_path):
    import openpyxl

    from core.io import read_stacked

    book = openpyxl.Workbook()
    north = book.active
    north.title = "North"
    north.append(["email", "postcode"])
    north.append(["a@x.de", "01067"])
    south = book.create_sheet("South")
    south.append(["email", "city"])
    south.append(["b@y.de", "München"])
    south.append(["c@z.de", "Passau"])
    path = tmp_path / "shops.xlsx"
    book.save(path)
    frame, report = read_stacked(path)
    assert list(frame.columns) == ["sheet", "email", "postcode", "city"]
    assert frame.to_dict("list") == {
        "sheet": ["North", "South", "South"],
        "email": ["a@x.de", "b@y.de", "c@z.de"],
        "postcode": ["01067", "", ""],
        "city": ["", "München", "Passau"],
    }
    assert report.rows == 3 and report.columns == 4 and report.sheet is None


def test_cell_references_are_read_as_before_in_one_pass():
    """One pattern for a reference's column and row: the same columns and rows as the two
    patterns it replaced, on references with and without quotes, spaces and odd tails."""
    import random
    import re

    column = re.compile(rb"r\s*=\s*[\"']([A-Za-z]+)[0-9]")
    row = re.compile(rb"r\s*=\s*[\"'][A-Za-z]+([0-9]+)[\"']")
    rng = random.Random(5)
    pieces = [b'<c r="B7">', b"<c r='AA12' t=\"s\">", b'<c r = "x3', b'<c r="Q9x">', b'<row r="4">',
              b'<c r="7">', b"rr='zz1'", b'<v>r="</v>', b'<c r="XFD1048576"/>', b"r=\"A1\"r='B2'"]
    for _ in range(300):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        found = xlsx_module._CELL_REF.findall(data)
        assert {c for c, _, _ in found} == set(column.findall(data)), data
        assert [r for _, r, q in found if q] == row.findall(data), data


def test_repeated_texts_of_a_workbook_share_one_object_and_read_the_same(tmp_path):
    """The reader makes a string per cell; repeated texts are shared (memory, speed),
    and every cell still reads as written, ids untouched."""
    cities = ["Berlin", "Köln", "Paris", "Berlin "]
    rows = [["id", "city", "born", "spend"]]
    rows += [[f"C{i:05d}", cities[i % 4], dt.date(1980 + i % 3, 1, 1), 1.5 * (i % 5)]
             for i in range(3000)]
    df, _ = read_table(workbook(tmp_path / "people.xlsx", {"People": rows}))

    def objects(column):
        return len({id(v) for v in df[column].to_numpy(dtype=object)})

    assert [objects(c) for c in ("city", "born", "spend")] == [4, 3, 5]
    assert objects("id") == 3000
    assert df["city"].tolist() == [cities[i % 4] for i in range(3000)]
    assert df["born"].iloc[:4].tolist() == ["1980-01-01", "1981-01-01", "1982-01-01", "1980-01-01"]
    assert df["spend"].iloc[:5].tolist() == ["0", "1.5", "3", "4.5", "6"]
