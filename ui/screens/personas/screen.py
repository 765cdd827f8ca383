"""Personas screen: one card per customer group, edited in place, exported to HTML or PDF.

"Write personas" builds the cards from the grouped customer list in the background and
stores them as the ``personas`` state (plain dicts the mail merge reads); rewriting
refreshes the figures but keeps every field the user typed for groups that still exist.
Every edit on a card is one undoable change.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QWidget,
)

from app.actions import personas as actions
from ui.screens.base import DONE, NOT_STARTED, StepScreen
from ui.screens.personas.card import PersonaCard
from ui.widgets.actions import run_action

EXPORT_FILTER = "Web page (*.html);;PDF (*.pdf);;Markdown (*.md);;JSON (*.json)"


class Screen(StepScreen):
    STEP = "personas"
    TITLE = "Personas"
    INTRO = ("Turn each customer group into a persona you can picture and write to: a name, "
             "what sets them apart, and the tone and offer that suit them.")

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.summary = QLabel()
        self.summary.setObjectName("summaryFigure")
        self.write = QPushButton("Write personas")
        self.write.setDefault(True)
        self.write.clicked.connect(self.write_personas)
        self.export = QPushButton("Export cards…")
        self.export.setToolTip("Save all cards as a web page (HTML), PDF, Markdown or JSON.")
        self.export.clicked.connect(self._ask_export)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.write)
        top.addWidget(self.export)
        self.body.addLayout(top)
        self.cards: list[PersonaCard] = []
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        self.body.addWidget(scroll, 1)

    # -- the document -------------------------------------------------------------------
    def waiting_for(self) -> str | None:
        return actions.waiting_for(self.document)

    def personas(self) -> list:
        return actions.personas(self.document)

    def status(self) -> tuple[str, str]:
        personas = self.personas()
        if self.waiting_for() or not personas:
            return NOT_STARTED, ""
        return DONE, f"{len(personas)} personas"

    def refresh(self) -> None:
        personas = self.personas()
        self.export.setEnabled(bool(personas))
        self.summary.setText(f"{len(personas)} personas, {sum(p.people for p in personas):,} "
                             "people." if personas else "Press “Write personas” to start.")
        if [c.segment for c in self.cards] == [p.segment for p in personas]:
            for card, persona in zip(self.cards, personas, strict=True):
                card.show_persona(persona)
            return
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        for i, persona in enumerate(personas):
            card = PersonaCard(persona)
            card.edited.connect(self._card_edited)
            self._grid.addWidget(card, i // 2, i % 2)
            self.cards.append(card)

    # -- user actions -------------------------------------------------------------------
    def write_personas(self) -> None:
        if action := actions.write(self.document):  # None: no groups yet
            run_action(self, action)

    def _card_edited(self, segment: str, field: str, text: str) -> None:
        actions.edit(self.document, segment, field, text)

    def _ask_export(self) -> None:
        from ui.widgets.file_dialogs import remember, start_in

        path = remember(QFileDialog.getSaveFileName(
            self, "Export persona cards", start_in("personas.html"), EXPORT_FILTER)[0])
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        run_action(self, actions.export(self.personas(), path),
                  lambda changed: self.summary.setText(f"Cards saved to {changed['file']}."))

