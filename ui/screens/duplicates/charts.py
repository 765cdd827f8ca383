"""The Duplicates screen's picture: how sure we are about each possible duplicate.

A histogram of the candidate pairs' match probabilities (binned in the search's job)
with the review and merge thresholds drawn as labelled lines, so the slider's effect is
visible at a glance. It is drawn off the GUI thread by
:class:`ui.widgets.picture.Picture`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from app.actions.duplicates import SCORE_BINS

TITLE = "How sure we are, pair by pair"


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

