"""One module per pipeline step; each defines ``Screen``, a :class:`StepScreen`.

STEPS is the sidebar order. A step whose module is missing shows a plain placeholder.
"""

STEPS: list[tuple[str, str]] = [
    ("import", "Import"),
    ("quality", "Quality"),
    ("privacy", "Privacy"),
    ("duplicates", "Duplicates"),
    ("segments", "Segments"),
    ("personas", "Personas"),
    ("compose", "Compose"),
    ("export", "Export"),
    ("audit", "Audit log"),
]

# step id -> module name where they differ ("import" is a Python keyword)
MODULES: dict[str, str] = {"import": "imports"}
