"""Import: the project's home country (detected, shown, changed, used by Quality), several
customer lists linked into one person table, and how a sales file's lines count as orders."""

import pytest
from PySide6.QtWidgets import QFileDialog

from app.actions import imports
from ui.screens.quality.screen import Screen as QualityScreen

FIRST = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Rosie", "Sophia", "Grace", "Freya",
         "Willow", "Emily", "Ella", "Poppy", "Noah", "George", "Oliver", "Arthur", "Leo", "Harry", "Oscar",
         "Archie", "Henry", "Freddie", "Jack", "Charlie", "Theo", "Alfie", "Jacob", "Thomas", "Finley",
         "Arlo", "William", "Isaac", "Max", "Toby", "Lucas", "Ezra", "Ruby", "Evie", "Daisy", "Maya",
         "Hallie", "Zara"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
        "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Clarke", "Jackson", "Wood",
        "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes", "Moore", "Clark",
        "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan", "Scott", "Watson", "Davis",
        "Parker", "James", "Bennett", "Young"]
POSTCODES = ["SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "LS1 4AP",
             "G1 1XQ"]


def person(i: int) -> dict:
    return {"first": FIRST[i], "last": LAST[i], "email": f"{FIRST[i].lower()}.{LAST[i].lower()}@example.co.uk",
            "phone": f"07700 9{i:05d}", "postcode": POSTCODES[i % len(POSTCODES)]}


@pytest.fixture
def uk_files(tmp_path):
    """A UK shop: 30 people in the webshop list, 25 in the newsletter list, 10 in both
    (the newsletter writes e-mails in capitals, phones without +44 and names its columns
    its own way). No country column: the +44 numbers say GB."""
    shop = tmp_path / "webshop.csv"
    rows = [person(i) for i in range(30)]
    shop.write_text("First name,Surname,Email,Phone,Postcode\n" + "".join(
        f"{p['first']},{p['last']},{p['email']},+44 {p['phone'][1:]},{p['postcode']}\n" for p in rows),
        encoding="utf-8")
    news = tmp_path / "newsletter.csv"
    rows = [person(i) for i in range(20, 45)]
    news.write_text("Given name;Family name;E-mail address;Mobile\n" + "".join(
        f"{p['first']};{p['last']};{p['email'].upper()};{p['phone']}\n" for p in rows), encoding="utf-8")
    return shop, news


def _valid_share(quality, column):
    bar = next(r for r in quality.bars.rows if r.column == column)
    return bar.valid / (bar.valid + bar.missing + bar.invalid)


def _choose(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a: (str(path), "")))


def _import(window, qtbot, screen, target, path, monkeypatch):
    _choose(monkeypatch, path)
    screen.choose_file(target)
    qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=10000)
    rows_before = window.document.undo_stack.count()
    screen.import_button.click()
    qtbot.waitUntil(lambda: window.document.undo_stack.count() > rows_before and not window.jobs.is_running("import"),
                    timeout=20000)


def test_a_uk_file_shows_region_gb_and_quality_reads_its_postcodes(window, qtbot, monkeypatch, uk_files):
    screen = window.screens["import"]
    _import(window, qtbot, screen, "crm", uk_files[0], monkeypatch)
    assert (screen.region.text(), screen.region_how.text()) == ("GB", "(detected from the customer list)")
    assert window.document.state("region") == {"code": "GB", "how": "detected from the customer list"}
    quality = QualityScreen(window.document, window.jobs)  # alone: not every engine of the window
    qtbot.addWidget(quality)
    quality.show()
    qtbot.waitUntil(lambda: quality.report is not None, timeout=20000)
    assert quality.region.text() == "GB" and _valid_share(quality, "Postcode") > 0.9  # 30 of 30
    screen.region.setText("de")  # one undoable change, used by Quality at once
    screen.region.editingFinished.emit()
    assert window.document.state("region") == {"code": "DE", "how": "chosen by you"}
    assert screen.region_how.text() == "(chosen by you)"
    qtbot.waitUntil(lambda: quality.report is not None and quality.region.text() == "DE", timeout=20000)
    assert _valid_share(quality, "Postcode") == 0  # UK postcodes read as German: the "100% invalid"
    window.document.undo_stack.undo()
    assert window.document.state("region")["code"] == "GB" and screen.region.text() == "GB"


def test_two_lists_of_30_and_25_with_10_shared_are_45_people(window, qtbot, monkeypatch, uk_files):
    shop, news = uk_files
    screen = window.screens["import"]
    _import(window, qtbot, screen, "crm", shop, monkeypatch)
    assert screen.add_list_button.isVisible()
    _import(window, qtbot, screen, "more", news, monkeypatch)
    doc = window.document
    assert len(doc.frame("crm")) == 45
    assert imports.customer_lists(doc) == [("webshop", 30), ("newsletter", 25)]
    assert screen.lists_label.text() == ("2 customer lists: webshop (30 rows), newsletter (25 rows); "
                                         "linked into 45 people.")
    assert (doc.frame("crm")["list"] == "webshop, newsletter").sum() == 10
    assert window.sidebar.item(0).text().splitlines()[1:] == [
        "      webshop: 30 rows", "      newsletter: 25 rows", "      45 people"]
    assert doc.undo_stack.undoText() == "Add the customer list 'newsletter'"
    doc.undo_stack.undo()  # one undo takes the second list back
    assert len(doc.frame("crm")) == 30 and imports.customer_lists(doc) == [("webshop", 30)]


def test_refunded_and_cancelled_orders_are_named_in_the_import_report(window, qtbot, monkeypatch, tmp_path):
    sales = tmp_path / "orders.csv"
    sales.write_text("Order ID,Customer ID,Date,Amount,Status\n"
                     "1,C1,2024-01-02,10.00,paid\n1,C1,2024-01-02,5.00,\n2,C2,2024-01-03,7.00,cancelled\n"
                     "3,C3,2024-01-04,8.00,refunded\n3,C3,2024-01-04,2.00,\n4,C1,2024-02-01,9.00,paid\n",
                     encoding="utf-8")
    screen = window.screens["import"]
    _import(window, qtbot, screen, "sales", sales, monkeypatch)
    assert screen.notes.text().splitlines() == [
        "2 orders from 6 lines count as spend.",
        "1 cancelled order left out (1 line): no money was taken or it was given back.",
        "1 refunded order left out (2 lines): no money was taken or it was given back.",
    ]


def test_an_import_finds_roles_and_region_in_its_job_not_as_the_file_lands(window, monkeypatch, uk_files):
    """As the file landed, the Import screen's refresh looked for the region on the GUI
    thread (70 ms at 100k customers), and roles that did not fit the file were guessed
    there too (455 ms). The job finds both; what lands is only stored and shown."""
    import core.region
    from core.jobs import JobContext

    action = imports.import_file(window.document, "crm", uk_files[0], {}, {"stale": "email"})
    result = action.work(JobContext())

    def on_the_gui_thread(*_args, **_kwargs):
        raise AssertionError("worked out as the file lands")

    monkeypatch.setattr(core.region, "detect_region", on_the_gui_thread)
    monkeypatch.setattr(imports, "detect_roles", on_the_gui_thread)
    action.apply(result)
    assert window.document.state("region")["code"] == "GB"
    assert window.screens["import"].region.text() == "GB"
    assert window.document.roles("crm")["Email"] == "email"
    window.document.undo_stack.undo()  # the import and its region are one step
    assert window.document.frame("crm") is None and window.document.state("region") is None
