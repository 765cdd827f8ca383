"""Groups of records that are one person, from scored pairs.

Pairs at or above the threshold join records (connected components), reviewers'
"same person" answers join them too and "different people" answers keep them apart.
A chain guard stops A~B~C from putting A and C together when A and C are clearly
different people (evidence against them, not merely too little evidence for them):
inside each group of three or more, every pair is checked, and a
group holding such a conflict is rebuilt strongest link first, skipping any link
that would join a conflicting pair.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Groups larger than this are only checked against the pairs already scored.
FULL_CHECK_MAX = 60

# For pairs of records: True where they are clearly different people.
ConflictFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


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
    conflict: np.ndarray | None = None,
    check: ConflictFn | None = None,
    strength: np.ndarray | None = None,
) -> np.ndarray:
    """Group number per record (0-based, in order of first appearance).

    ``strength`` orders links when a group is rebuilt (match weights separate pairs
    whose probabilities all round to 1.0); it defaults to ``prob``.
    """
    edge = prob >= threshold
    strength = prob if strength is None else strength
    ea, eb, ep = a[edge], b[edge], strength[edge]
    if same:
        sa, sb = np.array(same, dtype=np.int64).reshape(-1, 2).T
        ea, eb, ep = np.r_[ea, sa], np.r_[eb, sb], np.r_[ep, np.full(len(sa), np.inf)]
    forbid = {(min(x, y), max(x, y)) for x, y in different}
    if forbid:
        keep = ~np.isin(np.minimum(ea, eb) * n + np.maximum(ea, eb),
                        [x * n + y for x, y in forbid])
        ea, eb, ep = ea[keep], eb[keep], ep[keep]
    labels = _components(n, ea, eb)
    sizes = np.bincount(labels)
    if conflict is None:
        conflict = np.zeros(len(a), dtype=bool)
    conflicts = _conflicts(labels, sizes, a, b, conflict, forbid, check)
    # A reviewer's "same person" beats the evidence against the pair.
    answered_same = {(min(x, y), max(x, y)) for x, y in same}
    conflicts = {g: bad - answered_same for g, bad in conflicts.items() if bad - answered_same}
    if not conflicts:
        return _first_seen_numbering(labels)
    edge_group = labels[ea]
    next_label = labels.max() + 1
    for g, bad in conflicts.items():
        mine = edge_group == g
        members = np.flatnonzero(labels == g)
        pieces = _rebuild(members, ea[mine], eb[mine], ep[mine], bad)
        for piece in pieces[1:]:
            labels[piece] = next_label
            next_label += 1
    return _first_seen_numbering(labels)


def _conflicts(labels, sizes, a, b, conflict, forbid, check) -> dict[int, set[tuple[int, int]]]:
    """Per group of three or more, the pairs inside it that are clearly different people.

    Groups up to FULL_CHECK_MAX records have every inner pair checked (in one batch);
    bigger ones only the candidate pairs already compared.
    """
    found: dict[int, set[tuple[int, int]]] = {}

    def add(x: np.ndarray, y: np.ndarray) -> None:
        for i, j in zip(x.tolist(), y.tolist(), strict=True):
            found.setdefault(int(labels[i]), set()).add((min(i, j), max(i, j)))

    for i, j in forbid:
        if labels[i] == labels[j]:
            add(np.array([i]), np.array([j]))
    small = (sizes >= 3) & (sizes <= FULL_CHECK_MAX)
    if check is not None and small.any():
        rows = np.flatnonzero(small[labels])
        rows = rows[np.argsort(labels[rows], kind="stable")]
        pa, pb = [], []
        for members in np.split(rows, np.flatnonzero(np.diff(labels[rows])) + 1):
            ia, ib = np.triu_indices(len(members), k=1)
            pa.append(members[ia])
            pb.append(members[ib])
        pa, pb = np.concatenate(pa), np.concatenate(pb)
        bad = check(pa, pb)
        add(pa[bad], pb[bad])
    big = sizes[labels[a]] > (FULL_CHECK_MAX if check is not None else 2)
    inside = big & (labels[a] == labels[b]) & conflict
    add(a[inside], b[inside])
    return found


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
