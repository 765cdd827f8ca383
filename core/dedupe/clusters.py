"""Groups of records that are one person, from scored pairs.

Pairs at or above the threshold join records (connected components), reviewers'
"same person" answers join them too and "different people" answers keep them apart.
A chain guard stops A~B~C from putting A and C together when A and C are clearly
different people: inside each group of three or more, every pair is scored, and a
group holding such a conflict is rebuilt strongest link first, skipping any link
that would join a conflicting pair.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Inside a group, a pair scoring below this is "clearly different people".
CONFLICT_BELOW = 0.05
# Groups larger than this are only checked against the pairs already scored.
FULL_CHECK_MAX = 60

ScoreFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _first_seen_numbering(labels: np.ndarray) -> np.ndarray:
    """Renumber groups 0, 1, 2... in order of their first row, so ids are stable."""
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(np.argsort(first))
    return order[np.unique(labels, return_inverse=True)[1]]


def cluster(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    prob: np.ndarray,
    threshold: float,
    same: list[tuple[int, int]] = (),
    different: list[tuple[int, int]] = (),
    score: ScoreFn | None = None,
) -> np.ndarray:
    """Group number per record (0-based, in order of first appearance)."""
    edge = prob >= threshold
    ea, eb, ep = a[edge], b[edge], prob[edge]
    if same:
        sa, sb = np.array(same, dtype=np.int64).T
        ea, eb, ep = np.r_[ea, sa], np.r_[eb, sb], np.r_[ep, np.full(len(sa), 2.0)]
    forbid = {(min(x, y), max(x, y)) for x, y in different}
    if forbid:
        keep = np.array([(min(x, y), max(x, y)) not in forbid for x, y in zip(ea, eb, strict=True)],
                        dtype=bool)
        ea, eb, ep = ea[keep], eb[keep], ep[keep]
    labels = _components(n, ea, eb)
    sizes = np.bincount(labels)
    big = np.flatnonzero(sizes >= 3)
    if len(big) == 0:
        return _first_seen_numbering(labels)
    known = dict(zip(zip(a.tolist(), b.tolist(), strict=True), prob.tolist(), strict=True))
    edge_group = labels[ea]
    next_label = labels.max() + 1
    for g in big:
        members = np.flatnonzero(labels == g)
        conflicts = _conflicts(members, known, forbid, score)
        if not conflicts:
            continue
        mine = edge_group == g
        pieces = _rebuild(members, ea[mine], eb[mine], ep[mine], conflicts)
        for piece in pieces[1:]:
            labels[piece] = next_label
            next_label += 1
    return _first_seen_numbering(labels)


def _conflicts(members, known, forbid, score: ScoreFn | None) -> set[tuple[int, int]]:
    """Pairs inside a group that are clearly different people."""
    if len(members) <= FULL_CHECK_MAX and score is not None:
        ia, ib = np.triu_indices(len(members), k=1)
        pa, pb = members[ia], members[ib]
        probs = score(pa, pb)
        bad = {(int(x), int(y)) for x, y, p in zip(pa, pb, probs, strict=True) if p < CONFLICT_BELOW}
    else:
        inside = set(members.tolist())
        bad = {k for k, p in known.items() if p < CONFLICT_BELOW and k[0] in inside and k[1] in inside}
    return bad | {k for k in forbid if k[0] in members and k[1] in members}


def _rebuild(members, ea, eb, ep, conflicts) -> list[list[int]]:
    """Strongest links first; skip a link that would join a conflicting pair."""
    parent = {int(m): int(m) for m in members}
    group = {int(m): {int(m)} for m in members}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for k in np.argsort(-ep, kind="stable"):
        rx, ry = root(int(ea[k])), root(int(eb[k]))
        if rx == ry:
            continue
        gx, gy = group[rx], group[ry]
        if any((min(x, y), max(x, y)) in conflicts for x in gx for y in gy):
            continue
        parent[ry] = rx
        group[rx] = gx | gy
        del group[ry]
    return sorted((sorted(g) for g in group.values()), key=lambda g: g[0])
