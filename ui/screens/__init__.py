"""One package per pipeline step; its ``screen`` module defines ``Screen``, a :class:`StepScreen`.

STEPS is the sidebar order. A step whose module is missing shows a plain placeholder.
"""

STEPS: list[tuple[str, str]] = [
    ("import", "Import"),
    ("quality", "Quality"),
    ("duplicates", "Duplicates"),
    ("privacy", "Privacy"),
    ("segments", "Segments"),
    ("personas", "Personas"),
    ("compose", "Compose"),
    ("export", "Export"),
    ("audit", "Audit log"),
]

# step id -> module name where they differ ("import" is a Python keyword)
MODULES: dict[str, str] = {"import": "imports"}
