"""CSV/TSV/TXT import: encodings, delimiters, headers, literals, ragged rows (RELIABILITY 4-9)."""

from __future__ import annotations

import os

import pytest

from core.errors import FileImportError
from core.io import ImportOptions, ImportReport, preview_table, read_table


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_cp1252_euro_and_curly_quotes_decoded(tmp_path):
    text = "name;price;note\r\nMüller;12,50 €;“great” – ‘ok’\r\n"
    path = write(tmp_path, "shop.csv", text.encode("cp1252"))
    df, report = read_table(path)
    assert report.encoding == "cp1252"
    assert df.loc[0, "price"] == "12,50 €"
    assert df.loc[0, "note"] == "“great” – ‘ok’"
    assert df.loc[0, "name"] == "Müller"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-16-le"])
def test_bom_and_utf16_leave_no_bom_in_header(tmp_path, encoding):
    text = "email,Straße\nx@y.de,Hauptstraße 1\n"
    path = write(tmp_path, "u.csv", text.encode(encoding))
    df, report = read_table(path)
    assert list(df.columns) == ["email", "Straße"]
    assert df.to_dict("records") == [{"email": "x@y.de", "Straße": "Hauptstraße 1"}]
    assert report.encoding.startswith("utf-")


def test_encoding_override_and_wrong_override(tmp_path):
    path = write(tmp_path, "w.csv", "a,b\n€,2\n".encode("cp1252"))
    assert read_table(path, ImportOptions(encoding="cp1252"))[0].loc[0, "a"] == "€"
    with pytest.raises(FileImportError) as err:
        read_table(path, ImportOptions(encoding="utf-8"))
    assert str(err.value) == (
        "w.csv, line 2: the text is not valid utf-8; choose another encoding in the import options."
    )


@pytest.mark.parametrize("first_line", ["sep=;\r\n", ""])
def test_semicolon_csv_with_and_without_sep_line(tmp_path, first_line):
    text = first_line + "id;name;amount\r\n1;Anna;12,50\r\n2;Bernd;3,00\r\n"
    df, report = read_table(write(tmp_path, "semi.csv", text.encode()))
    assert report.delimiter == ";"
    assert list(df.columns) == ["id", "name", "amount"]
    assert df["amount"].tolist() == ["12,50", "3,00"]


@pytest.mark.parametrize(("delim", "name"), [("\t", "t.tsv"), ("|", "p.txt"), ("\t", "t.txt")])
def test_tab_and_pipe_sniffed(tmp_path, delim, name):
    text = delim.join(["id", "city"]) + "\n" + delim.join(["1", "Köln, Innenstadt"]) + "\n"
    df, report = read_table(write(tmp_path, name, text.encode()))
    assert report.delimiter == delim
    assert df.to_dict("records") == [{"id": "1", "city": "Köln, Innenstadt"}]


def test_quoted_newlines_and_quotes_inside_fields(tmp_path):
    text = 'id,address,note\r\n1,"Main St 1\r\nFlat 2","He said ""hi"""\r\n2,"a\rb",x\r\n'
    df, _ = read_table(write(tmp_path, "q.csv", text.encode()))
    assert df["address"].tolist() == ["Main St 1\r\nFlat 2", "a\rb"]
    assert df.loc[0, "note"] == 'He said "hi"'
    assert len(df) == 2


def test_literals_kept_as_text(tmp_path):
    text = (
        'zip,phone,country,maybe,empty,date,num\n01234,+49 151 1234567,NA,None,"",03.04.2024,1e5\n'
    )
    df, _ = read_table(write(tmp_path, "lit.csv", text.encode()))
    assert df.iloc[0].tolist() == [
        "01234",
        "+49 151 1234567",
        "NA",
        "None",
        "",
        "03.04.2024",
        "1e5",
    ]
    assert all(df[c].map(type).eq(str).all() for c in df.columns)
    assert not df.isna().any().any()


def test_title_rows_above_header_are_skipped(tmp_path):
    text = "Customer export;;;\nprinted 03.04.2024;;;\n;;;\nid;first;last;email\n1;Ann;Lee;a@x.de\n"
    df, report = read_table(write(tmp_path, "title.csv", text.encode()))
    assert report.header_row == 3  # the ";;;" line counts as a row
    assert list(df.columns) == ["id", "first", "last", "email"]
    assert df.iloc[0].tolist() == ["1", "Ann", "Lee", "a@x.de"]


def test_header_with_half_its_cells_blank_is_still_the_header(tmp_path):
    df, report = read_table(write(tmp_path, "half.csv", b"id,name,,\n1,Ann,x,y\n2,Bob,z,w\n"))
    assert report.header_row == 0
    assert list(df.columns) == ["id", "name", "Column 3", "Column 4"]
    assert len(df) == 2


def test_explicit_header_row(tmp_path):
    text = "x,y\nid,name\n1,Ann\n"
    df, report = read_table(write(tmp_path, "h.csv", text.encode()), ImportOptions(header_row=1))
    assert list(df.columns) == ["id", "name"]
    assert df.iloc[0].tolist() == ["1", "Ann"]
    assert report.header_row == 1


def test_duplicate_and_blank_headers_renamed_visibly(tmp_path):
    text = "Email,Name,Email,,email\na@x,Ann,b@x,z,c@x\n"
    df, report = read_table(write(tmp_path, "dup.csv", text.encode()))
    assert list(df.columns) == ["Email", "Name", "Email (2)", "Column 4", "email (3)"]
    assert report.renamed_headers == {"Email (2)": "Email", "Column 4": "", "email (3)": "email"}
    assert report.warnings == [
        "Renamed 3 header(s) so every column has a unique name: 'Email' -> 'Email (2)', "
        "blank header -> 'Column 4', 'email' -> 'email (3)'."
    ]
    assert df.iloc[0].tolist() == ["a@x", "Ann", "b@x", "z", "c@x"]


def test_blank_header_named_after_its_position_in_the_file(tmp_path):
    df, report = read_table(write(tmp_path, "p.csv", b"id,,,note\n1,,x,y\n"))
    assert list(df.columns) == ["id", "Column 3", "note"]
    assert report.warnings[0] == "Ignored 1 empty column(s) without a header."


def test_empty_rows_and_unnamed_empty_columns_dropped_with_warnings(tmp_path):
    text = "id;name;;\n1;Ann;;\n;;;\n2;Bob;;\n"
    df, report = read_table(write(tmp_path, "e.csv", text.encode()))
    assert list(df.columns) == ["id", "name"]
    assert df["name"].tolist() == ["Ann", "Bob"]
    assert report.warnings == [
        "Ignored 2 empty column(s) without a header.",
        "Skipped 1 empty row(s).",
    ]


def test_short_row_padded_with_empty_cells(tmp_path):
    df, _ = read_table(write(tmp_path, "s.csv", b"a,b,c\n1,2\n3,4,5\n"))
    assert df.values.tolist() == [["1", "2", ""], ["3", "4", "5"]]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id,name,city\n1,Ann,Rome,extra\n2,Bob,Oslo\n", 2),  # first data row: pandas shifts
        ('id,name,city\n1,"Ann\nLee",Rome\n2,Bob,Oslo\n3,Cy,Kyiv,x\n', 5),
        ("title\nid,name,city\n1,Ann,Rome\n2,Bob,Oslo,x\n", 4),
    ],
)
def test_ragged_row_refused_with_physical_line(tmp_path, text, line):
    with pytest.raises(FileImportError) as err:
        read_table(write(tmp_path, "ragged.csv", text.encode()))
    assert str(err.value) == (
        f"ragged.csv, line {line}: this row has 4 fields but the header has 3; "
        "check for a stray comma or a missing quote in that row."
    )


def test_unterminated_quote_refused_with_line(tmp_path):
    text = 'id;name\n1;Ann\n2;"Bob\n3;Cy\n'
    with pytest.raises(FileImportError) as err:
        read_table(write(tmp_path, "open.csv", text.encode()))
    assert str(err.value) == (
        'open.csv, line 3: a quoted value is never closed (a missing "); '
        "fix the quote in the file and import it again."
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("none.csv", None, "none.csv: file not found; check the path and try again."),
        (
            "blank.csv",
            b" \r\n\r\n",
            "blank.csv: the file is empty; export the data again and re-import it.",
        ),
        (
            "old.numbers",
            b"x",
            "old.numbers: Numbers files are not supported; export the sheet from Numbers as "
            ".xlsx or .csv and import that.",
        ),
        (
            "a.pdf",
            b"x",
            "a.pdf: unknown file type '.pdf'; import a .csv, .tsv, .txt, .xlsx, .xls, .xlsb "
            "or .ods file.",
        ),
        (
            "book.csv",
            b"PK\x03\x04\x14\x00",
            "book.csv: this is an Excel workbook, not text; save it as .xlsx "
            "(or export it as CSV from Excel) and import that.",
        ),
        (
            "bin.csv",
            b"a,b\n\x81\x8d,\x90\n",
            "bin.csv: the text encoding could not be recognised "
            "(not UTF-8 or Windows-1252); choose the encoding in the import options.",
        ),
    ],
)
def test_bad_files_give_one_line(tmp_path, name, data, message):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert str(err.value) == message


def test_error_messages_hold_no_cell_values(tmp_path):
    path = write(tmp_path, "p.csv", b"email,phone\nsecret@mail.de,0151999\nleak@x.de,1,2\n")
    with pytest.raises(FileImportError) as err:
        read_table(path)
    assert "secret" not in str(err.value) and "leak" not in str(err.value)


def test_source_file_bytes_and_mtime_unchanged(tmp_path):
    path = write(tmp_path, "src.csv", "sep=;\nid;name\n1;Müller\n".encode("cp1252"))
    os.utime(path, (1_600_000_000, 1_600_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_table(path)
    preview_table(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src.csv"]


def test_report_and_options_round_trip(tmp_path):
    path = write(tmp_path, "r.csv", b"a,b\n1,2\n3,4\n")
    df, report = read_table(path, ImportOptions(delimiter=","))
    assert (report.rows, report.columns, report.delimiter, report.header_row) == (2, 2, ",", 0)
    assert len(report.sha256) == 64
    assert ImportReport.from_dict(report.to_dict()) == report
    opts = ImportOptions(encoding="cp1252", delimiter=";", sheet=1, header_row=2)
    assert ImportOptions.from_dict(opts.to_dict()) == opts


def test_preview_reads_only_the_first_rows(tmp_path):
    rows = "".join(f"{i},name{i}\n" for i in range(5000))
    path = write(tmp_path, "big.csv", ("id,name\n" + rows).encode())
    df, report = preview_table(path, rows=50)
    assert len(df) == 50 and report.rows == 50
    assert df["id"].tolist()[-1] == "49"
    assert len(read_table(path)[0]) == 5000


def test_preview_of_a_large_file_cut_inside_a_quote(tmp_path):
    note = '"' + "long note\n" * 30_000 + '"'  # one quoted value spans the 1 MiB preview cut
    path = write(tmp_path, "wide.csv", f"id,note\n1,{note}\n2,short\n".encode())
    df, report = preview_table(path, rows=5)
    assert df["id"].tolist() == ["1", "2"]
    assert df.loc[0, "note"] == note[1:-1]
    assert report.sha256 == read_table(path)[1].sha256


def test_progress_reported_and_cancel_honoured(tmp_path, monkeypatch):
    from core.io import text
    from core.jobs import Cancelled, JobContext

    monkeypatch.setattr(text, "CHUNK_ROWS", 1000)
    rows = "".join(f"{i},n{i}\n" for i in range(2500))
    path = write(tmp_path, "many.csv", ("id,name\n" + rows).encode())
    seen = []
    df, _ = read_table(path, ctx=JobContext(lambda done, total, msg: seen.append((done, msg))))
    assert len(df) == 2500
    assert [d for d, _ in seen] == [1000, 2000, 2501]  # rows parsed (header included) of lines
    assert seen[0][1] == "Reading many.csv"

    ctx = JobContext(lambda done, total, msg: ctx.cancel())
    with pytest.raises(Cancelled):
        read_table(path, ctx=ctx)


def test_formula_guard_apostrophe_undone_only_before_formula_characters(tmp_path):
    text = "a,b\n'=1+1,'plain\nO'Brien,'-2+3\n'@x,''=y\n"
    df, report = read_table(write(tmp_path, "g.csv", text.encode()))
    assert df.values.tolist() == [["=1+1", "'plain"], ["O'Brien", "-2+3"], ["@x", "''=y"]]
    assert report.warnings == ["Removed the protective apostrophe before = + - @ from 3 cell(s)."]


def test_header_only_file_gives_named_empty_frame(tmp_path):
    df, report = read_table(write(tmp_path, "h.csv", b"id;email\r\n"))
    assert list(df.columns) == ["id", "email"] and len(df) == 0 and report.rows == 0


def test_old_mac_line_endings(tmp_path):
    df, report = read_table(write(tmp_path, "mac.csv", b'id;name\r1;Ann\r2;"B\rob"\r'))
    assert df.values.tolist() == [["1", "Ann"], ["2", "B\rob"]] and report.delimiter == ";"
    with pytest.raises(FileImportError, match=r"^mac2.csv, line 4: this row has 3 fields"):
        read_table(write(tmp_path, "mac2.csv", b"id;name\r1;Ann\r2;Bob\r3;Cy;x\r"))


def test_excel_unicode_text_export(tmp_path):
    """Excel's "Unicode Text (*.txt)": UTF-16 with BOM, tab-separated."""
    text = "Name\tE-Mail\tPLZ\r\nMüller\tm@x.de\t01234\r\n"
    df, report = read_table(write(tmp_path, "export.txt", text.encode("utf-16")))
    assert (report.encoding, report.delimiter) == ("utf-16", "\t")
    assert df.to_dict("records") == [{"Name": "Müller", "E-Mail": "m@x.de", "PLZ": "01234"}]
