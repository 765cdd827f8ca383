"""A progress bar on standard error for CLI commands; silent when piped."""

from __future__ import annotations

import sys
import time

from core.jobs import JobContext


class TerminalProgress:
    """Draws ``[#####     ] 52% message`` at most ten times a second on a terminal."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        frac = done / total if total else 0.0
        bar = "#" * int(frac * 30)
        self.stream.write(f"\r[{bar:<30}] {frac:4.0%} {message[:40]:<40}")
        if total and done >= total:
            self.stream.write("\n")
        self.stream.flush()


def cli_context() -> JobContext:
    """A job context whose progress goes to the terminal (if any)."""
    return JobContext(TerminalProgress())
