"""E-mail outputs: one .eml per recipient, or one .mbox with all of them.

Messages are built with :class:`email.message.EmailMessage` (RFC 5322, UTF-8), with the
plain text first and the HTML as its alternative. Header values with CR or LF are
refused outright: no value can smuggle a ``Bcc:`` into a message. ``X-Unsent: 1`` makes
Outlook open an .eml as a draft, ready to send.

Speed: the standard library spends most of a message's time on headers -- its header
registry builds a new class for every header set, and every header is parsed when set
and re-folded when written, although most of them (From, Date, MIME-Version,
Content-Type, Content-Transfer-Encoding, X-Unsent) are the same in every message of a
batch. :data:`POLICY` is ``email.policy.default`` with those costs cached: header
classes are made once, and the header objects of those repeating headers (immutable)
are parsed and folded once and shared. The recipient's own headers (To, Subject,
Message-ID) are parsed and checked for each message as before; the bytes written are
the same as with ``email.policy.default``.
"""

from __future__ import annotations

import mailbox
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from pathlib import Path

from core.compose.merge import MergeResult, Message
from core.errors import TemplateError
from core.jobs import JobContext

MSGID_DOMAIN = "localreach.invalid"  # never ask the network for our host name
# headers whose values repeat from message to message within a batch
_SHARED = frozenset({"from", "date", "x-unsent", "mime-version", "content-type",
                     "content-transfer-encoding"})
_CACHE_LIMIT = 512


class _Registry(HeaderRegistry):
    """A header factory that makes each header class once (the standard one calls
    ``type()`` for every header it parses)."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def map_to_type(self, name: str, cls: type) -> None:
        super().map_to_type(name, cls)
        self._classes.clear()

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls


class _BatchPolicy(EmailPolicy):
    """``email.policy.default`` that parses and folds the headers a batch repeats once.

    Header objects are immutable, so one parsed ``Content-Type: text/plain;
    charset="utf-8"`` serves every message; its folded form is kept per folding
    setting (line length, line ending, UTF-8) and used only for that very object.
    Values with a MIME boundary (unique per message) are not kept.
    """

    _headers: dict[tuple[str, str], object] = {}
    _folded: dict[tuple, object] = {}

    def header_store_parse(self, name, value):
        key = name.lower()
        if key not in _SHARED or not isinstance(value, str) or hasattr(value, "name") \
                or "boundary" in value:
            return super().header_store_parse(name, value)
        cached = self._headers.get((key, value))
        if cached is None or cached.name != name:
            if len(self._headers) >= _CACHE_LIMIT:
                self._headers.clear()
                self._folded.clear()
            name, cached = super().header_store_parse(name, value)
            self._headers[(key, value)] = cached
        return (name, cached)

    def _shared(self, name, value) -> bool:
        return self._headers.get((name.lower(), str(value))) is value

    def fold(self, name, value):
        if not self._shared(name, value):
            return super().fold(name, value)
        key = ("s", id(value), name, str(value), self.max_line_length, self.linesep, self.utf8)
        folded = self._folded.get(key)
        if folded is None:
            folded = self._folded[key] = super().fold(name, value)
        return folded

    def fold_binary(self, name, value):
        if not self._shared(name, value):
            return super().fold_binary(name, value)
        key = ("b", id(value), name, str(value), self.max_line_length, self.linesep, self.utf8, self.cte_type)
        folded = self._folded.get(key)
        if folded is None:
            folded = self._folded[key] = super().fold_binary(name, value)
        return folded


POLICY = _BatchPolicy(header_factory=_Registry())


def _header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise TemplateError(f"the {name} line would contain a line break; this is refused")
    return value


def build_message(message: Message, sender: str = "", date: str | None = None) -> EmailMessage:
    """One recipient's message; ``date`` (RFC 5322, e.g. from ``formatdate``) defaults
    to now -- a batch passes one date so the header is parsed once."""
    msg = EmailMessage(policy=POLICY)
    msg["To"] = _header("To", message.to)
    if sender:
        msg["From"] = _header("From", sender)
    msg["Subject"] = _header("Subject", message.subject)
    msg["Date"] = date or formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=MSGID_DOMAIN)
    msg["X-Unsent"] = "1"
    msg.set_content(message.text or "\n")
    if message.html:
        msg.add_alternative(message.html, subtype="html")
    return msg


def write_eml(result: MergeResult, folder: Path, ctx: JobContext) -> None:
    width = max(5, len(str(len(result.messages))))
    date = formatdate(localtime=True)
    for i, message in enumerate(result.messages, start=1):
        if i % 500 == 1:
            ctx.progress(i - 1, len(result.messages), "Writing e-mails")
        data = build_message(message, result.sender, date).as_bytes()
        (folder / f"message-{i:0{width}d}.eml").write_bytes(data)
    ctx.progress(len(result.messages), len(result.messages), "Writing e-mails")


def write_mbox(result: MergeResult, folder: Path, ctx: JobContext) -> None:
    box = mailbox.mbox(folder / "messages.mbox", create=True)
    box.lock()
    date = formatdate(localtime=True)
    try:
        for i, message in enumerate(result.messages):
            if i % 500 == 0:
                ctx.progress(i, len(result.messages), "Writing the mailbox")
            box.add(build_message(message, result.sender, date))
        box.flush()
    finally:
        box.unlock()
        box.close()
    ctx.progress(len(result.messages), len(result.messages), "Writing the mailbox")
