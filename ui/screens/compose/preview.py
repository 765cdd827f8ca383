"""Live preview of any recipient's message: search by name or e-mail, next / previous,
and "show as persona" to see another persona's text on the same person. Who matches a
search is decided by the screen's action (by the columns' roles, on real values)."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.errors import LocalReachError

AS_IS = "their own persona"


class PreviewPanel(QWidget):
    def __init__(self, find_people: Callable[[str], list], parent: QWidget | None = None) -> None:
        """``find_people(text)``: the index labels of the people a search finds."""
        super().__init__(parent)
        self._find_people = find_people
        self.frame: pd.DataFrame | None = None
        self.roles: dict[str, str] = {}
        self.merger = None
        self.problem = ""
        self.personas: dict[str, dict] = {}
        self.segment_column = "segment"
        self.rows: list = []  # index labels the buttons step through
        self.position = 0
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a person by name or e-mail")
        self.search.setAccessibleName("Find a person")
        self.search.returnPressed.connect(self.find)
        self.previous = QPushButton("Previous")
        self.next = QPushButton("Next")
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.persona = QComboBox()
        self.persona.setAccessibleName("Show as persona")
        self.persona.currentTextChanged.connect(lambda _t: self.render())
        self.where = QLabel()
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setAccessibleName("Preview")
        nav = QHBoxLayout()
        for w in (self.previous, self.next, self.where):
            nav.addWidget(w)
        nav.addStretch(1)
        nav.addWidget(QLabel("Show as"))
        nav.addWidget(self.persona)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(nav)
        layout.addWidget(self.view, 1)

    def set_data(self, frame: pd.DataFrame, roles: dict[str, str], personas: dict[str, dict],
                 segment_column: str) -> None:
        keep = self.rows[self.position] if self.rows else None
        self.frame, self.roles, self.segment_column = frame, roles, segment_column
        self.personas = personas
        names = [AS_IS, *[p.get("name", s) for s, p in personas.items()]]
        if names != [self.persona.itemText(i) for i in range(self.persona.count())]:
            self.persona.blockSignals(True)
            self.persona.clear()
            self.persona.addItems(names)
            self.persona.blockSignals(False)
        self.show_rows(list(frame.index), keep)

    def set_merger(self, merger, problem: str = "") -> None:
        self.merger, self.problem = merger, problem
        self.render()

    def show_rows(self, rows: list, current=None) -> None:
        """Step through ``rows`` only (e.g. the people a check points at)."""
        self.rows = rows
        self.position = rows.index(current) if current in rows else 0
        self.render()

    def step(self, delta: int) -> None:
        if self.rows:
            self.position = (self.position + delta) % len(self.rows)
            self.render()

    def find(self) -> None:
        text = self.search.text().strip()
        if self.frame is None or not text:
            return
        matches = self._find_people(text)
        self.show_rows(matches or list(self.frame.index), matches[0] if matches else None)
        if not matches:
            self.where.setText("Nobody found")

    def current_row(self):
        return self.rows[self.position] if self.rows else None

    def render(self) -> None:
        self.previous.setEnabled(len(self.rows) > 1)
        self.next.setEnabled(len(self.rows) > 1)
        label = self.current_row()
        if self.frame is None or label is None:
            self.view.setPlainText("")
            return
        self.where.setText(f"Person {self.position + 1:,} of {len(self.rows):,}")
        if self.merger is None:
            self.view.setHtml(f"<p><b>This message cannot be shown yet:</b> "
                              f"{html.escape(self.problem)}</p>")
            return
        row = self.frame.loc[label]
        chosen = self.persona.currentText()
        if chosen and chosen != AS_IS:
            segment = next((s for s, p in self.personas.items() if p.get("name", s) == chosen), "")
            row = row.copy()
            row[self.segment_column] = segment
        try:
            out = self.merger.render(row)
        except LocalReachError as exc:
            self.view.setHtml(f"<p><b>No message for this person:</b> {html.escape(str(exc))}</p>")
            return
        body = out.html or f"<pre style='white-space: pre-wrap'>{html.escape(out.text)}</pre>"
        self.view.setHtml(f"<p><b>Subject:</b> {html.escape(out.subject)}</p><hr>{body}")

    def shown_text(self) -> str:
        return self.view.toPlainText()
