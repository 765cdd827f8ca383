"""The Duplicates screen's "Merged automatically" tab, driven through its widgets: the
groups the machine merged on its own, largest first, each record with its list's name;
"Take this record out" and "These are not the same person" are one undo step each and
change the people by exactly what they say; "Explain this match" says why in words."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.ui.test_dedupe_screen import open_screen, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from faker_lists import contact_list  # noqa: E402

ID = "customer_no"


@pytest.fixture
def screen(qtbot):
    """A Faker list of 120 rows (96 people), its first 60 rows from the shop, the rest
    from the newsletter."""
    crm, _person = contact_list("en_GB", 5, 120)
    crm.insert(0, ID, [f"C{100 + i}" for i in range(len(crm))])
    crm.insert(1, "list", ["shop"] * 60 + ["newsletter"] * 60)
    widget = open_screen(qtbot, crm, {ID: "customer_id"})
    yield widget
    widget.jobs.shutdown()


def cells(screen, column: int) -> list[str]:
    table = screen.merged.table
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_take_a_record_out_and_undo(qtbot, screen):
    doc, panel = screen.document, screen.merged
    assert screen.tabs.tabText(1) == "Merged automatically (19 groups)"
    assert screen.figures["people"].text() == "96 people"
    assert panel.heading.text() == ("Group 1 of 19: 4 records merged automatically; each is "
                                    "over 99% likely the same person as one of the others")
    header = [panel.table.horizontalHeaderItem(c).text() for c in range(3)]
    assert header == ["Record", "List", ID]
    assert cells(screen, 0) == ["7", "83", "84", "109"]
    assert cells(screen, 1) == ["shop", "newsletter", "newsletter", "newsletter"]
    before = screen.grouped.grouping.cluster.copy()
    panel.table.selectRow(1)
    panel.explain_button.click()
    settle(qtbot, screen)
    assert panel.explanation.text() == (  # a move: the same e-mail, another address
        "Records 7 (shop) and 83 (newsletter): 100% likely the same person. Same e-mail: "
        "strong; same first name: medium; surname one letter apart: medium; different street: "
        "against; different town: against; different postcode: against.")
    panel.take_out_button.click()
    settle(qtbot, screen)
    assert doc.undo_stack.undoText() == ("Take record 83 (newsletter) out: not the same person "
                                         "as records 7 (shop), 84 (newsletter) and 109 "
                                         "(newsletter)")
    assert screen.figures["people"].text() == "97 people"
    labels = screen.grouped.grouping.cluster
    assert labels[82] not in {labels[6], labels[83], labels[108]}
    assert labels[6] == labels[83] == labels[108]
    assert screen.tabs.tabText(1) == "Merged automatically (19 groups)"
    assert [d["left"] for d in doc.state("duplicates")["decisions"]] == ["newsletter\x1fid:C182"] * 3
    doc.undo_stack.undo()
    settle(qtbot, screen)
    assert screen.figures["people"].text() == "96 people"
    assert (screen.grouped.grouping.cluster == before).all()


def test_a_whole_group_is_not_one_person(qtbot, screen):
    panel = screen.merged
    panel.next_button.click()
    settle(qtbot, screen)
    rows = [int(r) - 1 for r in cells(screen, 0)]
    assert panel.heading.text().startswith("Group 2 of 19: 3 records")
    audited = len(screen.document.audit_entries())
    panel.not_same_button.click()
    settle(qtbot, screen)
    assert screen.figures["people"].text() == "98 people"
    assert len({screen.grouped.grouping.cluster[r] for r in rows}) == 3
    assert screen.tabs.tabText(1) == "Merged automatically (18 groups)"
    assert len(screen.document.audit_entries()) == audited + 1
    index = panel.order.findData("least_sure")
    panel.order.setCurrentIndex(index)
    panel.order.activated.emit(index)
    settle(qtbot, screen)
    assert panel.heading.text().startswith("Group 1 of 18: 2 records")
