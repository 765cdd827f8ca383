"""Before Qt starts on Linux: name the missing system packages instead of a plugin trace.

Qt's xcb platform plugin needs a handful of X11 libraries that minimal Linux installs
lack; without them Qt prints "could not load the Qt platform plugin xcb" and aborts.
We look the libraries up first and print the Debian/Ubuntu package names to install.
"""

from __future__ import annotations

import ctypes
import os
import sys

# soname -> Debian/Ubuntu package that provides it
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_packages(libraries: dict[str, str] = XCB_LIBRARIES, loadable=_loadable) -> list[str]:
    """Debian package names whose library cannot be loaded (empty off Linux/X11)."""
    return sorted({pkg for soname, pkg in libraries.items() if not loadable(soname)})


def gui_problem() -> str | None:
    """A one-paragraph message if the GUI cannot start here, else None."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform in ("offscreen", "minimal", "wayland", "eglfs"):
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return (
            "No screen found (DISPLAY is not set). Run LocalReach from a desktop session, "
            "or use the command line: `localreach --help`."
        )
    missing = missing_packages()
    if missing:
        return (
            "LocalReach needs these system packages to show its window: "
            + " ".join(missing)
            + "\nInstall them with: sudo apt-get install " + " ".join(missing)
        )
    return None
