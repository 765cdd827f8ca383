"""RELIABILITY 24: a save killed mid-way leaves the previous project intact, no temp files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from core.project.store import load_project, save_project, temp_files

ROOT = Path(__file__).resolve().parents[2]

# The child builds a large project, says "ready", and saves over the target when told. With
# "stall", its disk stalls in the fsync of the temp file, so the kill lands while the
# temp file is full-size on disk -- the moment a crash is most likely to leave debris.
CHILD = """
import os, sys, time
import numpy as np
import pandas as pd
import core.atomic
from core.project.store import save_project
if sys.argv[2] == "stall":
    def stalled_fsync(fd):
        print("writing", flush=True)
        time.sleep(60)
    core.atomic.os.fsync = stalled_fsync
rng = np.random.default_rng(1)
n = 100_000
big = pd.DataFrame({f"c{i}": pd.Series(rng.integers(0, 10**12, n).astype(str), dtype="str") for i in range(10)})
print("ready", flush=True)
sys.stdin.readline()
save_project(sys.argv[1], {"frames": {"crm": big}, "state": {"marker": "new"}})
print("saved", flush=True)
"""


def _start_child(target: Path, mode: str = "build") -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target), mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout.readline().strip() == "ready"
    return child


def _go(child: subprocess.Popen) -> None:
    child.stdin.write("go\n")
    child.stdin.flush()


def _original(path: Path) -> bytes:
    crm = pd.DataFrame({"customer_id": ["C1", "C2"], "email": ["a@example.org", ""]}, dtype="str")
    save_project(path, {"frames": {"crm": crm}, "state": {"marker": "old"}})
    return path.read_bytes()


def _kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdin.close()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL, "the save finished before the kill; make the child bigger"


def test_killing_a_save_leaves_the_previous_file_byte_identical(tmp_path):
    """Kill three saves at three moments (started together to keep the test short)."""
    delays = [0.0, 0.08, 0.16]
    paths = [tmp_path / f"shop{i}.lreach" for i in range(len(delays))]
    befores = [_original(p) for p in paths]
    children = [_start_child(p) for p in paths]
    for child in children:
        _go(child)
    start = time.monotonic()
    for child, delay in zip(children, delays, strict=True):
        time.sleep(max(0.0, start + delay - time.monotonic()))
        _kill(child)
    for path, before in zip(paths, befores, strict=True):
        assert path.read_bytes() == before
        assert load_project(path)["state"] == {"marker": "old"}
        # Opening the project (what the next start does) sweeps any orphaned temp file.
        assert temp_files(path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in paths]


def test_killing_a_save_while_its_temp_file_is_on_disk(tmp_path):
    path = tmp_path / "shop.lreach"
    before = _original(path)
    child = _start_child(path, "stall")
    _go(child)
    assert child.stdout.readline().strip() == "writing"
    _kill(child)
    assert path.read_bytes() == before
    orphans = temp_files(path)
    assert len(orphans) == 1 and orphans[0].stat().st_size > len(before)
    assert load_project(path)["state"] == {"marker": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.lreach"]


def test_an_uninterrupted_child_save_replaces_the_file(tmp_path):
    """Control: the same child, not killed, really does write the target."""
    path = tmp_path / "shop.lreach"
    _original(path)
    child = _start_child(path)
    _go(child)
    assert child.stdout.readline().strip() == "saved"
    child.wait(timeout=60)
    child.stdin.close()
    child.stdout.close()
    tree = load_project(path)
    assert tree["state"] == {"marker": "new"}
    assert tree["frames"]["crm"].shape == (100_000, 10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.lreach"]
