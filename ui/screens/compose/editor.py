"""The template editor: subject line, body with merge fields highlighted, insert-field and
insert-rule-block menus.

It only edits text; the Compose screen turns edits into undoable document changes.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.actions.compose import Template
from ui.widgets.field_names import field_label, field_tooltip


class MergeHighlighter(QSyntaxHighlighter):
    """``{{ field }}`` in blue and bold, ``{% if %}`` blocks in purple: not colour alone."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self._rules = []
        dark = QGuiApplication.palette().base().color().lightness() < 128
        colours = ("#8ab4ff", "#d59cf0") if dark else ("#1f5fbf", "#7a2a9a")  # readable on either
        for pattern, colour in zip((r"\{\{.*?\}\}", r"\{%.*?%\}"), colours, strict=True):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            fmt.setFontWeight(QFont.Weight.Bold)
            self._rules.append((QRegularExpression(pattern), fmt))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt name)
        for regex, fmt in self._rules:
            matches = regex.globalMatch(text)
            while matches.hasNext():
                m = matches.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), fmt)


class TemplateEditor(QWidget):
    edited = Signal()
    blockChosen = Signal(int)  # the position of the ready-made rule block in the menu

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subject = QLineEdit()
        self.subject.setAccessibleName("Subject")
        self.sender = QLineEdit()
        self.sender.setPlaceholderText("optional, e.g. shop@example.org")
        self.sender.setAccessibleName("From")
        self.body = QPlainTextEdit()
        self.body.setAccessibleName("Message")
        self.body.setTabChangesFocus(True)
        self.highlighter = MergeHighlighter(self.body.document())
        self.is_html = QCheckBox("The message is HTML")
        self.insert_button = QToolButton()
        self.insert_button.setText("Insert field")
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(self.insert_button)
        self.insert_button.setMenu(self.insert_menu)
        self.block_button = QToolButton()
        self.block_button.setText("Insert rule block")
        self.block_button.setToolTip("A ready-made rule (a greeting by name, an offer per "
                                     "persona, ...): it appears on the Rules tab to edit.")
        self.block_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.block_menu = QMenu(self.block_button)
        self.block_button.setMenu(self.block_menu)
        form = QFormLayout()
        form.addRow("Subject", self.subject)
        form.addRow("From", self.sender)
        tools = QHBoxLayout()
        tools.addWidget(self.insert_button)
        tools.addWidget(self.block_button)
        tools.addWidget(self.is_html)
        tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(tools)
        layout.addWidget(self.body, 1)
        for signal in (self.subject.textEdited, self.sender.textEdited, self.body.textChanged,
                       self.is_html.toggled):
            signal.connect(self._changed)
        self._loading = False

    def _changed(self, *_args) -> None:
        if not self._loading:
            self.edited.emit()

    def set_fields(self, fields: list[str], columns: dict[str, str] | None = None) -> None:
        """One menu entry per field, in plain words (the user's own header for a column,
        "Chance still active" for ``p_active``); the code name is in its tooltip."""
        self.insert_menu.clear()
        self.insert_menu.setToolTipsVisible(True)
        for name in fields:
            action = self.insert_menu.addAction(field_label(name, columns))
            action.setToolTip(field_tooltip(name))
            action.setData(name)
            action.triggered.connect(lambda _checked=False, n=name: self.insert_field(n))

    def set_blocks(self, labels: list[str]) -> None:
        """The ready-made rule blocks, in plain words."""
        self.block_menu.clear()
        for i, label in enumerate(labels):
            action = self.block_menu.addAction(label)
            action.triggered.connect(lambda _checked=False, n=i: self.blockChosen.emit(n))

    def insert_field(self, name: str) -> None:
        """Insert ``{{ name }}`` where the cursor is (in the subject if it has focus)."""
        text = "{{ " + name + " }}"
        if self.subject.hasFocus():
            self.subject.insert(text)
            self.edited.emit()
        else:
            self.body.insertPlainText(text)

    def template(self) -> Template:
        body = self.body.toPlainText()
        html = self.is_html.isChecked()
        return Template(subject=self.subject.text(), text="" if html else body,
                        html=body if html else "", sender=self.sender.text())

    def set_template(self, template: Template) -> None:
        """Show ``template`` without emitting ``edited`` (used by undo and version switch)."""
        if template == self.template():
            return
        self._loading = True
        try:
            self.subject.setText(template.subject)
            self.sender.setText(template.sender)
            self.is_html.setChecked(bool(template.html))
            self.body.setPlainText(template.html or template.text)
        finally:
            self._loading = False
