"""Persona cards exported to JSON, Markdown, HTML (charts embedded as PNG) and PDF.

Every write is atomic. HTML escapes every text the user typed; nothing links to the web,
so the file opens offline and can be mailed around as one file.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import asdict
from pathlib import Path

from core.atomic import atomic_open, atomic_path
from core.errors import LocalReachError
from core.personas.build import FIGURES, Persona, statistic
from core.personas.chart import comparison_figure, comparison_png
from core.personas.naming import figure_text

FORMATS = (".json", ".md", ".html", ".pdf")


def card_lines(p: Persona) -> list[tuple[str, str]]:
    """The card's facts as (label, text) pairs, shared by every format."""
    rows = [("People", f"{p.people:,} ({p.share:.0%} of all)"),
            ("Share of spend", f"{p.revenue_share:.0%}")]
    rows += [(FIGURES[k], f"{figure_text(k, v, p.currency)}, {statistic(k)} (all buyers: "
             f"{figure_text(k, p.base.get(k, 0.0), p.currency)})") for k, v in p.figures.items()]
    for label, items in (("Top categories", p.top_categories), ("Top products", p.top_products),
                         ("Channels", p.top_channels), ("Examples", p.examples)):
        if items:
            rows.append((label, ", ".join(items)))
    for label, text in (("Tone of voice", p.tone), ("Offer", p.offer),
                        ("Words for customers", p.wording), ("Notes", p.notes)):
        if text:
            rows.append((label, text))
    return rows


def to_json(personas: list[Persona]) -> str:
    return json.dumps({"personas": [asdict(p) for p in personas]}, indent=2, ensure_ascii=False)


def to_markdown(personas: list[Persona]) -> str:
    out = ["# Personas", ""]
    for p in personas:
        out += [f"## {p.name}", "", p.description, ""]
        out += [f"- **{label}:** {text}" for label, text in card_lines(p)]
        out.append("")
    return "\n".join(out)


_CSS = ("body{font-family:sans-serif;margin:2em;color:#222}"
        ".card{border:1px solid #ccc;border-radius:8px;padding:1em;margin:1em 0;"
        "max-width:46em}th{text-align:left;padding-right:1em;font-weight:600}"
        "img{max-width:100%}")


def to_html(personas: list[Persona]) -> str:
    cards = []
    for p in personas:
        png = base64.b64encode(comparison_png(p)).decode("ascii")
        rows = "".join(f"<tr><th>{html.escape(label)}</th><td>{html.escape(text)}</td></tr>"
                       for label, text in card_lines(p))
        cards.append(f'<section class="card"><h2>{html.escape(p.name)}</h2>'
                     f"<p>{html.escape(p.description)}</p><table>{rows}</table>"
                     f'<img alt="{html.escape(p.name)} compared with the average customer" '
                     f'src="data:image/png;base64,{png}"></section>')
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Personas</title><style>{_CSS}</style></head><body><h1>Personas</h1>"
            + "".join(cards) + "</body></html>\n")


def _write_pdf(personas: list[Persona], path: Path) -> None:
    """One A4 page per persona: name, description, facts, chart."""
    from matplotlib.backends.backend_pdf import PdfPages  # only here: a run writes no PDF

    with atomic_path(path) as tmp, PdfPages(tmp) as pdf:
        for p in personas:
            fig = comparison_figure(p, None)
            fig.set_size_inches(8.27, 11.69)
            fig.subplots_adjust(top=0.45, bottom=0.1, left=0.35, right=0.9)
            fig.text(0.08, 0.95, p.name, fontsize=18, weight="bold")
            fig.text(0.08, 0.91, p.description, fontsize=9, wrap=True)
            for i, (label, text) in enumerate(card_lines(p)):
                fig.text(0.08, 0.86 - i * 0.025, f"{label}: {text}", fontsize=9)
            pdf.savefig(fig)


def write_personas(personas: list[Persona], path: str | Path) -> None:
    """Write the cards in the format the file name asks for."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise LocalReachError(f"Cannot write personas to '{path.name}': use a name ending in "
                              + ", ".join(FORMATS) + ".")
    if suffix == ".pdf":
        _write_pdf(personas, path)
        return
    text = {".json": to_json, ".md": to_markdown, ".html": to_html}[suffix](personas)
    with atomic_open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
