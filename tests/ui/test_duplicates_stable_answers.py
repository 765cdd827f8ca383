"""Review answers survive a re-import of the customer list in another order (issue 15):
they are kept by record identity -- the id column, or without one a hash of the
record's normalised fields -- not by row position."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_dedupe_screen import (
    febrl,  # noqa: F401 (fixture)
    labels,
    open_screen,
    pair,
    settle,
)


@pytest.mark.parametrize("roles", [{"rec_id": "customer_id"}, {}], ids=["id column", "no id"])
def test_answers_survive_a_shuffled_reimport(qtbot, febrl, roles):  # noqa: F811
    screen = open_screen(qtbot, febrl.copy(), roles)
    doc = screen.document
    ids = febrl["rec_id"]
    screen.review.table.setFocus()
    same = pair(screen)
    qtbot.keyClick(screen.review.table, Qt.Key.Key_Y)
    settle(qtbot, screen)
    different = pair(screen)
    qtbot.keyClick(screen.review.table, Qt.Key.Key_N)
    settle(qtbot, screen)
    answered = [(ids[a], ids[b]) for a, b in (same, different)]
    assert screen.figures["answered"].text() == "2 answered by you"
    assert screen.figures["to_review"].text() == "7 possible duplicates to review"
    stored = doc.state("duplicates")["decisions"]
    prefix = "id:" if roles else "h:"
    assert all(d["left"].startswith(prefix) and d["right"].startswith(prefix) for d in stored)

    shuffled = febrl.sample(frac=1.0, random_state=7).reset_index(drop=True)
    old = screen.found
    doc.set_source("crm", shuffled, {"path": "febrl3-again.csv"}, roles, "Import customer list")
    qtbot.waitUntil(lambda: screen.found is not old and screen.grouped is not None
                    and screen.found.key != old.key, timeout=20000)
    assert doc.state("duplicates")["decisions"] == stored  # the re-import changed no answer
    row = {rec: n for n, rec in enumerate(shuffled["rec_id"])}
    (a, b), (c, d) = [(row[x], row[y]) for x, y in answered]
    assert (a, b) != same  # the records did move
    assert labels(screen)[a] == labels(screen)[b]
    assert labels(screen)[c] != labels(screen)[d]
    assert screen.figures["answered"].text() == "2 answered by you"
    scored, queue = screen.found.scored, screen.grouped.queue
    asked = {(int(scored.left[k]), int(scored.right[k])) for k in queue}
    assert not asked & {(min(a, b), max(a, b)), (min(c, d), max(c, d))}  # never asked again
    screen.jobs.shutdown()
