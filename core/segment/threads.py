"""Thread limits for numeric fits (BLAS / OpenMP) so results repeat and the GUI stays responsive.

On a 2-core laptop scikit-learn with 2 OpenMP threads ran 2-7x slower while another process
was busy, and small fits 3-5x slower than with 1 thread. Every fit in this package runs
inside :func:`limited_threads`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache

import scipy.linalg  # noqa: F401 -- load BLAS and OpenMP before the pools are listed
import sklearn.cluster  # noqa: F401
from threadpoolctl import ThreadpoolController

DEFAULT_THREADS = 1


@cache
def _controller() -> ThreadpoolController:
    """Listing the loaded pools takes ~20 ms; do it once, not around every fit."""
    return ThreadpoolController()


@contextlib.contextmanager
def limited_threads(n: int = DEFAULT_THREADS) -> Iterator[None]:
    """Cap BLAS and OpenMP pools at ``n`` threads for the duration of the block."""
    with _controller().limit(limits=n):
        yield
