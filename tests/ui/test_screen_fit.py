"""What the screenshots showed going wrong at 1366x768, kept fixed: sidebar figures that
wrap stay indented under their step, the fairness table shows the column one picks, and
Export shows no empty A/B table before any results file."""

import pandas as pd
from PySide6.QtCore import Qt

from tests.ui.test_fairness_tab import PEOPLE, _shop


def test_a_long_sidebar_figure_wraps_under_its_title(window):
    window.screens["duplicates"].status = lambda: ("needs attention", "61 duplicates ready to merge")
    window.refresh_sidebar()
    lines = window.sidebar.item(2).text().split("\n")
    metrics = window.sidebar.fontMetrics()
    assert lines[0] == "!  Duplicates"
    assert len(lines) >= 2 and " ".join(line.strip() for line in lines[1:]) == "61 duplicates ready to merge"
    assert all(line.startswith("      ") for line in lines[1:])
    assert all(metrics.horizontalAdvance(line) < window.sidebar.width() - 16 for line in lines)


def test_the_fairness_table_shows_the_column_chosen(window, qtbot):
    doc = window.document
    crm, sales = _shop()
    crm["area"] = ["north", "south", "east"] * (PEOPLE // 3)
    doc.set_source("crm", crm, {"path": "c.csv"}, {"id": "customer_id", "email": "email",
                                                  "gender": "gender"}, "Import")
    doc.set_source("sales", sales, {"path": "s.csv"}, {"id": "customer_id", "date": "order_date",
                                                      "amount": "amount"}, "Import")
    segments = window.screens["segments"]
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None, timeout=30000)
    page = segments.fairness
    for i in range(page.columns.count()):
        if page.columns.item(i).data(Qt.ItemDataRole.UserRole) in ("gender", "area"):
            page.columns.item(i).setCheckState(Qt.CheckState.Checked)
    page.check.click()
    qtbot.waitUntil(lambda: len(doc.state("segments").get("fairness") or []) == 2, timeout=30000)
    assert [page.shown.itemText(i) for i in range(page.shown.count())] == ["gender", "area"]

    def headers() -> list[str]:
        return [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]

    assert {"f", "m"} <= set(headers())
    page.shown.setCurrentIndex(1)
    assert {"north", "south", "east"} <= set(headers()) and "f" not in headers()
    segment_counts = doc.frame("crm")["segment"].value_counts()
    first = page.table.item(0, 0).text()
    people = headers().index("People")
    assert page.table.item(0, people).text() == f"{segment_counts[first]:,}"


def test_export_shows_no_empty_results_table(window, qtbot):
    from core.compose.campaign import Campaign
    from core.compose.template import Template

    doc = window.document
    doc.set_source("crm", pd.DataFrame({"email": ["a@example.org"], "consent": ["yes"]}),
                   {"path": "c.csv"}, {"email": "email", "consent": "consent"}, "Import")
    doc.set_state("compose", Campaign({"A": Template("Hi", "Hello\n")}).to_state(), "Compose")
    export = window.screens["export"]
    window.go_to("export")
    qtbot.waitUntil(lambda: not window.jobs.is_running("export"), timeout=30000)
    assert export.plan_label.text() == "Will write 1 message."
    assert not export.results.isVisible() and not export.segment_results.isVisible()
