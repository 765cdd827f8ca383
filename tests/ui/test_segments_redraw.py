"""The Segments screen's GUI-thread work: a chart is drawn on a worker thread, only once its
tab is shown; the same data again draws nothing; the features offered follow the customer
list when it changes (they are kept between refreshes, and the group run's list brings its
column facts from the engine)."""

import threading

import pandas as pd
from PySide6.QtWidgets import QTabWidget

from app.actions import segments as actions
from app.document import Document
from ui.widgets.chart_view import draw_sizes
from ui.widgets.picture import Picture

SIZES = pd.DataFrame({"segment": ["Champions", "Lost"], "people": [30, 10], "share": [0.75, 0.25]})


def _counted(chart: Picture) -> list:
    drawn_now: list = []
    chart.rendered.connect(lambda: drawn_now.append(1))
    return drawn_now


def test_a_hidden_chart_is_drawn_off_the_gui_thread_when_its_tab_is_shown(qtbot):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    front, back = Picture(draw_sizes, "front"), Picture(draw_sizes, "back")
    tabs.addTab(front, "Front")
    tabs.addTab(back, "Back")
    tabs.resize(640, 400)
    tabs.show()
    drawn_front, drawn_back = _counted(front), _counted(back)
    front.show_data(SIZES)
    back.show_data(SIZES)
    qtbot.waitUntil(lambda: drawn_front == [1])
    assert front.title() == "People in each group"
    assert front.drawn_on not in (None, threading.main_thread().ident)
    bars = front.figure.axes[0].patches
    assert [b.get_width() for b in bars] == [10, 30]  # the report's people, last group on top
    ratio = front.devicePixelRatioF()
    assert (front.image().width(), front.image().height()) == (round(front.width() * ratio),
                                                               round(front.height() * ratio))
    qtbot.wait(50)
    assert drawn_back == [] and back.title() == ""
    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: drawn_back == [1])
    back.show_data(SIZES)  # the same report again: nothing to draw
    qtbot.wait(50)
    assert drawn_back == [1]
    back.show_data(SIZES.assign(people=[20, 20]))
    qtbot.waitUntil(lambda: drawn_back == [1, 1])
    assert [b.get_width() for b in back.figure.axes[0].patches] == [20, 20]


def test_an_empty_chart_says_what_fills_it(qtbot):
    chart = Picture(draw_sizes, "sizes", empty="Press the button.")
    qtbot.addWidget(chart)
    chart.show()
    chart.show_data(None)
    qtbot.waitUntil(lambda: chart.figure is not None)
    assert [t.get_text() for t in chart.figure.texts] == ["Press the button."]


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
