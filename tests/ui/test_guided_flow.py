"""One guided flow on files of one's own: the customer list then the sales file, how many
sales lines match, a sales file alone, and a real sales history (date, quantity, amount
only -- no product) through Segments, Compose and Export."""

import random
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtWidgets import QFileDialog

FIRST = ["Ava", "Ben", "Cleo", "Dan", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jade"]
PEOPLE = 40


@pytest.fixture
def files(tmp_path):
    """A shop's own export: 40 customers, and 1-6 orders each as date, quantity, amount."""
    rng = random.Random(7)
    crm = tmp_path / "customers.csv"
    crm.write_text("Customer ID,First name,Last name,E-mail,Newsletter\n" + "".join(
        f"{i:05d},{FIRST[i % 10]},Test{i},{FIRST[i % 10].lower()}{i}@example.org,yes\n"
        for i in range(1, PEOPLE + 1)), encoding="utf-8")
    lines = []
    for i in range(1, PEOPLE + 1):
        for _ in range(rng.randint(1, 6)):
            q = rng.randint(1, 4)
            lines.append(f"{i:05d},1997-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{q},"
                         f"{q * rng.uniform(9, 20):.2f}\n")
    sales = tmp_path / "orders.csv"
    sales.write_text("Customer ID,Date,Quantity,Amount\n" + "".join(lines), encoding="utf-8")
    return crm, sales, len(lines)


def _answer_dialogs(monkeypatch, answers):
    """File dialogs answered in turn ("" = Cancel); returns the captions they showed."""
    captions, queue = [], list(answers)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(
        lambda _p, caption, _d, _f: (captions.append(caption), (str(queue.pop(0)), ""))[1]))
    return captions


def _idle(window, qtbot, step):
    qtbot.waitUntil(lambda: not window.jobs.is_running(step), timeout=60000)


def _import_previewed(window, qtbot, target):
    screen = window.screens["import"]
    _idle(window, qtbot, "import")
    screen.import_button.click()
    qtbot.waitUntil(lambda: window.document.frame(target) is not None, timeout=30000)


def test_import_my_files_asks_for_the_list_then_the_sales_file(window, qtbot, monkeypatch, files):
    crm, sales, lines = files
    captions = _answer_dialogs(monkeypatch, [crm, sales])
    screen = window.screens["import"]
    screen.files_button.click()
    _import_previewed(window, qtbot, "crm")
    assert captions == ["1 of 2: your customer list (Cancel if you only have a sales file)",
                        "2 of 2: your sales file (Cancel to go on without one)"]
    assert screen.pending[0] == "sales"
    _import_previewed(window, qtbot, "sales")
    _idle(window, qtbot, "import")
    assert screen.match_label.isVisible()
    assert screen.match_label.text() == f"{lines} of {lines} sales lines belong to a customer in the list."


def test_few_matching_sales_lines_say_what_to_check(window, qtbot, monkeypatch, files):
    crm, sales, lines = files
    unpadded = sales.with_name("orders_unpadded.csv")  # "00001" became "1" in the sales system
    unpadded.write_text("\n".join(row.lstrip("0") for row in sales.read_text().splitlines()), encoding="utf-8")
    _answer_dialogs(monkeypatch, [crm, unpadded])
    window.screens["import"].files_button.click()
    _import_previewed(window, qtbot, "crm")
    _import_previewed(window, qtbot, "sales")
    _idle(window, qtbot, "import")
    text = window.screens["import"].match_label.text()
    assert text.startswith(f"⚠ None of the {lines} sales lines belongs to a customer.")
    assert "'Customer ID' in the sales file holds the same customer numbers as 'Customer ID'" in text


def test_a_sales_file_alone_is_a_start(window, qtbot, monkeypatch, files):
    _crm, sales, lines = files
    captions = _answer_dialogs(monkeypatch, ["", sales])
    screen = window.screens["import"]
    screen.files_button.click()
    assert captions[1] == "Your sales file"
    _import_previewed(window, qtbot, "sales")
    assert not screen.welcome.isVisible() and screen.target == "sales"
    assert window.sidebar.item(0).text().splitlines()[1].strip() == f"{lines} sales rows"
    segments = window.screens["segments"]
    window.go_to("segments")
    assert segments.waiting_for() is None
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None, timeout=60000)
    customers = window.document.frame("crm")
    assert len(customers) == PEOPLE and customers["segment"].notna().all()  # one row per customer key
    assert segments.result()["report"]["buyers"] == PEOPLE
    assert window.document.source("crm")["from_sales"]


def test_a_real_sales_history_goes_through_segments_compose_and_export(window, qtbot, monkeypatch,
                                                                        files, tmp_path):
    crm, sales, _lines = files
    _answer_dialogs(monkeypatch, [crm, sales])
    window.screens["import"].files_button.click()
    _import_previewed(window, qtbot, "crm")
    _import_previewed(window, qtbot, "sales")
    errors = []
    for screen in window.screens.values():
        monkeypatch.setattr(screen, "show_error", errors.append)
    segments = window.screens["segments"]
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None or bool(errors), timeout=60000)
    assert errors == [] and segments.result()["report"]["buyers"] == PEOPLE
    compose = window.screens["compose"]
    window.go_to("compose")
    compose.commit()
    compose.run_check()
    qtbot.waitUntil(lambda: compose.checks is not None or bool(errors), timeout=60000)
    assert errors == [] and compose.checks[0].text == f"{PEOPLE} messages will be written."
    export = window.screens["export"]
    window.go_to("export")
    _idle(window, qtbot, "export")
    assert errors == [] and export.plan_label.text() == f"Will write {PEOPLE} messages."
    export.folder.setText(str(tmp_path / "out"))
    export.export_button.click()
    qtbot.waitUntil(lambda: window.document.state("export") is not None or bool(errors), timeout=60000)
    assert errors == []
    assert len(list(Path(tmp_path / "out").glob("*.eml"))) == PEOPLE
    qtbot.waitUntil(lambda: not any(window.jobs.is_running(s) for s in window.screens), timeout=30000)


def test_find_groups_before_any_file_does_nothing(window, qtbot):
    segments = window.screens["segments"]
    segments.find_groups()  # a shortcut or a stale button: no job, no error, no made-up list
    assert not window.jobs.is_running("segments") and window.document.frame("crm") is None


def test_sidebar_counts_rows_like_the_import_screen_does(window):
    sales = pd.DataFrame({"customer_id": [str(i % 50) for i in range(1234)]})
    window.document.set_frame("sales", sales, "Import", roles={"customer_id": "customer_id"})
    assert window.sidebar.item(0).text().splitlines()[1].strip() == "1,234 sales rows"
