"""Word letters: one .docx with a page per recipient, or one .docx each.

Word files cannot hold control characters (python-docx raises on them): they are
removed and only their count is logged, so one odd cell never breaks a batch.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK

from core.compose.merge import MergeResult, Message
from core.jobs import JobContext

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Cleaner:
    def __init__(self) -> None:
        self.cleaned = 0

    def __call__(self, text: str) -> str:
        clean, n = _CONTROL.subn("", text)
        self.cleaned += n
        return clean


def _add_letter(doc, message: Message, clean: _Cleaner) -> None:
    doc.add_paragraph().add_run(clean(message.subject)).bold = True
    for line in message.text.rstrip("\n").split("\n"):
        doc.add_paragraph(clean(line))


def write_docx(result: MergeResult, folder: Path, ctx: JobContext, one_file_each: bool = False) -> None:
    clean = _Cleaner()
    total = len(result.messages)
    doc = None if one_file_each else Document()
    width = max(5, len(str(total)))
    for i, message in enumerate(result.messages):
        if i % 200 == 0:
            ctx.progress(i, total, "Writing letters")
        if one_file_each:
            single = Document()
            _add_letter(single, message, clean)
            single.save(folder / f"letter-{i + 1:0{width}d}.docx")
            continue
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _add_letter(doc, message, clean)
    if doc is not None:
        ctx.progress(total, total, "Saving the letters")
        doc.save(folder / "letters.docx")
    if clean.cleaned:
        log.info("letters: removed %d control characters Word cannot hold", clean.cleaned)
