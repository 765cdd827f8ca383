"""Which scored pairs become links: many-to-one (sales lines) or one-to-one (two lists).

Many-to-one gives each right record its most likely left record. One-to-one (two
customer lists, each person at most once in each) picks the set of links with the
highest total match weight: exactly, by an assignment per group of connected
candidates (a "no link" option per record, so one strong link is not traded for two
weak ones), and greedily, strongest link first, where a group is too large for that.
The expected precision and recall of the links are read off the fitted model: each
pair's probability is the model's belief that it is a true match.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Larger groups of connected candidates are assigned greedily.
EXACT_MAX = 300
_NO_EDGE = 1e9


def many_to_one(left: np.ndarray, right: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Indices of the pairs that are each right record's strongest (ties: first pair);
    ``left`` is not needed (a left record may take many right ones)."""
    if len(right) == 0:  # no pair above the threshold
        return np.empty(0, np.int64)
    order = np.lexsort((-weight, right))
    first = np.r_[True, right[order][1:] != right[order][:-1]]
    return np.sort(order[first])


def one_to_one(left: np.ndarray, right: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Indices of the pairs kept so that no left and no right record is used twice."""
    if len(left) == 0:
        return np.empty(0, np.int64)
    lcode = np.unique(left, return_inverse=True)[1]
    rcode = np.unique(right, return_inverse=True)[1]
    nl = int(lcode.max()) + 1
    nodes = nl + int(rcode.max()) + 1
    graph = coo_matrix((np.ones(len(left)), (lcode, nl + rcode)), shape=(nodes, nodes))
    group = connected_components(graph, directed=False)[1][lcode]
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    kept = []
    for pairs in np.split(order, bounds):
        if len(pairs) == 1:
            kept.append(pairs)
        elif len(np.unique(lcode[pairs])) + len(np.unique(rcode[pairs])) <= EXACT_MAX:
            kept.append(_exact(pairs, lcode[pairs], rcode[pairs], weight[pairs]))
        else:
            kept.append(_greedy(pairs, lcode[pairs], rcode[pairs], weight[pairs]))
    return np.sort(np.concatenate(kept))


def _exact(pairs, lc, rc, w) -> np.ndarray:
    """Maximum-weight matching: a square assignment with a 'no link' slot per record."""
    from scipy.optimize import linear_sum_assignment  # a slow import, needed only here

    li, lc = np.unique(lc, return_inverse=True)
    ri, rc = np.unique(rc, return_inverse=True)
    n_l, n_r = len(li), len(ri)
    size = n_l + n_r
    cost = np.full((size, size), _NO_EDGE)
    cost[lc, rc] = -w
    cost[np.arange(n_l), n_r + np.arange(n_l)] = 0.0       # left record unlinked
    cost[n_l + np.arange(n_r), np.arange(n_r)] = 0.0       # right record unlinked
    cost[n_l:, n_r:] = 0.0
    rows, cols = linear_sum_assignment(cost)
    chosen = (rows < n_l) & (cols < n_r)
    chosen &= cost[rows, cols] < _NO_EDGE
    lookup = {(int(x), int(y)): k for k, (x, y) in enumerate(zip(lc, rc, strict=True))}
    keep = [lookup[(int(x), int(y))] for x, y in zip(rows[chosen], cols[chosen], strict=True)
            if (int(x), int(y)) in lookup]
    return pairs[np.array(keep, dtype=np.int64)]


def _greedy(pairs, lc, rc, w) -> np.ndarray:
    used_l, used_r, keep = set(), set(), []
    for k in np.argsort(-w, kind="stable"):
        x, y = int(lc[k]), int(rc[k])
        if x not in used_l and y not in used_r:
            used_l.add(x)
            used_r.add(y)
            keep.append(k)
    return pairs[np.array(keep, dtype=np.int64)]


def expected_quality(right: np.ndarray, prob: np.ndarray, chosen: np.ndarray,
                     count: np.ndarray | None = None) -> tuple[float, float]:
    """Expected (precision, recall) of the ``chosen`` pairs under the model.

    A right record's chance of having a true match somewhere is the sum of its pairs'
    probabilities (at most 1); ``count`` weighs records that stand for several rows.
    """
    if count is None:
        count = np.ones(int(right.max()) + 1 if len(right) else 0)
    if len(chosen) == 0:
        return 1.0, (0.0 if prob.sum() > 0 else 1.0)
    found = float((prob[chosen] * count[right[chosen]]).sum())
    total = np.bincount(right, weights=prob, minlength=len(count))
    expected = float((np.minimum(total, 1.0) * count).sum())
    return found / float(count[right[chosen]].sum()), min(1.0, found / max(expected, 1e-12))
