"""The log file: a small rotating file in the data folder that error dialogs name.

Only LocalReach's own words go in it: step names, exception types and code locations
(file, line, function). Exception messages are written only for kinds whose text is
built by the code (LocalReach errors, missing columns, wrong types), because a
``ValueError`` from pandas can quote a cell -- a name or an e-mail address.
"""

from __future__ import annotations

import logging
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.settings import data_dir
from core.errors import LocalReachError

LOG_NAME = "localreach.log"
# Messages of these kinds are made of type and column names, never of cell values.
_SAFE_MESSAGES = (LocalReachError, KeyError, TypeError, AttributeError, NotImplementedError, ZeroDivisionError)


class _LogFile(RotatingFileHandler):
    """LocalReach's own handler, told apart from any a host program installed."""


def log_file() -> Path:
    return data_dir() / "logs" / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send log records to the rotating file in the data folder (one handler); return its path."""
    path = log_file()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _LogFile)]:
        if Path(handler.baseFilename) == path:
            return path
        root.removeHandler(handler)  # the data folder moved (LOCALREACH_HOME)
        handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = _LogFile(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path


def safe_message(exc: BaseException) -> str:
    """``TypeError: unsupported operand ...``, or just the type where the text may quote data."""
    name = type(exc).__name__
    if isinstance(exc, _SAFE_MESSAGES) and str(exc):
        return f"{name}: {exc}"
    return f"{name} (its message is not shown: it may quote values from your files)"


def safe_traceback(exc: BaseException) -> str:
    """The traceback's code locations and the safe message, for the log and "Show details"."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    return f"Traceback (most recent call last):\n{frames}{safe_message(exc)}"
