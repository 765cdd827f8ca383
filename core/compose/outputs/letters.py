"""Word letters: one .docx with a page per recipient, or one .docx each.

Each letter is laid out as a letter: the sender block and the date from the campaign's
settings, the recipient's address block in their country's order
(:mod:`core.compose.postal`), the subject in bold, then the body with paragraph
spacing; pages are A4 or US Letter by the campaign's locale, and the document
properties name the shop, not the library that wrote the file.

Word files cannot hold control characters (python-docx raises on them): they are
removed and only their count is logged, so one odd cell never breaks a batch.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from core.compose.filters import long_date
from core.compose.merge import MergeConfig, MergeResult, Message
from core.compose.postal import page_size
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

    def __init__(self, clean: _Cleaner, config: MergeConfig) -> None:
        self.doc = Document()
        self.config = config
        body = self.doc.element.body
        self._anchor = body.sectPr
        self._body = body
        self.clean = clean
        section = self.doc.sections[0]
        if page_size(config.locale) == "Letter":
            section.page_width, section.page_height = Mm(215.9), Mm(279.4)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        style = self.doc.styles["Normal"].paragraph_format
        style.space_after, style.line_spacing = Pt(6), 1.15
        props = self.doc.core_properties
        props.author = props.last_modified_by = config.shop or config.sender or ""
        props.title, props.comments = "Letters", ""
        self.date = long_date(dt.date.today().isoformat(), config.locale)

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
        sender = [v for v in (self.config.shop, *self.config.sender_address) if v]
        if sender:
            self._block(sender, size=Pt(8))
        if message.address:
            self._block(message.address)
        self.paragraph(self.date)
        self.paragraph()
        if message.subject:
            self.paragraph(message.subject).runs[0].bold = True
        for line in message.text.rstrip("\n").split("\n"):
            self.paragraph(line)


    def _block(self, lines, size=None) -> None:
        """Lines of one address with no space between them, and a gap after the block."""
        for k, line in enumerate(lines):
            p = self.paragraph(line)
            p.paragraph_format.space_after = Pt(0 if k < len(lines) - 1 else 12)
            if size is not None and p.runs:
                p.runs[0].font.size = size


def write_docx(result: MergeResult, folder: Path, ctx: JobContext, one_file_each: bool = False) -> None:
    clean = _Cleaner()
    total = len(result.messages)
    config = result.config or MergeConfig()
    combined = None if one_file_each else _Letters(clean, config)
    width = max(5, len(str(total)))
    for i, message in enumerate(result.messages):
        if i % 200 == 0:
            ctx.progress(i, total, "Writing letters")
        if one_file_each:
            single = _Letters(clean, config)
            single.letter(message, page_break=False)
            single.doc.save(folder / f"letter-{i + 1:0{width}d}.docx")
        else:
            combined.letter(message, page_break=i > 0)
    if combined is not None:
        ctx.progress(total, total, "Saving the letters")
        combined.doc.save(folder / "letters.docx")
    if clean.cleaned:
        log.info("letters: removed %d control characters Word cannot hold", clean.cleaned)
