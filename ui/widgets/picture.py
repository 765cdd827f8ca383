"""A chart drawn off the GUI thread: every picture on the screens.

Filling and rendering a matplotlib figure of a big report took the GUI thread 0.5-0.7 s
after "Find customer groups" (100,000 customers). Here a worker thread fills a Figure
with the ``draw(figure, data)`` function and renders it with FigureCanvasAgg (no pyplot,
no Qt canvas: safe off the GUI thread); the GUI thread only paints the image. A chart is
drawn when it is first shown with new data (most sit on tabs nobody opens) and again,
after a pause, when its size changes; meanwhile the last image is shown scaled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QObject, QRect, QSize, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.give_way import give_way, wake
from ui.widgets.chart_style import chart_colours, style_figure

RESIZE_PAUSE_MS = 150  # a window being dragged larger is drawn once it stops
_painter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart")  # one at a time, in order
CHART_WAIT_S = 0.25  # how long a chart waits for the GUI thread's own work before it is drawn


def _empty(figure: Figure, text: str, palette: QPalette) -> None:
    colours = chart_colours(palette)
    figure.patch.set_facecolor(colours["figure"])
    figure.text(0.5, 0.5, text, ha="center", va="center", wrap=True, color=colours["ink"],
                fontsize=10)


def render(draw: Callable[[Figure, object], None], data, empty: str, size: QSize, ratio: float,
           palette: QPalette) -> tuple[QImage, Figure]:
    """(the chart as an image of ``size`` logical pixels, the figure drawn); runs on the
    worker thread, touching nothing the GUI thread holds."""
    dpi = 100
    figure = Figure(figsize=(size.width() / dpi, size.height() / dpi), dpi=dpi * ratio,
                    layout="tight")
    if data is not None:
        draw(figure, data)
        style_figure(figure, palette)
    elif empty:
        _empty(figure, empty, palette)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    pixels = bytes(canvas.buffer_rgba())  # QImage reads it in place: copied before it goes
    image = QImage(pixels, width, height, QImage.Format.Format_RGBA8888).copy()
    image.setDevicePixelRatio(ratio)
    return image, figure


class _Delivery(QObject):
    """Carries a finished image from the worker thread to the GUI thread (a queued signal)."""

    done = Signal(int, QImage, object, object)  # request number, image, figure, worker thread id


class Picture(QWidget):
    """Shows ``draw(figure, data)`` for the data last given to :meth:`show_data`.

    ``rendered`` is emitted on the GUI thread each time a new image is in place."""

    rendered = Signal()

    def __init__(self, draw: Callable[[Figure, object], None], name: str,
                 parent: QWidget | None = None, empty: str = "") -> None:
        """``empty``: what the view says while it has no data (what to do to fill it)."""
        super().__init__(parent)
        self._draw, self.empty = draw, empty
        self.setAccessibleName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 140)
        self._data: object = None
        self._filled = False  # show_data was called once
        self._asked = 0  # number of the latest render request; older answers are dropped
        self._drawn: tuple | None = None  # (data, size) of the image in place or on its way
        self._image = QImage()
        self.figure: Figure | None = None  # the figure in place, drawn and not touched again
        self.drawn_on: int | None = None  # the thread id the image in place was drawn on
        self._delivery = _Delivery(self)
        self._delivery.done.connect(self._arrived)
        self._resized = QTimer(self, singleShot=True, interval=RESIZE_PAUSE_MS)
        self._resized.timeout.connect(self._ask)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(500, 320)

    def show_data(self, data) -> None:
        if data is self._data and (data is not None or self._filled):
            return  # the same report again (another refresh): nothing to redraw
        self._filled, self._data = True, data
        self.figure = None  # no longer the data in place
        if self.isVisible():
            self._ask()

    def title(self) -> str:
        """The title of the chart in place (empty until the current data is drawn)."""
        return self.figure.axes[0].get_title() if self.figure is not None and self.figure.axes else ""

    def image(self) -> QImage:
        return self._image

    def _ask(self) -> None:
        """Have the worker draw the current data at the current size, unless it is already."""
        size = self.size()
        if not self._filled or (self._drawn is not None and self._drawn[0] is self._data
                                and self._drawn[1] == size):
            return
        self._drawn = (self._data, size)
        self._asked += 1
        asked, data, draw, empty = self._asked, self._data, self._draw, self.empty
        ratio, palette = self.devicePixelRatioF(), QPalette(QGuiApplication.palette())
        delivery = self._delivery

        def job() -> None:
            give_way(CHART_WAIT_S)  # a chart is drawn in one go: after the GUI thread's own work
            image, figure = render(draw, data, empty, size, ratio, palette)
            delivery.done.emit(asked, image, figure, threading.get_ident())

        wake()
        # after the event in hand: the GUI thread's own work for this data comes first
        QTimer.singleShot(0, self, lambda: _painter.submit(job))

    def _arrived(self, asked: int, image: QImage, figure: Figure, thread: int) -> None:
        if asked != self._asked:
            return  # newer data or size asked for since
        self._image, self.figure, self.drawn_on = image, figure, thread
        self.update()
        self.rendered.emit()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._ask()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.isVisible():
            self._resized.start()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        if self._image.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRect(0, 0, self.width(), self.height()), self._image)
        painter.end()
