"""Thread limits for numeric fits (BLAS / OpenMP) so results repeat and the GUI stays responsive.

On a 2-core laptop scikit-learn with 2 OpenMP threads ran 2-7x slower while another process
was busy, and small fits 3-5x slower than with 1 thread. Every fit in this package runs
inside :func:`limited_threads`. scikit-learn is not imported for it: a run that fits only
the value model (scipy) has no OpenMP pool to limit, and saves the half second.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from functools import cache

import scipy.linalg  # noqa: F401 -- load BLAS before the pools are listed
from threadpoolctl import ThreadpoolController

DEFAULT_THREADS = 1


@cache
def _controller(with_sklearn: bool) -> ThreadpoolController:
    """Listing the loaded pools takes ~20 ms: once, and once more when scikit-learn is in
    use (its OpenMP pool, loaded with sklearn.cluster, is listed then)."""
    if with_sklearn:
        import sklearn.cluster  # noqa: F401
    return ThreadpoolController()


@contextlib.contextmanager
def limited_threads(n: int = DEFAULT_THREADS) -> Iterator[None]:
    """Cap BLAS and OpenMP pools at ``n`` threads for the duration of the block."""
    with _controller("sklearn" in sys.modules).limit(limits=n):
        yield
