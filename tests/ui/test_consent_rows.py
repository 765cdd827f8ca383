"""The consent panel's Flip buttons sit just after the widest meaning, one under the other,
however wide the window (at 1920x1080 they were 1,100 pixels away from their words)."""

import pandas as pd
from PySide6.QtWidgets import QLabel, QPushButton

from app.consent import consent_plan, consent_settings
from app.document import Document
from ui.widgets.consent_panel import ConsentPanel

CRM = pd.DataFrame({"email": ["a@example.org", "b@example.org"], "consent": ["yes", "no"],
                    "OPTIN_TIME": ["2024-01-02", ""], "unsubscribed": ["no", "yes"]})


def test_flip_buttons_line_up_after_the_widest_meaning(qtbot):
    doc = Document()
    doc.set_frame("crm", CRM, "Import", roles={"email": "email"})
    panel = ConsentPanel(doc)
    qtbot.addWidget(panel)
    panel.resize(1700, 300)
    panel.show_plan(consent_plan(CRM, doc.roles("crm"), consent_settings(doc)))
    panel.show()
    qtbot.waitExposed(panel)
    flips = [b for b in panel.findChildren(QPushButton) if b.text() == "Flip meaning"]
    labels = [w for w in panel.findChildren(QLabel) if w.text().startswith("“")]
    assert len(flips) == len(labels) == 3
    assert len({b.x() for b in flips}) == 1
    widest = max(w.fontMetrics().horizontalAdvance(w.text()) for w in labels)
    assert 0 <= flips[0].x() - (labels[0].x() + widest) <= 20
