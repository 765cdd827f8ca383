"""A short guided tour: one card per step, each pointing at the control it names.

The card names a control ("Find customer groups"), outlines it on screen and sits beside
it, never on top of it. When a step still waits for data its control is hidden, so the
card points at the step's row in the sidebar instead and says what the control will do.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.screens import STEPS

# step -> (attribute of the screen's control, what the card says about it)
CARDS: dict[str, tuple[str, str]] = {
    "import": ("demo_button", "Start with “Try the demo data” to explore a made-up shop, or "
               "“Import my files…”: it asks for your customer list, then your sales file."),
    "quality": ("apply_button", "Tick the fixes you want (e-mails, phone numbers, dates) and press "
                "“Apply”; every fix can be undone."),
    "privacy": ("apply_button", "Choose per column how personal data is hidden, then press "
                "“Pseudonymise”; real details come back only at export."),
    "duplicates": ("merge_button", "Look through the possible duplicates, then press "
                   "“Merge duplicates” so each person gets one message."),
    "segments": ("find", "Press “Find customer groups” to put people into groups by how they buy."),
    "personas": ("write", "Press “Write personas” for a portrait of each group, which you can edit."),
    "compose": ("check_button", "Write the message with fields like the first name, then press "
                "“Check before export” to see what each person gets."),
    "export": ("export_button", "Choose the format and folder, then press “Export”: files for "
               "your mail program or Word. Nothing is sent from here."),
    "audit": ("export_button", "Every change is listed here in a sentence; “Export to CSV…” "
              "saves the list for an auditor."),
}
# Once files are in, the welcome and its buttons are gone: these cards say what is there instead.
INSTEAD: dict[str, tuple[str, str]] = {
    "import": ("choose_button", "“Choose file…” reads another customer list or sales file; pick "
               "which with the buttons beside it, and check what each column holds."),
}
# What else a card is about, which it must not cover either: it sat on "Import my files…"
# and on the welcome it answers.
ALSO: dict[str, tuple[str, ...]] = {"import": ("hello", "files_button", "promise")}
GAP = 16  # pixels between the card and what it points at


class Spotlight(QWidget):
    """An outline drawn over the window around the control the card names."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def point_at(self, rect: QRect) -> None:
        """Outline ``rect`` (in the window's coordinates)."""
        self.setGeometry(rect.adjusted(-5, -5, 5, 5))
        self.raise_()
        self.show()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        painter.setPen(QPen(colour, 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 6, 6)


def place_beside(card: QRect, target: QRect, screen: QRect) -> QPoint:
    """Top-left for ``card`` next to ``target`` (right, left, below, above), inside
    ``screen`` and not overlapping ``target``; the corner of ``screen`` farthest from it
    when no side has room."""
    w, h = card.width(), card.height()
    y = min(max(target.center().y() - h // 2, screen.top()), screen.bottom() - h + 1)
    x = min(max(target.center().x() - w // 2, screen.left()), screen.right() - w + 1)
    sides = (QPoint(target.right() + GAP, y), QPoint(target.left() - GAP - w, y),
             QPoint(x, target.bottom() + GAP), QPoint(x, target.top() - GAP - h))
    for spot in sides:
        rect = QRect(spot, card.size())
        if screen.contains(rect) and not rect.intersects(target):
            return spot
    corners = (screen.topLeft(), QPoint(screen.right() - w + 1, screen.top()),
               QPoint(screen.left(), screen.bottom() - h + 1),
               QPoint(screen.right() - w + 1, screen.bottom() - h + 1))
    return max(corners, key=lambda c: (QRect(c, card.size()).center() - target.center()).manhattanLength())


class Tour(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("A quick tour of LocalReach")
        self.setFixedWidth(380)
        self.index = 0
        self.spotlight = Spotlight(window)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("screenTitle")
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        buttons = QHBoxLayout()
        self.back = QPushButton("Back")
        self.next = QPushButton("Next")
        self.next.setDefault(True)
        skip = QPushButton("Close tour")
        self.back.clicked.connect(lambda: self.show_card(self.index - 1))
        self.next.clicked.connect(self._next)
        skip.clicked.connect(self.accept)
        buttons.addWidget(skip)
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout.addLayout(buttons)
        self.finished.connect(lambda _r: self.spotlight.hide())
        window.installEventFilter(self)
        self.show_card(0)

    def target(self) -> QWidget:
        """The control the current card names, or its step's sidebar row while it is hidden."""
        step, _title = STEPS[self.index]
        for attr, _text in (CARDS[step], INSTEAD.get(step, CARDS[step])):
            control = getattr(self.window_.screens[step], attr, None)
            if control is not None and control.isVisible():
                return control
        return self.window_.sidebar.viewport()

    def card_text(self, target: QWidget) -> str:
        step, _title = STEPS[self.index]
        if target is self.window_.sidebar.viewport():
            return CARDS[step][1] + " (It appears once the earlier steps are done.)"
        screen = self.window_.screens[step]
        instead = INSTEAD.get(step)
        if instead and target is getattr(screen, instead[0], None):
            return instead[1]
        return CARDS[step][1]

    def _target_rect(self, target: QWidget) -> QRect:
        """Where the target is, in the window's coordinates (a row only, for the sidebar)."""
        sidebar = self.window_.sidebar
        local = (sidebar.visualItemRect(sidebar.item(self.index)) if target is sidebar.viewport()
                 else target.rect())
        return QRect(target.mapTo(self.window_, local.topLeft()), local.size())

    def show_card(self, index: int) -> None:
        self.index = max(0, min(index, len(STEPS) - 1))
        step, title = STEPS[self.index]
        self.window_.go_to(step)
        target = self.target()
        self.heading.setText(f"{self.index + 1} of {len(STEPS)} · {title}")
        self.text.setText(self.card_text(target))
        self.back.setEnabled(self.index > 0)
        self.next.setText("Finish" if self.index == len(STEPS) - 1 else "Next")
        self.adjustSize()
        self._place(target)

    def _place(self, target: QWidget) -> None:
        rect = self._target_rect(target)
        self.spotlight.point_at(rect)
        step, _title = STEPS[self.index]
        screen = self.window_.screens[step]
        if target is getattr(screen, CARDS[step][0], None):
            for attr in ALSO.get(step, ()):
                control = getattr(screen, attr, None)
                if control is not None and control.isVisible():
                    rect = rect.united(self._target_rect(control))
        on_screen = QRect(self.window_.mapToGlobal(rect.topLeft()), rect.size())
        card = QRect(QPoint(0, 0), self.frameGeometry().size())
        self.move(place_beside(card, on_screen, self.window_.screen().availableGeometry()))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._place(self.target())  # the frame size is known once shown

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        """Follow the window when it is resized or moved (a window manager maximises it
        after the first card is placed): the outline and the card stayed where the
        control had been. Placed once the window's layout has settled."""
        if (watched is self.window_ and self.isVisible()
                and event.type() in (QEvent.Type.Resize, QEvent.Type.Move)):
            QTimer.singleShot(0, self, self._follow)  # not called once the card is gone
        return False

    def _follow(self) -> None:
        if self.isVisible():
            self._place(self.target())

    def _next(self) -> None:
        if self.index == len(STEPS) - 1:
            self.window_.go_to("import")
            self.accept()
        else:
            self.show_card(self.index + 1)
