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
from docx.oxml import OxmlElement
from docx.text.paragraph import Paragraph

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


class _Letters:
    """Appends paragraphs in constant time: python-docx's ``add_paragraph`` looks for the
    section properties at the end of the body on every call, which is quadratic for a
    100,000-letter file."""

    def __init__(self, clean: _Cleaner) -> None:
        self.doc = Document()
        body = self.doc.element.body
        self._anchor = body.sectPr
        self._body = body
        self.clean = clean

    def paragraph(self, text: str = "") -> Paragraph:
        p = OxmlElement("w:p")
        if self._anchor is not None:
            self._anchor.addprevious(p)
        else:
            self._body.append(p)
        paragraph = Paragraph(p, self.doc)
        if text:
            paragraph.add_run(self.clean(text))
        return paragraph

    def letter(self, message: Message, page_break: bool) -> None:
        if page_break:
            self.paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.paragraph(message.subject).runs[0].bold = True
        for line in message.text.rstrip("\n").split("\n"):
            self.paragraph(line)


def write_docx(result: MergeResult, folder: Path, ctx: JobContext, one_file_each: bool = False) -> None:
    clean = _Cleaner()
    total = len(result.messages)
    combined = None if one_file_each else _Letters(clean)
    width = max(5, len(str(total)))
    for i, message in enumerate(result.messages):
        if i % 200 == 0:
            ctx.progress(i, total, "Writing letters")
        if one_file_each:
            single = _Letters(clean)
            single.letter(message, page_break=False)
            single.doc.save(folder / f"letter-{i + 1:0{width}d}.docx")
        else:
            combined.letter(message, page_break=i > 0)
    if combined is not None:
        ctx.progress(total, total, "Saving the letters")
        combined.doc.save(folder / "letters.docx")
    if clean.cleaned:
        log.info("letters: removed %d control characters Word cannot hold", clean.cleaned)
