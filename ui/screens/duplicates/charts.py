"""The Duplicates screen's picture: how sure we are about each possible duplicate.

A histogram of the candidate pairs' match probabilities with the review and merge
thresholds drawn as labelled lines, so the slider's effect is visible at a glance.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter


def draw_scores(fig: Figure, data: tuple[np.ndarray, float, float]) -> None:
    """``data`` = (probabilities, review threshold, merge threshold)."""
    probs, review, merge = data
    ax = fig.add_subplot()
    bins = np.linspace(0, 1, 21)
    counts, _, bars = ax.hist(probs, bins=bins, color="#4c78a8", edgecolor="white")
    for patch, left in zip(bars, bins[:-1], strict=True):
        if left >= merge:
            patch.set_hatch("//")
    ax.set_yscale("symlog")  # a few uncertain pairs stay visible beside thousands of sure ones
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))  # 1,000, not 10³
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.axvline(review, color="#ff7f0e", linestyle="--", label=f"review from {review:.0%}")
    ax.axvline(merge, color="#2ca02c", linestyle="-", label=f"merge from {merge:.0%}")
    ax.legend(loc="upper center", fontsize=8)
    ax.set_title("How sure we are, pair by pair")
    ax.set_xlabel("chance they are the same person")
    ax.set_ylabel("pairs of records")
