"""One package per pipeline step; its ``screen`` module defines ``Screen``, a :class:`StepScreen`.

STEPS is the sidebar order, taken from the step registry (:mod:`core.steps.registry`) so
the window walks the pipeline in the order the command line and recipes run it. Linking
lists has no screen of its own (Import's "Add another customer list" does it); merging
is shown as two screens, Compose and Export; the audit log comes last.
"""

from core.steps.registry import STEP_IDS, TITLES

# registry step -> the screens that show it
SCREENS: dict[str, tuple[tuple[str, str], ...]] = {
    "import": (("import", TITLES["import"]),),
    "clean": (("quality", TITLES["clean"]),),
    "dedupe": (("duplicates", TITLES["dedupe"]),),
    "link": (),
    "pseudonymize": (("privacy", TITLES["pseudonymize"]),),
    "segment": (("segments", TITLES["segment"]),),
    "personas": (("personas", TITLES["personas"]),),
    "merge": (("compose", TITLES["merge"]), ("export", "Export")),
}

STEPS: list[tuple[str, str]] = [s for step in STEP_IDS for s in SCREENS[step]] + [("audit", "Audit log")]

# screen id -> module name where they differ ("import" is a Python keyword)
MODULES: dict[str, str] = {"import": "imports"}
