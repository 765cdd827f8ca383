"""Plain words on screen: labels for field names (code name in the tooltip), the map and
the statistics behind "Advanced", groups named from their figures, result headers in
full, and an audit log of sentences with undone changes marked."""

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

from app.actions.audit import display_frame
from core.segment.names import group_names
from ui.screens.export.results import COLUMNS, ResultsView
from ui.screens.segments.screen import MEASURE_LABELS, _fill_table


def test_insert_field_menu_speaks_plainly(window):
    crm = pd.DataFrame({"First name": ["Ava"], "E-mail": ["ava@example.org"], "segment": ["Loyal"],
                        "p_active": ["0.8"], "value_365d": ["120"], "churn_risk": ["0.2"]})
    window.document.set_frame("crm", crm, "Import", roles={"First name": "first_name", "E-mail": "email"})
    window.go_to("compose")
    menu = window.screens["compose"].editor.insert_menu
    entries = {a.data(): (a.text(), a.toolTip()) for a in menu.actions()}
    assert entries["p_active"] == ("Chance still active", "In a template: {{ p_active }}")
    assert entries["value_365d"][0] == "Predicted value next 12 months"
    assert entries["churn_risk"][0] == "Risk of not buying again"
    assert entries["first_name"][0] == "First name" and "first_name_" not in entries
    assert "p_active" not in [text for text, _tip in entries.values()]  # no code name as a label


def test_the_map_and_the_statistics_are_behind_advanced(window):
    screen = window.screens["segments"]
    top = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    assert "Map of groups" not in top and top[-1] == "Advanced"
    advanced = screen.tabs.widget(screen.tabs.count() - 1)
    assert isinstance(advanced, QTabWidget) and advanced.indexOf(screen.map_chart) >= 0
    _fill_table(screen.measures, pd.DataFrame({"k": [2], "silhouette": [0.41], "davies_bouldin": [0.9]}),
                labels=MEASURE_LABELS)
    headers = [screen.measures.horizontalHeaderItem(c) for c in range(3)]
    assert [h.text() for h in headers] == ["Groups", "How well apart", "Overlap"]
    assert "silhouette" in headers[1].toolTip() and "Davies-Bouldin" in headers[2].toolTip()


def test_groups_are_named_from_their_figures():
    rows = ([("Group 1", 8, 900.0, 10)] * 5 + [("Group 2", 1, 20.0, 400)] * 5
            + [("Group 3", 3, 150.0, 60)] * 5)
    frame = pd.DataFrame(rows, columns=["segment", "frequency", "monetary", "recency_days"])
    frame.loc[len(frame)] = ["No purchases", 0, 0.0, None]
    assert group_names(frame) == {"Group 1": "Recent frequent big spenders",
                                  "Group 2": "Lapsed one-time small spenders",
                                  "Group 3": "Typical buyers"}


def test_result_headers_are_not_clipped(qtbot):
    view = ResultsView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    table = pd.DataFrame({"variant": ["control", "A"], "people": [500, 500], "rate": [0.02, 0.031],
                          "rate_low": [0.01, 0.018], "rate_high": [0.035, 0.05],
                          "uplift": [float("nan"), 0.011], "p_value": [float("nan"), 0.04]})
    view.show_results(table, "bought")
    header = view.table.horizontalHeader()
    metrics = header.fontMetrics()
    for c, (_key, label) in enumerate(COLUMNS):
        assert header.sectionSize(c) >= metrics.horizontalAdvance(label), label


def test_audit_log_is_sentences_and_marks_undone_changes(window):
    doc = window.document
    crm = pd.DataFrame({"email": ["a@example.org", "b@example.org"]})
    doc.set_frame("crm", crm, "Import", roles={"email": "email"})
    doc.audit("import", {"target": "crm", "options": {}}, 0, 2, None, crm)
    doc.set_state("segments", {"config": {}}, "Group")
    doc.audit("segments", {"method": "rfm"}, 2, 2)
    doc.undo_stack.undo()
    frame = display_frame(doc.audit_entries(), doc.audit_undone())
    assert frame["What happened"].tolist() == [
        "Imported the customer list: 2 rows.", "Undone: Segments: 2 customers put into named segments."]
    doc.undo_stack.redo()
    assert doc.audit_undone() == [False, False]
    doc.undo_stack.undo()
    doc.set_state("personas", {"x": 1}, "Another change")  # the undone one can never come back
    doc.undo_stack.undo()
    doc.undo_stack.redo()
    assert doc.audit_undone() == [False, True]
    window.go_to("audit")
    model = window.screens["audit"].model
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())].index(
        "What happened")
    assert model.data(model.index(1, column)).startswith("Undone: ")
