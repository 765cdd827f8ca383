"""File > Run this project on new files: one field per customer list of the project and
one for its events file; a field left empty reads the project's stored file again.

Five shop customers (ids 1001-1005), a newsletter of three (Ada and Eva are in the shop
too, Finn only here), six orders of the shop's ids (the last on 30 March 2024, so the
as-of day is the 31st, as in tests/fixtures/events/README.md) and the GA4 fixture (28
events; 1001 left 3 carts in 30 days).
"""

from pathlib import Path

import pandas as pd
from PySide6.QtWidgets import QFormLayout

from app.actions import imports
from core.io import read_table
from ui.widgets.rerun_dialog import RerunDialog

GA4 = Path(__file__).parents[1] / "fixtures" / "events" / "ga4_events.csv"
SHOP = pd.DataFrame({
    "customer_id": ["1001", "1002", "1003", "1004", "1005"],
    "first_name": ["Ada", "Ben", "Cleo", "Dev", "Eva"],
    "last_name": ["Lind", "Moss", "Nagy", "Okoro", "Price"],
    "email": ["ada@example.org", "ben@example.org", "cleo@example.org", "dev@example.org", "eva@example.org"]})
NEWSLETTER = pd.DataFrame({"email": ["ada@example.org", "eva@example.org", "finn@example.org"],
                           "first_name": ["Ada", "Eva", "Finn"], "last_name": ["Lind", "Price", "Quinn"]})
SALES = pd.DataFrame({
    "order_id": ["A1", "A2", "A3", "A4", "A5", "A6"],
    "customer_id": ["1001", "1001", "1002", "1003", "1004", "1005"],
    "order_date": ["2024-03-30", "2024-01-05", "2023-11-20", "2024-02-14", "2023-09-01", "2024-03-01"],
    "amount": ["20.00", "35.50", "12.00", "80.00", "15.25", "42.00"]})


def _project(window, folder: Path, newsletter: bool) -> None:
    """The shop's list (and the newsletter linked to it), the events, the sales, RFM groups."""
    SHOP.to_csv(folder / "shop.csv", index=False)
    SALES.to_csv(folder / "sales.csv", index=False)
    doc = window.document
    imports.import_file(doc, "crm", folder / "shop.csv", {}, {}).run()
    if newsletter:
        NEWSLETTER.to_csv(folder / "newsletter.csv", index=False)
        roles = imports.detected_roles(NEWSLETTER)
        imports.add_customer_list(doc, folder / "newsletter.csv", {}, roles, "newsletter").run()
    imports.add_events(doc, GA4).run()
    imports.import_file(doc, "sales", folder / "sales.csv", {}, {}).run()
    doc.set_state("segments", {"config": {"method": "rfm"}}, "Make groups")


def _run(dialog, qtbot) -> dict:
    dialog.run_button.click()
    qtbot.waitUntil(dialog.run_button.isEnabled, timeout=120000)  # the job ended, done or not
    assert dialog.report is not None, dialog.summary.text()
    return dialog.report


def _labels(dialog) -> list[str]:
    form = dialog.findChild(QFormLayout)
    return [form.labelForField(form.itemAt(row, form.ItemRole.FieldRole).widget()).text()
            for row in range(form.rowCount())]


def test_a_new_file_for_the_second_list_only(window, qtbot, tmp_path):
    _project(window, tmp_path, newsletter=True)
    zora = pd.DataFrame({"email": ["zora@example.org"], "first_name": ["Zora"], "last_name": ["Stone"]})
    pd.concat([NEWSLETTER, zora], ignore_index=True).to_csv(tmp_path / "newsletter_next.csv", index=False)

    dialog = RerunDialog(window.document, window.jobs, window)
    assert _labels(dialog) == ["New list 'shop'", "New list 'newsletter'", "New events file",
                               "New sales file", "Save the results in"]
    assert dialog.lists["shop"].edit.placeholderText() == "Empty: shop.csv is read again"
    assert dialog.events.edit.placeholderText() == "Empty: ga4_events.csv is read again"
    dialog.lists["newsletter"].edit.setText(str(tmp_path / "newsletter_next.csv"))
    dialog.sales.edit.setText(str(tmp_path / "sales.csv"))
    dialog.outdir.edit.setText(str(tmp_path / "out"))
    report = _run(dialog, qtbot)

    assert report["steps"][0]["note"] == "shop: 5 rows; newsletter: 4 rows; sales: 6 rows; events: 28 rows"
    assert report["people"] == 7  # the window's 6 and Zora
    assert report["changes"]["new_people"] == 1 and report["changes"]["gone_records"] == 0
    people = read_table(tmp_path / "out" / "customers.csv")[0]
    assert (people["email"] == "zora@example.org").sum() == 1
    new = dialog.model.frame()
    assert new.loc[new["change"] == "new", "customer_ids"].tolist() == people.loc[
        people["email"] == "zora@example.org", "person_id"].astype(str).tolist()
    assert "1 new people" in dialog.summary.text()


def test_a_new_events_file_only(window, qtbot, tmp_path):
    _project(window, tmp_path, newsletter=False)
    events = pd.read_csv(GA4, dtype=str)
    events[events["user_id"] != "1001"].to_csv(tmp_path / "events_next.csv", index=False)

    dialog = RerunDialog(window.document, window.jobs, window)
    assert _labels(dialog) == ["New customer list", "New events file", "New sales file", "Save the results in"]
    dialog.events.edit.setText(str(tmp_path / "events_next.csv"))
    dialog.sales.edit.setText(str(tmp_path / "sales.csv"))
    dialog.outdir.edit.setText(str(tmp_path / "out"))
    report = _run(dialog, qtbot)

    assert report["steps"][0]["note"] == "crm: 5 rows; sales: 6 rows; events: 11 rows"
    people = read_table(tmp_path / "out" / "customers.csv")[0].set_index("customer_id")
    # 1001's 3 carts of the stored file are gone with her events; 1002's one is read again
    assert people["carts_abandoned_30d"].astype(int).to_dict() == {
        "1001": 0, "1002": 1, "1003": 0, "1004": 0, "1005": 0}


def test_no_new_file_says_what_to_choose(window, qtbot, tmp_path):
    _project(window, tmp_path, newsletter=True)
    dialog = RerunDialog(window.document, window.jobs, window)
    dialog.outdir.edit.setText(str(tmp_path / "out"))
    dialog.run_button.click()
    assert dialog.summary.text() == "Choose at least one new file and a folder for the results."
    assert not (tmp_path / "out").exists()


def test_a_stored_sales_file_gone_runs_without_a_comparison(window, qtbot, tmp_path):
    _project(window, tmp_path, newsletter=False)
    (tmp_path / "sales.csv").rename(tmp_path / "sales_next.csv")
    dialog = RerunDialog(window.document, window.jobs, window)
    dialog.sales.edit.setText(str(tmp_path / "sales_next.csv"))
    dialog.outdir.edit.setText(str(tmp_path / "out"))
    report = _run(dialog, qtbot)

    assert report["changes"] == {"skipped": "the original file sales.csv is no longer there to compare with"}
    assert len(read_table(tmp_path / "out" / "customers.csv")[0]) == 5
    assert "No comparison: the original file sales.csv is no longer there" in dialog.summary.text()
