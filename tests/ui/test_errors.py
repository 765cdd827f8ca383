"""Errors a person can act on: what, where (file and column), what to do; the log file."""

import logging
import sys

import pandas as pd
from PySide6.QtWidgets import QApplication, QMessageBox

from app.logging_setup import log_file, setup_logging
from ui.widgets.error_dialog import install_excepthook

SECRET = "Anna Schmidt"  # a value from the file: must reach neither the log nor the dialog


def _boxes():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _import_sales(window):
    frame = pd.DataFrame({"customer_id": ["1"], "order_date": ["2024-01-02"], "amount": ["9.50"]})
    roles = {"customer_id": "customer_id", "order_date": "order_date", "amount": "amount"}
    window.document.set_source("sales", frame, {"path": "/home/x/orders_2024.csv"}, roles, "Import sales")


def _fail_in_segments(window, qtbot, exc):
    screen = window.screens["segments"]

    def work(_ctx):
        raise exc

    screen.run_job(work, lambda _r: None)
    qtbot.waitUntil(lambda: bool(_boxes()))
    return _boxes()[-1]


def test_a_failing_job_says_what_where_and_what_to_do(window, qtbot):
    path = setup_logging()
    _import_sales(window)
    box = _fail_in_segments(window, qtbot, ValueError(f"could not convert string to float: '{SECRET}'"))
    text = f"{box.text()}\n{box.informativeText()}"
    assert "Segments could not finish" in box.text()
    assert "orders_2024.csv" in text  # the file
    assert "order_date (orders_2024.csv)" in text and "amount (orders_2024.csv)" in text  # its columns
    assert "Import screen" in text  # what to do
    assert str(log_file()) in text and path == log_file() and path.parent.parent == log_file().parent.parent
    assert "Traceback" in box.detailedText() and "work" in box.detailedText()  # Show details
    assert SECRET not in text + box.detailedText()
    box.close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = path.read_text(encoding="utf-8")
    assert "job segments failed" in logged and "ValueError" in logged and "in work" in logged
    assert SECRET not in logged


def test_a_missing_column_is_named(window, qtbot):
    _import_sales(window)
    box = _fail_in_segments(window, qtbot, KeyError("['product'] not in index"))
    assert box.text() == "Segments needs a column your files do not have: product."
    assert "mark the column" in box.informativeText()
    box.close()


def test_an_exception_in_a_slot_reaches_the_log_and_a_dialog(window, qtbot):
    setup_logging()
    old = sys.excepthook
    install_excepthook(window)
    try:
        window.go_to("compose")
        try:
            {}["product"]
        except KeyError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = old
    box = _boxes()[-1]
    assert box.windowTitle() == "Compose" and "product" in box.text()
    assert "test_an_exception_in_a_slot" in box.detailedText()
    box.close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "unhandled exception" in log_file().read_text(encoding="utf-8")


def test_our_own_errors_name_the_users_column_not_its_role(window, qtbot):
    from core.errors import ColumnError

    frame = pd.DataFrame({"Kunde": ["1"], "Datum": ["31.12.2024"], "Betrag": ["9,50"]})
    roles = {"Kunde": "customer_id", "Datum": "order_date", "Betrag": "amount"}
    window.document.set_source("sales", frame, {"path": "umsatz.csv"}, roles, "Import sales")
    box = _fail_in_segments(window, qtbot, ColumnError(
        "No date in the sales column 'order_date' could be read; dates must look like 2025-03-31."))
    assert box.text() == "No date in the sales column 'Datum' could be read; dates must look like 2025-03-31."
    box.close()
