"""Several customer lists in one table (a ``list`` column names each record's list): the
review offers pairs within one list and across lists, each record headed by its list's
name, and explains any pair -- a link across lists too -- in plain words."""

from __future__ import annotations

import pytest

from tests.ui.test_dedupe_screen import (
    febrl,  # noqa: F401 (fixture)
    open_screen,
    pair,
    settle,
)


@pytest.fixture
def lists_screen(qtbot, febrl):  # noqa: F811
    """FEBRL 3 as two lists: the original records are the old CRM, the copies came in
    through the newsletter."""
    df = febrl.copy()
    df.insert(0, "list", df["rec_id"].str.endswith("-org").map({True: "old CRM",
                                                                 False: "newsletter"}))
    widget = open_screen(qtbot, df)
    yield widget
    widget.jobs.shutdown()


def choose_kind(qtbot, screen, kind: str) -> None:
    index = screen.pair_kind.findData(kind)
    screen.pair_kind.setCurrentIndex(index)
    screen.pair_kind.activated.emit(index)
    settle(qtbot, screen)


def test_pairs_within_and_across_lists_with_list_names(qtbot, lists_screen):
    screen = lists_screen
    assert screen.pair_kind.isVisible()
    lists = screen.found.shown["list"].to_numpy()
    scored = screen.found.scored

    def kinds() -> list[bool]:
        return [lists[scored.left[k]] != lists[scored.right[k]] for k in screen.grouped.queue]

    everything = kinds()
    assert (len(everything), sum(everything)) == (9, 4)
    choose_kind(qtbot, screen, "across")
    assert kinds() == [True] * 4
    assert screen.review.heading.text() == (
        "Pair 1 of 4: 60% likely the same person, across lists: old CRM and newsletter")
    header = [screen.review.table.horizontalHeaderItem(c).text() for c in range(4)]
    assert header == ["Column", "Record A (old CRM)", "Record B (newsletter)", "Agreement"]
    assert screen.group_line.text() == (
        "This group: records 1,770 (newsletter), 2,286 (old CRM), 2,360 (newsletter), "
        "4,222 (old CRM), 4,565 (newsletter) and 4,574 (newsletter)")
    screen.review.explain_button.click()
    settle(qtbot, screen)
    assert screen.review.explanation.text().startswith(
        "60% likely the same person. Same first name: strong; ")
    assert screen.review.explanation.text().endswith("different postcode: against.")
    choose_kind(qtbot, screen, "within")
    assert kinds() == [False] * 5
    assert screen.review.heading.text().endswith(", both in newsletter")
    a, b = pair(screen)
    assert lists[a] == lists[b] == "newsletter"
    # Answers about the same row numbers in two lists never mix: the list comes first.
    screen.review.same_button.click()
    settle(qtbot, screen)
    stored = screen.document.state("duplicates")["decisions"]
    assert [d["left"].split("\x1f")[0] for d in stored] == ["newsletter"]
    assert screen.figures["to_review"].text() == "8 possible duplicates to review"
