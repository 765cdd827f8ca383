"""News from worker threads for objects of the GUI thread they must not hold.

A worker that holds a window or a document (a bound method it calls, a signal it emits)
may be the last to let go of it, and then frees a QObject on its own thread: Qt crashes,
later, in whatever runs next (the test suite's rare segfault in gc.collect). So workers
keep only the object's id and tell this relay, which lives as long as the application;
the object listens and picks out its own news.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.app_children import one_per_application


class Relay(QObject):
    """One per application, deleted only with it."""

    fired = Signal(str, object)  # topic, id() of the object the news is for (beyond a C int)


_WITHOUT_APP: list[Relay] = []  # a document made before any application (engine tests)


def relay() -> Relay:
    """The application's relay (call on the GUI thread; hand it to the worker)."""
    found = one_per_application(Relay)
    if found is None:
        if not _WITHOUT_APP:
            _WITHOUT_APP.append(Relay())
        return _WITHOUT_APP[0]
    return found
