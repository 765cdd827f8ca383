"""What the child process runs to read an untrusted .xls/.xlsb/.ods with calamine.

calamine can abort the whole process (an uncatchable Rust allocation failure or panic)
on a crafted file, and unlike .xlsx these formats cannot be checked cheaply in full
before it reads them. So a spawned child opens them under a memory cap and sends plain
Python values back; if it dies, only the child is gone. This module lives outside
``core.io`` so the child starts without importing pandas (a tenth of the start-up).
"""

from __future__ import annotations

MEMORY_LIMIT = 4 << 30  # address space; far above what a real export needs


def _limit_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimit; an abort still only ends the child
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _quiet() -> None:
    """Send the child's standard error nowhere: a Rust abort prints a long backtrace, and
    the parent already tells the user in one line."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _sheets(workbook) -> tuple[list[str], list[str]]:
    """Worksheet names and the hidden ones (chart sheets left out)."""
    import python_calamine

    try:
        meta = workbook.sheets_metadata
    except Exception:
        return list(workbook.sheet_names), []
    sheets = [m for m in meta if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    hidden = [m.name for m in sheets if m.visible != python_calamine.SheetVisibleEnum.Visible]
    return [m.name for m in sheets], hidden


def serve(conn, path: str, memory_limit: int = MEMORY_LIMIT) -> None:
    """Answer ``("sheets",)`` and ``("rows", sheet, limit)`` requests until ``None``.

    Replies are ``("ok", value)`` or ``("error", "")``; values are calamine's own
    (str, float, int, bool, date/time), turned into text by the parent.
    """
    _limit_memory(memory_limit)
    _quiet()
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
    except BaseException:  # PanicException derives from BaseException
        conn.send(("error", ""))
        return
    try:
        while (request := conn.recv()) is not None:
            try:
                if request[0] == "sheets":
                    conn.send(("ok", _sheets(workbook)))
                else:
                    _, sheet, limit = request
                    ws = workbook.get_sheet_by_name(sheet)
                    rows = ws.to_python(
                        skip_empty_area=False, **({"nrows": limit} if limit else {})
                    )
                    conn.send(("ok", rows))
            except BaseException:
                conn.send(("error", ""))
    except EOFError:
        pass
    finally:
        workbook.close()
