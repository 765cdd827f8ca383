"""The Duplicates screen's picture: how sure we are about each possible duplicate.

A histogram of the candidate pairs' match probabilities (binned in the search's job)
with the review and merge thresholds drawn as labelled lines, so the slider's effect is
visible at a glance. :class:`ScoreChart` renders it on a job thread (a matplotlib Figure
on an Agg canvas, no pyplot) and shows the picture: drawn on the GUI thread it stalled
the window for over a second.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy

from app.actions.duplicates import SCORE_BINS
from ui.widgets.chart_style import style_figure

TITLE = "How sure we are, pair by pair"
SLOT = "duplicates chart"


def draw_scores(fig: Figure, data: tuple[np.ndarray, float, float]) -> None:
    """``data`` = (pairs per :data:`SCORE_BINS` bin, review threshold, merge threshold)."""
    counts, review, merge = data
    ax = fig.add_subplot()
    left, width = SCORE_BINS[:-1], np.diff(SCORE_BINS)
    bars = ax.bar(left, counts, width=width, align="edge", color="#4c78a8", edgecolor="white")
    for patch, start in zip(bars, left, strict=True):
        if start >= merge:
            patch.set_hatch("//")
    ax.set_yscale("symlog")  # a few uncertain pairs stay visible beside thousands of sure ones
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))  # 1,000, not 10³
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.axvline(review, color="#ff7f0e", linestyle="--", label=f"review from {review:.0%}")
    ax.axvline(merge, color="#2ca02c", linestyle="-", label=f"merge from {merge:.0%}")
    ax.legend(loc="upper center", fontsize=8)
    ax.set_title(TITLE)
    ax.set_xlabel("chance they are the same person")
    ax.set_ylabel("pairs of records")


def render(data, width: int, height: int, ratio: float, palette: QPalette) -> QImage:
    """The chart as a picture of ``width`` x ``height`` (logical pixels); any thread."""
    fig = Figure(figsize=(width / 100, height / 100), dpi=100 * ratio, layout="tight")
    canvas = FigureCanvasAgg(fig)
    draw_scores(fig, data)
    style_figure(fig, palette)
    canvas.draw()
    w, h = canvas.get_width_height(physical=True)
    image = QImage(bytes(canvas.buffer_rgba()), w, h, QImage.Format.Format_RGBA8888)
    image.setDevicePixelRatio(ratio)
    return image


class ScoreChart(QLabel):
    """Shows :func:`draw_scores` rendered on the ``jobs`` runner's thread, again when
    the data or the size changes (the newest request wins)."""

    def __init__(self, jobs, name: str) -> None:
        super().__init__()
        self.jobs = jobs
        self._data = None
        self.setAccessibleName(name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(200, 160)
        # the picture follows the widget's size, never the other way round
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._later = QTimer(self, singleShot=True, interval=100)  # a resize drag: once at its end
        self._later.timeout.connect(self._render)

    def title(self) -> str:
        return TITLE if self._data is not None else ""

    def show_data(self, data) -> None:
        self._data = data
        self._render()

    def _render(self) -> None:
        if self._data is None or not self.isVisible():
            return
        data, size, ratio = self._data, self.size(), self.devicePixelRatioF()
        palette = QPalette(self.palette())
        self.jobs.start(SLOT, lambda _ctx: render(data, size.width(), size.height(), ratio, palette),
                        lambda image: self.setPixmap(QPixmap.fromImage(image)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._later.start()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._later.start()
