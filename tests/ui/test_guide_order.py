"""The user guide walks the steps in the sidebar's order (it had Privacy before Duplicates
after the sidebar put Duplicates first)."""

import re

from ui.screens import STEPS
from ui.widgets.help import guide_html


def test_the_guide_lists_the_steps_in_sidebar_order():
    listed = re.findall(r"<li><b>([^<]+)</b>", guide_html())
    assert listed == [title for step, title in STEPS if step != "audit"]
    assert listed[2:4] == ["Duplicates", "Privacy"]
