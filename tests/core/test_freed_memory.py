"""Between steps, memory the last step freed goes back to the operating system."""

import re
import sys
from pathlib import Path

import pytest

from core.freed_memory import _malloc_trim, release_freed_memory


def _rss_mb() -> float:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux") or _malloc_trim() is None,
                    reason="glibc's malloc_trim")
def test_freed_heap_memory_is_given_back():
    # 100 KB blocks come from the heap (below malloc's mmap threshold); the last one,
    # kept, stops the heap from shrinking at its top by itself
    blocks = [bytearray(100_000) for _ in range(2_000)]
    for b in blocks:
        b[::4096] = b"\x01" * len(b[::4096])  # touch every page
    pinned = bytearray(100_000)
    held = _rss_mb()
    del blocks
    freed = _rss_mb()
    release_freed_memory()
    given_back = _rss_mb()
    assert held - freed < 50  # glibc kept the ~200 MB
    assert freed - given_back > 150
    assert len(pinned) == 100_000

