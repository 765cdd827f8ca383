"""The Segments screen's GUI-thread work: a chart on a hidden tab is filled but rendered
only when its tab is shown; the same data again renders nothing; the features offered
follow the customer list when it changes (they are kept between refreshes)."""

import pandas as pd
from PySide6.QtWidgets import QTabWidget

from app.actions import segments as actions
from app.document import Document
from ui.widgets.chart_view import ChartView, draw_sizes

SIZES = pd.DataFrame({"segment": ["Champions", "Lost"], "people": [30, 10], "share": [0.75, 0.25]})


def _counted(chart: ChartView) -> list:
    drawn: list = []
    original = chart.canvas.draw
    chart.canvas.draw = lambda: (drawn.append(1), original())
    return drawn


def test_a_hidden_chart_renders_when_its_tab_is_shown(qtbot):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    front, back = ChartView(draw_sizes, "front"), ChartView(draw_sizes, "back")
    tabs.addTab(front, "Front")
    tabs.addTab(back, "Back")
    tabs.show()
    drawn_front, drawn_back = _counted(front), _counted(back)
    front.show_data(SIZES)
    back.show_data(SIZES)
    assert back.title() == "People in each group"  # filled at once
    qtbot.waitUntil(lambda: drawn_front == [1])
    qtbot.wait(50)
    assert drawn_back == []
    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(drawn_back) >= 1)
    count = len(drawn_back)
    back.show_data(SIZES)  # the same report again: nothing to draw
    qtbot.wait(50)
    assert len(drawn_back) == count
    back.show_data(SIZES.assign(people=[20, 20]))
    qtbot.waitUntil(lambda: len(drawn_back) == count + 1)


def test_offered_features_follow_a_new_customer_list(qtbot):
    doc = Document()
    sales = pd.DataFrame({"customer_id": ["1", "2"], "order_date": ["2024-01-02", "2024-02-03"],
                          "amount": ["10", "20"]})
    doc.set_frame("sales", sales, "Import", roles={c: c for c in sales.columns})
    doc.set_frame("crm", pd.DataFrame({"customer_id": ["1", "2"], "tier": ["gold", "silver"]}),
                  "Import", roles={"customer_id": "customer_id"})
    first = [f.key for f in actions.offered_features(doc)]
    assert "tier" in first and "region" not in first
    assert actions.offered_features(doc) is actions.offered_features(doc)
    doc.set_frame("crm", pd.DataFrame({"customer_id": ["1", "2"], "region": ["north", "south"]}),
                  "Replace", roles={"customer_id": "customer_id"})
    second = [f.key for f in actions.offered_features(doc)]
    assert "region" in second and "tier" not in second
    doc.undo_stack.undo()
    assert [f.key for f in actions.offered_features(doc)] == first
