"""Who may be contacted, in people: the counts, each consent column's meaning, and the flip.

Shown on the Export screen above the Export button. The counts and meanings come from
:func:`app.consent.consent_plan` (the same code the merge uses); the user's answers --
a column's meaning flipped or confirmed, and the legal basis for a list without any
consent column -- are project state ("consent"), so each change is one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.consent import (
    confirm_meaning,
    consent_settings,
    describe,
    flip_meaning,
    set_without_consent,
)
from core.roles.consent import OPT_IN, OPT_OUT

_MEANS = {OPT_IN: "yes = may be contacted", OPT_OUT: "yes = asked not to be contacted"}


class ConsentPanel(QWidget):
    """Counts, one row per consent column with a Flip button, and the legal-basis box."""

    changed = Signal()

    def __init__(self, document, parent=None, counts: bool = True) -> None:
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.counts = QLabel()
        self.counts.setObjectName("summaryFigure")
        self.counts.setWordWrap(True)
        self.counts.setVisible(counts)  # a screen may say the counts in its own words
        layout.addWidget(self.counts)
        self.rows = QVBoxLayout()
        layout.addLayout(self.rows)
        self.legal_basis = QCheckBox("This list has no consent column. I have another legal basis "
                                     "for writing to these people (recorded in the audit log).")
        self.legal_basis.setAccessibleName("Legal basis without a consent column")
        self.legal_basis.toggled.connect(self._legal_basis)
        self.legal_basis.setVisible(False)
        layout.addWidget(self.legal_basis)

    def show_plan(self, plan: dict) -> None:
        """``plan`` from :func:`app.consent.consent_plan`."""
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.layout() is not None:
                while item.layout().count():
                    widget = item.layout().takeAt(0).widget()
                    if widget is not None:
                        widget.deleteLater()
        self.counts.setText(describe(plan, consent_settings(self.document).without_consent))
        if plan.get("unclear"):
            self._add_confirm(plan["unclear"])
        meanings = plan.get("meanings", [])
        # the labels as wide as the widest, so the buttons line up just after them
        width = max((self.fontMetrics().horizontalAdvance(self._meaning(c, p)) for c, p, _r in meanings), default=0)
        for column, polarity, reason in meanings:
            self._add_row(column, polarity, reason, width)
        self.legal_basis.blockSignals(True)
        self.legal_basis.setChecked(consent_settings(self.document).without_consent)
        self.legal_basis.blockSignals(False)
        self.legal_basis.setVisible(bool(plan.get("no_consent_info"))
                                    or consent_settings(self.document).without_consent)

    @staticmethod
    def _meaning(column: str, polarity: str) -> str:
        return f"“{column}”: {_MEANS[polarity]}"

    def _add_row(self, column: str, polarity: str, reason: str, width: int) -> None:
        row = QHBoxLayout()
        label = QLabel(self._meaning(column, polarity))
        label.setMinimumWidth(width)
        label.setToolTip(reason[0].upper() + reason[1:])
        flip = QPushButton("Flip meaning")
        flip.setAccessibleName(f"Flip the meaning of {column}")
        flip.setToolTip("Read this column the other way round")
        flip.clicked.connect(lambda _c=False, c=column, p=polarity: self._flip(c, p))
        row.addWidget(label)
        row.addWidget(flip)
        row.addStretch(1)
        self.rows.addLayout(row)

    def _add_confirm(self, column: str) -> None:
        row = QHBoxLayout()
        for polarity, text in ((OPT_IN, "Yes means: may be contacted"),
                               (OPT_OUT, "Yes means: do not contact")):
            button = QPushButton(text)
            button.setAccessibleName(f"{column}: {text}")
            button.clicked.connect(lambda _c=False, p=polarity: self._confirm(column, p))
            row.addWidget(button)
        row.addStretch(1)
        self.rows.addLayout(row)

    def _confirm(self, column: str, polarity: str) -> None:
        confirm_meaning(self.document, column, polarity)
        self.changed.emit()

    def _flip(self, column: str, polarity: str) -> None:
        flip_meaning(self.document, column, polarity)
        self.changed.emit()

    def _legal_basis(self, on: bool) -> None:
        set_without_consent(self.document, on)
        self.changed.emit()
