"""An .html preview of every message: open it in a browser to read the batch."""

from __future__ import annotations

from html import escape
from pathlib import Path

from core.compose.merge import MergeResult
from core.jobs import JobContext

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Mail merge preview</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:auto}}
section{{border-top:1px solid #999;padding:1em 0}} .to{{color:#555}}</style></head>
<body><h1>Mail merge preview: {count} messages</h1>
"""


def write_html(result: MergeResult, folder: Path, ctx: JobContext) -> None:
    total = len(result.messages)
    with open(folder / "preview.html", "w", encoding="utf-8") as fh:
        fh.write(_PAGE.format(count=total))
        for i, m in enumerate(result.messages):
            if i % 1000 == 0:
                ctx.progress(i, total, "Writing the preview")
            body = m.html or f"<pre>{escape(m.text)}</pre>"
            variant = f" &middot; variant {escape(m.variant)}" if m.variant else ""
            fh.write(f'<section><h2>{escape(m.subject)}</h2>'
                     f'<p class="to">To: {escape(m.to)}{variant}</p>\n{body}\n</section>\n')
        fh.write("</body></html>\n")
    ctx.progress(total, total, "Writing the preview")
