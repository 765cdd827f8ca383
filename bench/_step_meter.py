"""Child process of pipeline_bench: `localreach ARGS...` with the peak memory of each step.

The recipe announces each step through ``ctx.progress`` ("Step 3 of 8: dedupe", then
"Writing the results"); at each announcement this records the process's peak resident
memory since the previous one (VmHWM) and resets it (``/proc/self/clear_refs`` "5",
Linux >= 4.0), so every step gets its own peak. Written as JSON to $LR_STEP_PEAKS.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.jobs import JobContext  # noqa: E402

STEP = re.compile(r"Step \d+ of \d+: (\w+)|(Writing the results)")


def _peak_mb_and_reset() -> float:
    status = Path("/proc/self/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # no reset: each step then reports the peak so far
    return peak


def main() -> int:
    peaks: dict[str, float] = {}
    current = ["start-up"]
    original = JobContext.progress

    def progress(self, done, total, message=""):
        found = STEP.fullmatch(message or "")
        if found:
            name = found.group(1) or "write outputs"
            if name != current[0]:
                peaks[current[0]] = max(peaks.get(current[0], 0.0), _peak_mb_and_reset())
                current[0] = name
        return original(self, done, total, message)

    JobContext.progress = progress
    from ui.launch import main as launch

    try:
        code = launch(sys.argv[1:])
    finally:
        peaks[current[0]] = max(peaks.get(current[0], 0.0), _peak_mb_and_reset())
        out = os.environ.get("LR_STEP_PEAKS")
        if out:
            Path(out).write_text(json.dumps(peaks))
    return code or 0


if __name__ == "__main__":
    from ui.launch import leave

    leave(main())  # as the installed command exits
