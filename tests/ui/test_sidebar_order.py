"""The window's sidebar follows the step registry."""

from core.steps.registry import STEP_IDS


def test_the_window_walks_the_steps_in_the_registry_order():
    """The sidebar is the registry's order (duplicates before privacy), so the window and
    `localreach run` do the same things in the same order."""
    from ui.screens import SCREENS, STEPS

    assert set(SCREENS) == set(STEP_IDS)
    shown = [screen for screen, _title in STEPS]
    assert shown == ["import", "quality", "duplicates", "privacy", "segments", "personas",
                     "compose", "export", "audit"]
    owner = {screen: step for step, screens in SCREENS.items() for screen, _ in screens}
    order = [STEP_IDS.index(owner[s]) for s in shown[:-1]]
    assert order == sorted(order)
