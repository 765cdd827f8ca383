"""Objects an application holds once, as its children: deleted only with it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject


def one_per_application(kind: type[QObject]) -> QObject | None:
    """The application's child of ``kind``, made on the first call (call on the GUI
    thread); None when there is no application."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    found = app.findChild(kind)
    return found if found is not None else kind(app)
