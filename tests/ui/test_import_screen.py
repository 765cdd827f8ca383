"""Drive the Import screen as a user would: demo data, a messy file, options, roles, undo."""

import pandas as pd
from PySide6.QtCore import Qt


def _wait_idle(qtbot, screen):
    qtbot.waitUntil(lambda: not screen.jobs.is_running(screen.STEP), timeout=20000)


def test_demo_data_loads_through_the_welcome_button(window, qtbot):
    screen = window.screens["import"]
    assert screen.welcome.isVisible()
    assert screen.demo_button.text() == "Try the demo data"
    screen.demo_button.click()
    _wait_idle(qtbot, screen)
    crm, sales = window.document.frame("crm"), window.document.frame("sales")
    truth = pd.read_csv("resources/demo/truth.csv")
    assert len(crm) == len(truth)
    assert sales is not None and len(sales) > len(crm)
    assert window.document.roles("crm")["email"] == "email"
    assert window.document.roles("sales")["order_date"] == "order_date"
    assert not screen.welcome.isVisible()
    assert screen.model.rowCount() == len(crm)
    assert "✓" in window.sidebar.item(0).text() and f"{len(crm):,} customer rows" in window.sidebar.item(0).text()
    assert [e["step"] for e in window.document.audit_entries()] == ["import", "import"]
    window.undo_action.trigger()
    assert window.document.frame("crm") is None and window.document.frame("sales") is None


def test_semicolon_file_preview_options_roles_and_import(window, qtbot, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes(
        "Vorname;Nachname;E-Mail;PLZ;Telefon\r\n"
        "Jürgen;Groß;j.gross@example.de;01067;+49 151 1234567\r\n"
        "Anna;Müller;anna@example.de;80331;0151 7654321\r\n".encode("cp1252")
    )
    before = path.read_bytes(), path.stat().st_mtime_ns
    screen = window.screens["import"]
    screen.preview_file("crm", path)
    _wait_idle(qtbot, screen)
    assert screen.model.columnCount() == 5
    assert screen.model.index(0, 1).data() == "Groß"  # cp1252 decoded, not latin-1 mojibake
    assert screen.model.index(0, 3).data() == "01067"  # leading zero kept
    header = screen.model.headerData(2, Qt.Orientation.Horizontal)
    assert header == "E-Mail\nE-mail"
    # the user says the postcode column is something else, then imports
    screen.change_role("PLZ", "other")
    screen.import_button.click()
    _wait_idle(qtbot, screen)
    doc = window.document
    assert doc.roles("crm")["PLZ"] == "other" and doc.roles("crm")["E-Mail"] == "email"
    assert [(c, r) for c, r, _e in screen._shown_roles()] == list(doc.roles("crm").items())
    assert list(doc.frame("crm")["Vorname"]) == ["Jürgen", "Anna"]
    # a role change after import is its own undoable action
    screen.change_role("PLZ", "postcode")
    assert window.undo_action.text() == "&Undo Set 'PLZ' to Postcode"
    assert dict((c, r) for c, r, _e in screen._shown_roles())["PLZ"] == "postcode"
    window.undo_action.trigger()
    assert doc.roles("crm")["PLZ"] == "other"
    # the roles table shows the undone role (it is rebuilt only when what it shows differs)
    assert [(c, r) for c, r, _e in screen._shown_roles()] == list(doc.roles("crm").items())
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # source untouched


def test_bad_file_shows_one_clear_message_and_imports_nothing(window, qtbot, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('name,email\n"Ann,ann@example.com\n')
    screen = window.screens["import"]
    errors = []
    screen.show_error = errors.append
    screen.preview_file("crm", path)
    _wait_idle(qtbot, screen)
    assert len(errors) == 1
    message = str(errors[0])
    assert "broken.csv" in message and "ann@example.com" not in message
    assert window.document.frame("crm") is None


def test_all_sheets_of_a_workbook_import_as_one_table(window, qtbot, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Berlin"
    book.active.append(["E-Mail", "Vorname"])
    book.active.append(["a@x.de", "Ada"])
    hamburg = book.create_sheet("Hamburg")
    hamburg.append(["E-Mail", "Vorname"])
    hamburg.append(["b@y.de", "Bo"])
    path = tmp_path / "filialen.xlsx"
    book.save(path)
    screen = window.screens["import"]
    screen.preview_file("crm", path)
    _wait_idle(qtbot, screen)
    assert [screen.sheet.itemText(i) for i in range(screen.sheet.count())] == [
        "Berlin", "Hamburg", "All sheets, one under the other"]
    assert screen.model.rowCount() == 1
    screen.sheet.setCurrentIndex(2)
    _wait_idle(qtbot, screen)
    assert screen.model.rowCount() == 2
    screen.import_button.click()
    _wait_idle(qtbot, screen)
    frame = window.document.frame("crm")
    assert frame.to_dict("list") == {"sheet": ["Berlin", "Hamburg"], "E-Mail": ["a@x.de", "b@y.de"],
                                     "Vorname": ["Ada", "Bo"]}
    assert window.document.roles("crm")["E-Mail"] == "email"


def test_role_menu_from_a_column_header_changes_the_role(window, qtbot, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Mail\nAda,ada@example.org\n")
    screen = window.screens["import"]
    screen.preview_file("crm", path)
    _wait_idle(qtbot, screen)
    menu = screen.role_menu("Mail")
    checked = [a.text() for a in menu.actions() if a.isChecked()]
    assert checked == ["E-mail"]
    next(a for a in menu.actions() if a.text() == "Other").trigger()
    assert screen.current_roles()["Mail"] == "other"
    assert screen.model.headerData(1, Qt.Orientation.Horizontal) == "Mail\nOther"
