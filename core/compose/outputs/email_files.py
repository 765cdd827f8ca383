"""E-mail outputs: one .eml per recipient, or one .mbox with all of them.

Messages are built with :class:`email.message.EmailMessage` (RFC 5322, UTF-8), with the
plain text first and the HTML as its alternative. Header values with CR or LF are
refused outright: no value can smuggle a ``Bcc:`` into a message. ``X-Unsent: 1`` makes
Outlook open an .eml as a draft, ready to send.
"""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from core.compose.merge import MergeResult, Message
from core.errors import TemplateError
from core.jobs import JobContext

MSGID_DOMAIN = "localreach.invalid"  # never ask the network for our host name


def _header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise TemplateError(f"the {name} line would contain a line break; this is refused")
    return value


def build_message(message: Message, sender: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = _header("To", message.to)
    if sender:
        msg["From"] = _header("From", sender)
    msg["Subject"] = _header("Subject", message.subject)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=MSGID_DOMAIN)
    msg["X-Unsent"] = "1"
    msg.set_content(message.text or "\n")
    if message.html:
        msg.add_alternative(message.html, subtype="html")
    return msg


def write_eml(result: MergeResult, folder: Path, ctx: JobContext) -> None:
    width = max(5, len(str(len(result.messages))))
    for i, message in enumerate(result.messages, start=1):
        if i % 500 == 1:
            ctx.progress(i - 1, len(result.messages), "Writing e-mails")
        data = build_message(message, result.sender).as_bytes()
        (folder / f"message-{i:0{width}d}.eml").write_bytes(data)
    ctx.progress(len(result.messages), len(result.messages), "Writing e-mails")


def write_mbox(result: MergeResult, folder: Path, ctx: JobContext) -> None:
    box = mailbox.mbox(folder / "messages.mbox", create=True)
    box.lock()
    try:
        for i, message in enumerate(result.messages):
            if i % 500 == 0:
                ctx.progress(i, len(result.messages), "Writing the mailbox")
            box.add(build_message(message, result.sender))
        box.flush()
    finally:
        box.unlock()
        box.close()
    ctx.progress(len(result.messages), len(result.messages), "Writing the mailbox")
