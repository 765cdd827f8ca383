"""Outputs: .eml/.mbox parse back, .docx pages, csv/xlsx rows, suppression, atomicity."""

import datetime as dt
import email
import mailbox
import zipfile
from email import policy

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from core.compose.filters import long_date
from core.compose.merge import merge
from core.compose.outputs import write
from core.compose.template import parse_template
from core.io import read_table
from core.jobs import Cancelled, JobContext

ROLES = {"email": "email", "first_name": "first_name", "consent": "consent",
         "unsubscribed": "opt_out"}
TEXT = "Subject: Hello {{ first_name }}\n\nDear {{ first_name }},\nsee you soon.\n"
HTML = "Subject: Hello {{ first_name }}\n\n<p>Dear {{ first_name }},</p><p>see you soon.</p>\n"


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "email": ["ann@example.org", "bob@example.org", "cy@example.org", "di@example.org",
                  "ed@example.org"],
        "first_name": ["Ann", "<script>x</script>", "=HYPERLINK(\"http://x\")", "Di", "Ed"],
        "consent": ["yes", "yes", "yes", "no", "yes"],
        "unsubscribed": ["", "", "", "", "yes"],
    })


def _result(source=TEXT):
    return merge(_frame(), ROLES, {"main": parse_template(source, is_html="<p>" in source)})


def test_eml_parse_back_without_injected_headers(tmp_path):
    frame = _frame()
    frame.loc[0, "first_name"] = "Ann\nBcc: evil@example.org"
    result = merge(frame, ROLES, {"main": parse_template(HTML, is_html=True)})
    names = write(result, tmp_path / "out", "eml")
    assert names == ["left_out.csv", "message-00001.eml", "message-00002.eml"]
    parsed = [email.message_from_bytes((tmp_path / "out" / n).read_bytes(), policy=policy.default)
              for n in names[1:]]
    assert [m["To"] for m in parsed] == ["bob@example.org", "cy@example.org"]
    assert all(m["Bcc"] is None for m in parsed)
    first = parsed[0]
    assert first["Subject"] == "Hello <script>x</script>"
    assert first.get_body(("html",)).get_content() == (
        "<p>Dear &lt;script&gt;x&lt;/script&gt;,</p><p>see you soon.</p>\n")
    assert first.get_body(("plain",)).get_content() == "Dear <script>x</script>,\n\nsee you soon.\n"
    left = read_table(tmp_path / "out" / "left_out.csv")[0]
    assert left.to_dict("list") == {
        "row": ["2", "5", "6"],
        "reason": ["message could not be written: the subject would contain a line break",
                   "said no to being contacted", "asked not to be contacted"]}


def test_mbox_opens_with_mailbox(tmp_path):
    write(_result(), tmp_path / "out", "mbox")
    box = mailbox.mbox(tmp_path / "out" / "messages.mbox")
    assert [m["To"] for m in box] == ["ann@example.org", "bob@example.org", "cy@example.org"]
    assert box[0].get_payload(decode=True).decode() == "Dear Ann,\nsee you soon.\n"


def test_docx_one_page_per_recipient_and_control_chars(tmp_path):
    frame = _frame()
    frame.loc[0, "first_name"] = "An\x00n\x07"
    result = merge(frame, ROLES, {"main": parse_template(TEXT)})
    write(result, tmp_path / "out", "docx")
    doc = Document(tmp_path / "out" / "letters.docx")
    texts = [p.text for p in doc.paragraphs]
    today = long_date(dt.date.today().isoformat())  # each letter: date, a gap, subject, body
    assert texts == [today, "", "Hello Ann", "Dear Ann,", "see you soon.", "",
                     today, "", "Hello <script>x</script>", "Dear <script>x</script>,",
                     "see you soon.", "", today, "", 'Hello =HYPERLINK("http://x")',
                     'Dear =HYPERLINK("http://x"),', "see you soon."]
    assert round(doc.sections[0].page_width.mm) == 210  # A4 for en_GB
    assert doc.element.body.xml.count('w:type="page"') == 2


def test_docx_one_file_each(tmp_path):
    names = write(_result(), tmp_path / "out", "docx", one_file_each=True)
    assert names == ["left_out.csv", "letter-00001.docx", "letter-00002.docx", "letter-00003.docx"]
    assert Document(tmp_path / "out" / "letter-00003.docx").paragraphs[2].text == \
        'Hello =HYPERLINK("http://x")'


def test_csv_and_xlsx_rows_are_recipients_minus_suppressed_and_formula_safe(tmp_path):
    result = _result()
    write(result, tmp_path / "csv", "csv")
    write(result, tmp_path / "xlsx", "xlsx")
    table = pd.read_csv(tmp_path / "csv" / "merge.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    assert table["email"].tolist() == ["ann@example.org", "bob@example.org", "cy@example.org"]
    assert table["subject"].tolist() == ["Hello Ann", "Hello <script>x</script>",
                                         'Hello =HYPERLINK("http://x")']
    assert table["first_name"].tolist()[2] == "'=HYPERLINK(\"http://x\")"
    sheet = load_workbook(tmp_path / "xlsx" / "merge.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["email", "ann@example.org", "bob@example.org", "cy@example.org"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    everything = "".join((tmp_path / "csv" / "merge.csv").read_text("utf-8"))
    assert "di@example.org" not in everything and "ed@example.org" not in everything


def test_html_preview_escapes(tmp_path):
    write(_result(), tmp_path / "out", "html")
    page = (tmp_path / "out" / "preview.html").read_text("utf-8")
    assert page.count("<section>") == 3
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page


def test_cancel_leaves_nothing_behind(tmp_path):
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        write(_result(), tmp_path / "out", "eml", ctx=ctx)
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_keeps_other_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")
    write(_result(), out, "csv")
    assert sorted(p.name for p in out.iterdir()) == ["left_out.csv", "merge.csv", "notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("fmt", ["eml", "mbox", "docx", "html", "csv", "xlsx"])
def test_suppressed_people_never_appear_in_any_output(tmp_path, fmt):
    write(_result(), tmp_path / "out", fmt)
    blobs = []
    for path in (tmp_path / "out").iterdir():
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as zf:
                blobs += [zf.read(n) for n in zf.namelist()]
        else:
            blobs.append(path.read_bytes())
    everything = b"".join(blobs)
    assert b"Dear Ann" in everything
    for gone in (b"di@example.org", b"ed@example.org", b"Dear Di", b"Dear Ed"):
        assert gone not in everything


def test_batch_policy_writes_the_same_bytes_as_the_default_policy(monkeypatch):
    from email.message import EmailMessage
    from email.parser import BytesParser

    from core.compose.merge import Message
    from core.compose.outputs import email_files
    from core.errors import TemplateError

    monkeypatch.setattr(email_files, "make_msgid", lambda domain: "<1@localreach.invalid>")
    monkeypatch.setattr(email.generator.Generator, "_make_boundary",
                        classmethod(lambda cls, text=None: "==b=="))
    date = "Mon, 23 Nov 2026 13:50:12 +0000"
    messages = [Message(0, "ann@example.org", "Hello Ann", "Dear Ann,\n"),
                Message(1, "Jörg Groß <j@example.org>", "Grüße " * 20, "Grüße, Jörg\n" + "x" * 100,
                        "<p>Grüße</p>"),
                Message(2, "\"Berg, Ann\" <ann@example.org>", "=?utf-8?q?hi?= there", "", "<p>Hi</p>")]
    for m in messages * 2:  # the second round uses the shared headers of the first
        fast = email_files.build_message(m, "Shop <shop@example.com>", date)
        plain = EmailMessage(policy=policy.default)
        for name, value in (("To", m.to), ("From", "Shop <shop@example.com>"), ("Subject", m.subject),
                            ("Date", date), ("Message-ID", "<1@localreach.invalid>"), ("X-Unsent", "1")):
            plain[name] = value
        plain.set_content(m.text or "\n")
        if m.html:
            plain.add_alternative(m.html, subtype="html")
        assert fast.as_bytes() == plain.as_bytes()
        assert fast.as_string() == plain.as_string()
        back = BytesParser(policy=policy.default).parsebytes(fast.as_bytes())
        assert (back["To"], back["Subject"]) == (str(plain["To"]), str(plain["Subject"]))
        assert back.get_body(("plain",)).get_content() == (m.text or "\n").rstrip("\n") + "\n"
    for bad in ({"to": "a@example.org\r\nBcc: evil@example.org"}, {"subject": "Hi\rBcc: x@y.z"}):
        fields = {"to": "a@example.org", "subject": "Hi", **bad}
        with pytest.raises(TemplateError):
            email_files.build_message(Message(0, fields["to"], fields["subject"], "x\n"))


def test_the_fast_address_check_agrees_with_email_validator_on_each_address():
    from core.compose.audience import _valid_email, valid_emails

    addresses = ["ann@example.org", "a.b-c+d@sub.example.co.uk", "an***@example.de", "x@y",
                 "no-at-sign", "@example.org", "ann@", "two@@example.org", "ann@exa mple.org",
                 '"quoted name"@example.org', "jörg@example.de", "ann@bücher.de", ".dot@example.org",
                 "dot.@example.org", "a..b@example.org", "a" * 65 + "@example.org", "ann@-bad.org",
                 "ann@example.org.", "", "ann@localhost", "ann@123.123.123.123"]
    values = pd.Series(addresses, dtype="str")
    assert valid_emails(values).tolist() == [_valid_email(a) for a in addresses]
    assert [a for a, ok in zip(addresses, valid_emails(values), strict=True) if ok] == [
        "ann@example.org", "a.b-c+d@sub.example.co.uk", "an***@example.de", "jörg@example.de",
        "ann@bücher.de", "a" * 65 + "@example.org"]
