"""Segments screen: 'Check the forecast' runs the holdout check in the background and shows
the calibration / holdout chart with the verdict the engine gives, changing no data."""

import pytest

from app.document import Document
from app.jobs import JobRunner
from core.demo import generate
from core.io import read_table
from core.segment.pipeline import SegmentConfig, check_forecast
from tests.ui.picture_support import drawn
from ui.screens.segments.screen import Screen


@pytest.fixture
def screen(qtbot, tmp_path):
    generate(tmp_path, customers=300, seed=2)
    crm, sales = read_table(tmp_path / "crm.xlsx")[0], read_table(tmp_path / "sales.csv")[0]
    doc, jobs = Document(), JobRunner()
    doc.set_frame("crm", crm, "Import customers", roles={"customer_id": "customer_id"})
    doc.set_frame("sales", sales, "Import sales")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    widget.show()
    yield widget, crm, sales
    jobs.shutdown()


def test_check_the_forecast_shows_the_chart_and_verdict(screen, qtbot):
    widget, crm, sales = screen
    steps = widget.document.undo_stack.count()
    widget.check.click()
    qtbot.waitUntil(lambda: widget.forecast_verdict.text().startswith("Over the"),
                    timeout=60000)
    expected = check_forecast(crm, sales, SegmentConfig())
    assert widget.forecast_verdict.text() == expected.verdict
    assert drawn(qtbot, widget.forecast_chart).title() == "Forecast against what happened"
    lines = widget.forecast_chart.figure.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["Actual", "Model"]
    assert list(lines[0].get_ydata()) == pytest.approx(list(expected.table["actual"]))
    assert widget.document.undo_stack.count() == steps
