"""About box: version, the libraries we stand on and their licences, the privacy promise."""

from __future__ import annotations

import platform

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from core import __version__

LIBRARIES = [
    ("PySide6-Essentials", "LGPL-3.0"),
    ("pandas", "BSD-3-Clause"),
    ("numpy", "BSD-3-Clause"),
    ("scikit-learn", "BSD-3-Clause"),
    ("rapidfuzz", "MIT"),
    ("openpyxl", "MIT"),
    ("python-calamine", "MIT"),
    ("keyring", "MIT"),
    ("Jinja2", "BSD-3-Clause"),
    ("cryptography", "Apache-2.0 / BSD"),
    ("matplotlib", "PSF-based"),
    ("phonenumbers", "Apache-2.0"),
]


def _version(dist: str) -> str:
    from importlib import metadata  # 8 ms of imports before the first paint, for a box few open

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "bundled"


class AboutDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About LocalReach")
        layout = QVBoxLayout(self)
        rows = "".join(f"<tr><td>{n}</td><td>{_version(n)}</td><td>{lic}</td></tr>" for n, lic in LIBRARIES)
        text = QLabel(
            f"<h2>LocalReach {__version__}</h2>"
            "<p>Customer groups, personas and mail merge from your own spreadsheets.<br>"
            "<b>Nothing leaves this computer.</b></p>"
            f"<p>Python {platform.python_version()} on {platform.system()}</p>"
            f"<table cellspacing=6><tr><th align=left>Library</th><th align=left>Version</th>"
            f"<th align=left>Licence</th></tr>{rows}</table>"
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
