"""The step registry: one order, literal ids that match the step objects, checked configs."""

import pytest

from core.errors import LocalReachError
from core.steps.registry import STEP_IDS, TITLES, step, steps


def test_the_registry_lists_every_step_once_in_its_order():
    assert STEP_IDS == ("import", "clean", "dedupe", "link", "pseudonymize", "segment",
                        "personas", "merge")
    assert tuple(s.id for s in steps()) == STEP_IDS
    assert {s.id: s.title for s in steps()} == TITLES
    assert STEP_IDS.index("dedupe") < STEP_IDS.index("pseudonymize")


def test_a_misspelt_setting_is_one_line_naming_the_nearest_key():
    with pytest.raises(LocalReachError) as err:
        step("dedupe").config({"treshold": 0.8})
    assert str(err.value) == "[steps.dedupe]: unknown setting 'treshold'; did you mean 'threshold'?"
    assert step("dedupe").config({"threshold": 0.8}).threshold == 0.8


def test_an_unknown_step_names_the_steps():
    with pytest.raises(LocalReachError, match="Unknown step 'dedup'; steps are import, clean, dedupe"):
        step("dedup")
