"""The small chart on each persona card: how the group compares with the average customer.

One matplotlib figure serves the screen (the UI wraps it in a Qt canvas) and the exported
HTML / PDF (rendered to PNG by the Agg backend), so they look the same. Bars carry their
value as text ("2.1x"), so colour is never the only signal.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from core.personas.build import FIGURES, Persona

if TYPE_CHECKING:  # matplotlib loads only for a chart: a run draws none
    from matplotlib.figure import Figure

# Neutral hues, not green/red: more days since the last order is "above average" but not good.
ABOVE, BELOW = "#3b6ea8", "#c9a227"


def comparison_figure(p: Persona, figure: Figure | None = None) -> Figure:
    """Horizontal bars of figure / average (1.0 = like everyone) for one persona."""
    from matplotlib.figure import Figure

    fig = figure or Figure(figsize=(4.2, 2.4), dpi=100)
    fig.clear()
    ax = fig.add_subplot()
    keys = [k for k in FIGURES if k in p.versus_base][::-1]
    values = [p.versus_base[k] for k in keys]
    ax.barh([FIGURES[k] for k in keys], values,
            color=[ABOVE if v >= 1 else BELOW for v in values])
    ax.axvline(1.0, color="#444444", linewidth=1, linestyle="--")
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:.1f}x", va="center", fontsize=8)
    ax.set_xlim(0, max([2.0, *values]) * 1.2)
    ax.set_title("Compared with the average customer", fontsize=9)
    ax.set_xlabel("times the average (dashed line = average)", fontsize=8)
    ax.tick_params(labelsize=8)
    # Fixed margins: tight_layout costs more than drawing the chart.
    fig.set_layout_engine("none")
    fig.subplots_adjust(left=0.46, right=0.95, top=0.86, bottom=0.2)
    return fig


def comparison_png(p: Persona) -> bytes:
    """The card chart as PNG bytes (for HTML export)."""
    buffer = io.BytesIO()
    comparison_figure(p).savefig(buffer, format="png")
    return buffer.getvalue()
