"""Export screen, A/B results per customer group: exact rates and differences to the
control group per group, a verdict in plain words per group (statistics in tooltips only),
and the plot with the likely ranges."""

import gc

import pandas as pd
import pytest
from matplotlib.container import BarContainer

from app.document import Document
from app.jobs import JobRunner
from core.compose.campaign import Campaign
from core.compose.template import Template
from ui.screens.export.screen import Screen

# (group, version) -> (people, bought)
COUNTS = {("s1", "control"): (10, 1), ("s1", "A"): (10, 3), ("s1", "B"): (10, 6),
          ("s2", "control"): (10, 2), ("s2", "A"): (10, 2), ("s2", "B"): (10, 5)}


@pytest.fixture
def screen(qtbot, tmp_path):
    gc.collect()  # earlier tests' Qt garbage is freed on the GUI thread, not in a worker
    rows, results = [], []
    for (group, variant), (people, bought) in COUNTS.items():
        for i in range(people):
            address = f"{group}.{variant}.{i}@example.org"
            rows.append({"email": address, "variant": variant, "segment": group})
            # the results file spells addresses and flags the way mail tools do
            results.append({"email": f" {address.upper()} ", "converted": "yes" if i < bought else "no"})
    assignment = pd.DataFrame(rows)
    pd.DataFrame(results).to_csv(tmp_path / "results.csv", index=False)
    doc, jobs = Document(), JobRunner()
    doc.set_frame("crm", assignment[["email", "segment"]].assign(first_name="X", consent="yes"),
                  "Import", roles={"email": "email", "first_name": "first_name", "consent": "consent"})
    doc.set_state("compose", Campaign({"A": Template("Hi", "A\n"), "B": Template("Hi", "B\n")})
                  .to_state(), "Compose")
    doc.set_state("export", {"format": "csv", "folder": "", "summary": None,
                             "assignment": assignment}, "Export")
    widget = Screen(doc, jobs)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(jobs.finished, timeout=5000):
        widget.show()
    widget.load_results(tmp_path / "results.csv")
    qtbot.waitUntil(lambda: widget.segment_results.table.rowCount() == 6, timeout=10000)
    yield widget
    jobs.shutdown()


def test_per_group_rates_differences_and_verdicts(screen):
    view = screen.segment_results
    assert view.isVisibleTo(screen)
    cells = [[view.table.item(r, c).text() for c in range(view.table.columnCount())]
             for r in range(view.table.rowCount())]
    assert [row[:4] + row[5:] for row in cells] == [
        ["s1", "A", "10", "30.0 %", "+20.0 per 100"],
        ["s1", "B", "10", "60.0 %", "+50.0 per 100"],
        ["s1", "control", "10", "10.0 %", ""],
        ["s2", "A", "10", "20.0 %", "+0.0 per 100"],
        ["s2", "B", "10", "50.0 %", "+30.0 per 100"],
        ["s2", "control", "10", "20.0 %", ""],
    ]
    assert cells[0][4] == "10.8 % – 60.3 %"  # Wilson 95 % for 3 of 10, by hand
    assert view.verdicts.text().split("\n") == [
        "s1: version A got 20.0 more purchases per 100 people than the control group, but this "
        "could easily be chance; wait for more results before deciding.",
        "s1: version B got 50.0 more purchases per 100 people than the control group; very likely "
        "a real difference.",
        "s2: version A did as well as the control group.",
        "s2: version B got 30.0 more purchases per 100 people than the control group, but this "
        "could easily be chance; wait for more results before deciding.",
    ]
    # statistics words live in tooltips, never in the headings or the verdicts
    shown = " ".join([view.verdicts.text(), view.heading.text()]
                     + [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())])
    for word in ("p =", "z-test", "confidence", "significan", "Wilson"):
        assert word not in shown
    tip = view.table.item(1, 5).toolTip()
    assert "Two-proportion z-test against control: z = 2.34, p = 0.019." in tip
    assert "95 % confidence interval" in tip
    # the per-version view is still there, over all groups
    assert screen.results.table.rowCount() == 3


def test_per_group_plot_has_bars_with_ranges_and_plain_labels(screen):
    axes = screen.segment_results.canvas.figure.axes[0]
    assert axes.get_title() == "People who bought, per 100, in each customer group, with the likely range"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Customer group", "Bought per 100 people")
    assert [t.get_text() for t in axes.get_xticklabels()] == ["s1", "s2"]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "control (got nothing)", "version A", "version B"]
    heights = [round(p.get_height(), 6) for p in axes.patches]
    assert heights == [10.0, 20.0, 30.0, 20.0, 60.0, 50.0]  # control, A, B; in s1 then s2
    assert len({p.get_hatch() for p in axes.patches}) == 3  # not colour alone
    bars = [c for c in axes.containers if isinstance(c, BarContainer)]
    assert len(bars) == 3 and all(c.errorbar is not None for c in bars)
    whisker = bars[1].errorbar.lines[2][0].get_segments()[0]  # version A in s1: 3 of 10
    assert [round(y, 1) for y in whisker[:, 1]] == [10.8, 60.3]
