"""The Segments screen's pictures: group sizes, the k-choice curve, the map, the RFM grid.

Each ``draw_*`` fills a matplotlib Figure from a piece of the segmentation report (plain
words in titles and axes; numbers written on bars and cells, so colour is never the only
signal). :class:`ui.widgets.picture.Picture` draws one such figure off the GUI thread.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.cluster.hierarchy import dendrogram

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]
MARKERS = "osD^vP*Xph"


def draw_sizes(fig: Figure, sizes: pd.DataFrame) -> None:
    ax = fig.add_subplot()
    rows = sizes.iloc[::-1]
    ax.barh(rows["segment"], rows["people"], color="#4c78a8")
    for y, (people, share) in enumerate(zip(rows["people"], rows["share"], strict=True)):
        ax.text(people, y, f" {people:,} ({share:.0%})", va="center", fontsize=8)
    ax.set_xlim(0, rows["people"].max() * 1.3)
    ax.set_title("People in each group")
    ax.set_xlabel("people")


def draw_k_choice(fig: Figure, data: tuple[pd.DataFrame, int, int]) -> None:
    """Spread falls as groups are added; the proposed number is marked where it levels off."""
    table, proposed, chosen = data
    ax = fig.add_subplot()
    ax.plot(table["k"], table["spread"], marker="o", color="#4c78a8",
            label="spread within groups (lower is tighter)")
    row = table[table["k"] == proposed]
    if not row.empty:
        ax.plot(row["k"], row["spread"], marker="*", markersize=16, color="#e45756",
                linestyle="none", label=f"proposed: {proposed} groups")
    if chosen != proposed:
        ax.axvline(chosen, color="#444444", linestyle="--", label=f"your choice: {chosen}")
    ax.set_title("How many groups? More groups, tighter groups")
    ax.set_xlabel("number of groups")
    ax.set_ylabel("spread within groups")
    ax.set_xticks(list(table["k"]))
    ax.legend(fontsize=8)


def draw_map(fig: Figure, points: pd.DataFrame) -> None:
    """People placed so that similar people sit close together (two main directions)."""
    ax = fig.add_subplot()
    for i, (name, rows) in enumerate(points.groupby("segment", sort=True)):
        ax.scatter(rows["x"], rows["y"], s=8, alpha=0.6, label=name,
                   color=PALETTE[i % len(PALETTE)], marker=MARKERS[i % len(MARKERS)])
    ax.set_title("Map of groups: similar people sit close together")
    ax.set_xlabel("direction 1: where people differ most")
    ax.set_ylabel("direction 2: the next biggest difference")
    ax.legend(fontsize=7, markerscale=2)


def draw_rfm_grid(fig: Figure, grid: pd.DataFrame) -> None:
    ax = fig.add_subplot()
    values = grid.to_numpy(dtype=float)
    ax.imshow(values, cmap="Blues", aspect="auto")
    top = values.max() or 1.0
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{int(v):,}", ha="center", va="center", fontsize=8,
                color="white" if v > top / 2 else "black")
    ax.set_xticks(range(values.shape[1]), list(grid.columns))
    ax.set_yticks(range(values.shape[0]), list(grid.index))
    ax.set_title("People by how recently (R) and how often / how much (FM) they buy")
    ax.set_xlabel("how often and how much: 1 least … 5 most")
    ax.set_ylabel("how recently: 5 most recent")


def draw_dendrogram(fig: Figure, linkage: pd.DataFrame) -> None:
    ax = fig.add_subplot()
    dendrogram(linkage.to_numpy(dtype=float), ax=ax, no_labels=True, color_threshold=None)
    ax.set_title("How groups merge (a sample of people)")
    ax.set_ylabel("difference between merged groups")
