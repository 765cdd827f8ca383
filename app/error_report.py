"""What went wrong, where, and what to do: the three lines every error dialog shows.

Our own errors (:class:`LocalReachError`) already say all three. Anything else is a
bug or a file the code did not expect; the report then names the step, the files it
was working on, the column when the error names one (a missing column) or the typed
columns it most likely choked on (dates and amounts), and the log file that holds the
traceback -- never a cell value.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from app.logging_setup import log_file, safe_traceback
from core.errors import LocalReachError

TARGET_WORDS = {"crm": "customer list", "sales": "sales file"}
# Roles whose columns must hold dates or numbers: the usual cause of a TypeError/ValueError.
TYPED_ROLES = ("order_date", "date_of_birth", "amount", "unit_price", "quantity", "discount")


@dataclass
class ErrorReport:
    what: str
    where: str
    todo: str
    details: str

    def text(self) -> str:
        return "\n\n".join(part for part in (self.what, self.where, self.todo) if part)


def missing_columns(exc: BaseException) -> list[str]:
    """Column names a ``KeyError`` mentions: ``'product'`` or ``"['product'] not in index"``."""
    if not isinstance(exc, KeyError) or not exc.args:
        return []
    arg = exc.args[0]
    if isinstance(arg, str):
        listed = re.match(r"^\s*(\[.*\])", arg)
        if listed:
            try:
                return [str(c) for c in ast.literal_eval(listed.group(1))]
            except (ValueError, SyntaxError):
                return []
    return [str(arg)]


def your_columns(message: str, roles: dict[str, dict[str, str]]) -> str:
    """The engines read columns by their role's name ('order_date'); say the user's own
    header instead ('Date'), as it reads on the Import screen."""
    header = {}
    for columns in roles.values():
        for column, role in columns.items():
            if role not in ("", "other") and column != role:
                header.setdefault(role, column)
    return re.sub(r"'([^']+)'", lambda m: f"'{header.get(m.group(1), m.group(1))}'", message)


def _files(sources: dict[str, dict | None]) -> dict[str, str]:
    return {t: Path(s.get("path", "")).name or TARGET_WORDS.get(t, t) for t, s in sources.items() if s}


def explain(
    exc: BaseException,
    step: str,
    sources: dict[str, dict | None] | None = None,
    roles: dict[str, dict[str, str]] | None = None,
) -> ErrorReport:
    """The report for ``exc`` raised while ``step`` worked on the project's ``sources``."""
    details = getattr(exc, "details", None) or safe_traceback(exc)
    log = f"The technical details are in the log file {log_file()} (it holds no names or addresses)."
    roles = roles or {}
    if isinstance(exc, LocalReachError):
        return ErrorReport(your_columns(str(exc), roles), "", "", details)
    files = _files(sources or {})
    on = ", ".join(f"the {TARGET_WORDS.get(t, t)} {name}" for t, name in files.items())
    where = f"It happened while {step} was working on {on}." if on else f"It happened in {step}."
    missing = missing_columns(exc)
    if missing:
        what = f"{step} needs a column your files do not have: {', '.join(missing)}."
        todo = ("On the Import screen, mark the column that holds this (right-click its header), "
                "or import a file that has it; then run this step again.")
    elif isinstance(exc, (TypeError, ValueError)):
        what = f"{step} could not finish: some values are not of the kind their column's role says."
        typed = [f"{col} ({Path(files.get(t, t)).name})" for t, rs in roles.items()
                 for col, role in rs.items() if role in TYPED_ROLES]
        if typed:
            where += f" The columns it reads as dates or numbers are: {', '.join(typed)}."
        todo = ("On the Import screen, check that these columns hold dates and numbers (and that "
                "empty cells are really empty), change a column's role if it is wrong, and try again.")
    elif isinstance(exc, MemoryError):
        what = f"{step} ran out of memory."
        todo = "Close other programs, or work on a smaller file (fewer rows), and try again."
    elif isinstance(exc, OSError):
        name = Path(exc.filename).name if getattr(exc, "filename", None) else "a file"
        what = f"{step} could not read or write {name}: {exc.strerror or 'the system refused'}."
        todo = "Check that the file or folder exists, is not open in another program, and that you may write there."
    else:
        what = f"{step} stopped because of a problem in LocalReach ({type(exc).__name__})."
        todo = "Nothing was changed. Try again; if it happens again, send the log file to your support contact."
    return ErrorReport(what, where, f"{todo}\n{log}", details)
