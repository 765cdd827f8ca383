"""Make a matplotlib Figure match the window's light or dark palette.

Charts are drawn with matplotlib's defaults (black ink on white) so the exported HTML /
PDF stay the same; on screen :func:`style_figure` recolours the background, axes, ticks,
titles, legends and plain grey/black lines from the QPalette after a chart is drawn.
Data colours (bars, points, heat maps) are left alone, and text placed on a heat map
keeps its own contrast colour.
"""

from __future__ import annotations

from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


def _hex(colour: QColor) -> str:
    return colour.name()


def _is_ink(colour) -> bool:
    """True for black / dark grey: the default 'ink' that vanishes on a dark background."""
    try:
        r, g, b, _a = to_rgba(colour)
    except (TypeError, ValueError):
        return False
    return max(r, g, b) - min(r, g, b) < 0.08 and max(r, g, b) < 0.45


def chart_colours(palette: QPalette | None = None) -> dict[str, str]:
    """Background, plot area, ink and faint-ink colours for the current palette."""
    if palette is None:
        app = QApplication.instance()
        palette = app.palette() if app is not None else QPalette()
    roles = QPalette.ColorRole
    window, base, ink = palette.color(roles.Window), palette.color(roles.Base), palette.color(roles.WindowText)
    faint = palette.color(roles.Mid)
    dark = window.lightness() < 128
    return {
        "figure": _hex(window) if dark else "#ffffff",
        "axes": _hex(base) if dark else "#ffffff",
        "ink": _hex(ink),
        "faint": _hex(faint),
        "dark": dark,
    }


def style_figure(figure: Figure, palette: QPalette | None = None) -> None:
    """Recolour ``figure`` in place for the palette; call after drawing, before ``draw_idle``."""
    c = chart_colours(palette)
    if not c["dark"]:
        return  # matplotlib's own light look already fits a light window
    ink, faint = c["ink"], c["faint"]
    figure.patch.set_facecolor(c["figure"])
    if figure._suptitle is not None:  # noqa: SLF001 (no public getter)
        figure._suptitle.set_color(ink)  # noqa: SLF001
    for ax in figure.axes:
        ax.set_facecolor(c["axes"])
        ax.title.set_color(ink)
        for title in (ax._left_title, ax._right_title):  # noqa: SLF001 (no public getter)
            title.set_color(ink)
        ax.xaxis.label.set_color(ink)
        ax.yaxis.label.set_color(ink)
        ax.tick_params(colors=ink, which="both")
        for spine in ax.spines.values():
            spine.set_edgecolor(faint)
        for line in ax.get_lines():
            if _is_ink(line.get_color()):
                line.set_color(ink)
        if not ax.images:  # labels on a heat map keep the contrast colour they were given
            for text in ax.texts:
                if _is_ink(text.get_color()):
                    text.set_color(ink)
        legend = ax.get_legend()
        if legend is not None:
            legend.get_frame().set_facecolor(c["axes"])
            legend.get_frame().set_edgecolor(faint)
            for text in legend.get_texts():
                text.set_color(ink)
            for handle in getattr(legend, "legend_handles", []):
                if hasattr(handle, "get_color") and _is_ink(handle.get_color()):
                    handle.set_color(ink)
            if legend.get_title() is not None:
                legend.get_title().set_color(ink)
    for legend in figure.legends:
        legend.get_frame().set_facecolor(c["figure"])
        for text in legend.get_texts():
            text.set_color(ink)
