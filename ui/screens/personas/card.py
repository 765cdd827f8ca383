"""One persona card: editable name (for the team), description, tone, offer, words for
customers and notes; facts; a small chart, drawn off the GUI thread (a dozen cards drawn
on it held the window for a moment each time the personas were written).

The card never changes the document itself: it emits ``edited(segment, field, text)``
and the screen turns that into one undoable change. Typing in the longer fields is
gathered for a moment first, so undo takes back a phrase, not a letter.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from app.actions import personas as actions
from ui.widgets.picture import Picture

TYPING_PAUSE_MS = 700


class PersonaCard(QFrame):
    edited = Signal(str, str, str)  # segment, field, new text

    def __init__(self, persona, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.segment = persona.segment
        self.setAccessibleName(f"Persona card for {persona.segment}")
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        for key, label in actions.FIELDS.items():
            if key in actions.SHORT:
                widget = QLineEdit()
                widget.editingFinished.connect(lambda k=key: self.commit(k))
            else:
                widget = QPlainTextEdit()
                widget.setFixedHeight(56)
                timer = QTimer(widget, singleShot=True, interval=TYPING_PAUSE_MS)
                timer.timeout.connect(lambda k=key: self.commit(k))
                widget.textChanged.connect(timer.start)
            widget.setAccessibleName(label)
            self.fields[key] = widget
            form.addRow(label, widget)
        self.fields["name"].setToolTip("The team's label for this group; customers never see it.")
        self.fields["wording"].setToolTip("What customers may read about themselves: "
                                          "{{ persona_wording }} in a message.")
        self.facts = QLabel()  # one short fact per line: no wrapping, so the card's height is known
        self.chart = Picture(lambda figure, p: actions.draw(p, figure),
                             "How this group compares with the average customer")
        self.chart.setMinimumHeight(240)
        self._charted: dict | None = None  # the figures the chart shows
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.facts)
        layout.addWidget(self.chart)
        self.persona = persona
        self.show_persona(persona)

    def text(self, key: str) -> str:
        w = self.fields[key]
        return w.text() if isinstance(w, QLineEdit) else w.toPlainText()

    def show_persona(self, persona) -> None:
        """Show ``persona``; fields already showing the same text are left alone (cursor)."""
        self.persona = persona
        for key, widget in self.fields.items():
            value = getattr(persona, key)
            if self.text(key) != value:
                widget.blockSignals(True)
                if isinstance(widget, QLineEdit):
                    widget.setText(value)
                else:
                    widget.setPlainText(value)
                widget.blockSignals(False)
        self.facts.setText("\n".join(f"{label}: {text}" for label, text in actions.facts(persona)))
        if persona.versus_base != self._charted:  # an edited word leaves the chart alone
            self._charted = persona.versus_base
            self.chart.show_data(persona)

    def commit(self, key: str) -> None:
        value = self.text(key).strip()
        if key == "name" and not value:
            self.show_persona(self.persona)  # a persona keeps a name
            return
        if value != getattr(self.persona, key):
            self.edited.emit(self.segment, key, value)
