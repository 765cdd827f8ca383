"""The region in the app: the user's choice, else detected from the data, else the system locale.

Core detects from data and reads a locale *name* it is given; only the app looks at the
machine (the ``LC_ALL``/``LC_CTYPE``/``LANG`` variables, then Python's locale). The
window keeps the project's region in the document's ``region`` state row (saved with
the project, see :mod:`core.project.store`); the commands take ``--region``.
"""

from __future__ import annotations

import locale
import os

from core.errors import LocalReachError

# core.region and the project store (pandas, phonenumbers) are imported where a region is
# worked out, so a command's --help, which only shows REGION_HELP, stays light.

REGION_HELP = ("country (two letters) for phone numbers and postcodes written without one; "
               "default: detected from the file's countries and +codes, else the system locale")


def system_locale() -> str | None:
    """The user's locale name (``en_GB.UTF-8``), or None when the system says none."""
    for var in ("LC_ALL", "LC_CTYPE", "LANG"):
        if os.environ.get(var):
            return os.environ[var]
    return locale.getlocale()[0]


def add_region_argument(parser) -> None:
    parser.add_argument("--region", metavar="XX", help=REGION_HELP)


def command_region(given: str | None, frame, roles: dict[str, str]) -> tuple[str | None, str]:
    """A command's region -- ``--region``, else detected from ``frame``, else the locale's --
    and one line saying which, for the command to print."""
    from core.region import check_region, detect_region, region_from_locale

    if given:
        try:
            region = check_region(given)
        except LocalReachError:
            raise LocalReachError(f"--region '{given}': use a two-letter country code such as DE or GB") from None
        return region, f"Region {region} (--region)"
    if found := detect_region(frame, roles):
        return found, f"Region {found}, detected from the file (--region to change it)"
    if found := region_from_locale(system_locale()):
        return found, f"Region {found}, from the system locale (--region to change it)"
    return None, "Region not known: numbers and postcodes without their country are left as written (give --region)"


def region_source(doc) -> tuple[str | None, str]:
    """The open project's region and where it comes from, in words for the screen:
    stored (chosen or detected on import), else detected from its files, else the locale's."""
    from core.project.store import REGION_STATE
    from core.region import region_from_locale

    stored = doc.state(REGION_STATE) or {}
    if stored.get("code"):
        how = stored.get("how") or "chosen by you"
        return stored["code"], how
    found = _detect(doc)
    if found:
        return found
    code = region_from_locale(system_locale())
    return code, "from this computer's language settings" if code else "not known"


_DETECTED_FROM = {"crm": "customer list", "sales": "sales file"}  # looked at in this order


def detected_in(name: str, frame, roles: dict[str, str]) -> tuple[str, str] | None:
    """(region, how) found in the project's frame ``name``, or None. An import's job
    calls it on the file it read, off the GUI thread: on it, at 100k customers, it was
    70 ms of the window's every refresh after an import (phone numbers parsed)."""
    from core.region import detect_region

    found = detect_region(frame, roles) if frame is not None and name in _DETECTED_FROM else None
    return (found, f"detected from the {_DETECTED_FROM[name]}") if found else None


def _detect(doc, known: dict | None = None) -> tuple[str, str] | None:
    """The first region the project's files show; ``known`` gives what was already
    found for some of them (``{name: (region, how) or None}``)."""
    known = known or {}
    for name in _DETECTED_FROM:
        found = known[name] if name in known else detected_in(name, doc.frame(name), doc.roles(name))
        if found:
            return found
    return None


def document_region(doc) -> str | None:
    """The open project's region: stored, else detected from its files, else the locale's."""
    return region_source(doc)[0]


def store_detected_region(doc, known: dict | None = None) -> str | None:
    """On an import: keep the region its data shows with the project (one more change in
    the import's undo step), unless the project already has one. ``known``: what the
    import's job found in the files it read (:func:`detected_in`), which may not be in
    the project yet -- stored first, the window's refresh as the file lands finds the
    region and need not look for it."""
    from core.project.store import REGION_STATE

    if (doc.state(REGION_STATE) or {}).get("code"):
        return None
    found = _detect(doc, known)
    if found:
        doc.set_state(REGION_STATE, {"code": found[0], "how": found[1]}, f"Region {found[0]}")
    return found[0] if found else None


def set_document_region(doc, code: str) -> None:
    """Store the region the user chose (one undoable step, saved with the project)."""
    from core.project.store import REGION_STATE
    from core.region import check_region

    code = check_region(code)
    if (doc.state(REGION_STATE) or {}).get("code") != code:
        doc.set_state(REGION_STATE, {"code": code, "how": "chosen by you"}, f"Set the region to {code}")
