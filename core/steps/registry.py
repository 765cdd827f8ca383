"""Every pipeline step in the one order the window, the command line and recipes follow.

Duplicates and links are found on the cleaned plain data (typos, nicknames and family
members need the real spellings); pseudonymize comes after them, so groups and personas
run on tokens while the people they count were found on real names.

The ids and titles are plain literals, so a screen can show the order without loading an
engine; :func:`steps` imports the step modules (and their engines) on first use.
"""

from __future__ import annotations

import functools

STEP_IDS = ("import", "clean", "dedupe", "link", "pseudonymize", "segment", "personas", "merge")
TITLES = {"import": "Import", "clean": "Quality", "dedupe": "Duplicates", "link": "Link",
          "pseudonymize": "Privacy", "segment": "Segments", "personas": "Personas",
          "merge": "Compose"}


@functools.cache
def steps() -> tuple:
    """The :class:`core.steps.base.Step` objects, in :data:`STEP_IDS` order."""
    from core.steps.clean import CleanStep
    from core.steps.dedupe import DedupeStep
    from core.steps.importing import ImportStep
    from core.steps.link import LinkStep
    from core.steps.merge import MergeStep
    from core.steps.personas import PersonasStep
    from core.steps.pseudonymize import PseudonymizeStep
    from core.steps.segment import SegmentStep

    return (ImportStep(), CleanStep(), DedupeStep(), LinkStep(), PseudonymizeStep(),
            SegmentStep(), PersonasStep(), MergeStep())


def step(step_id: str):
    """The step with this id; an unknown id is one line naming the steps there are."""
    from core.errors import LocalReachError

    found = {s.id: s for s in steps()}.get(step_id)
    if found is None:
        raise LocalReachError(f"Unknown step '{step_id}'; steps are {', '.join(STEP_IDS)}.")
    return found
