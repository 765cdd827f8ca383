"""The tour points at the controls it names and never covers them."""

import pandas as pd
from PySide6.QtCore import QPoint, QRect

from ui.screens import STEPS
from ui.widgets.tour import ALSO, CARDS, Tour, place_beside


def test_each_card_names_outlines_and_leaves_free_its_control(window, qtbot):
    window.resize(1300, 760)
    tour = Tour(window)
    qtbot.addWidget(tour)
    tour.show()
    seen = []
    for index, (step, _title) in enumerate(STEPS):
        tour.show_card(index)
        qtbot.wait(1)
        control = getattr(window.screens[step], CARDS[step][0])
        target = tour.target()
        rect = tour._target_rect(target)
        assert tour.spotlight.isVisible() and tour.spotlight.geometry().contains(rect)
        on_screen = QRect(window.mapToGlobal(rect.topLeft()), rect.size())
        assert not tour.frameGeometry().intersects(on_screen), step
        if target is control:
            assert f"“{control.text()}”" in tour.text.text()  # names what it points at
            for other in (getattr(window.screens[step], a) for a in ALSO.get(step, ())):
                # the card sat on "Import my files…", which it names too
                place = tour._target_rect(other)
                assert not tour.frameGeometry().intersects(
                    QRect(window.mapToGlobal(place.topLeft()), place.size())), step
            seen.append(step)
        else:  # still waiting for data: the step's row in the sidebar
            assert "appears once the earlier steps are done" in tour.text.text()
        assert window.screens[step].INTRO not in tour.text.text()
    assert "import" in seen  # the welcome's demo button, on a fresh start
    tour.accept()
    assert not tour.spotlight.isVisible()


def test_the_card_never_covers_the_demo_button_on_a_small_screen():
    screen = QRect(0, 0, 1366, 728)
    button = QRect(QPoint(520, 330), QPoint(700, 372))  # "Try the demo data", centred
    card = QRect(0, 0, 380, 200)
    spot = place_beside(card, button, screen)
    placed = QRect(spot, card.size())
    assert screen.contains(placed) and not placed.intersects(button)
    assert placed.left() > button.right()  # to its right, where there is room


def test_with_files_in_the_first_card_points_at_choose_file(window, qtbot):
    window.document.set_frame("crm", pd.DataFrame({"email": ["a@example.org"]}), "Import")
    tour = Tour(window)
    qtbot.addWidget(tour)
    tour.show()
    assert tour.target() is window.screens["import"].choose_button
    assert "“Choose file…”" in tour.text.text() and "appears once" not in tour.text.text()
    tour.accept()


def test_the_outline_and_card_follow_the_window_when_it_is_resized(window, qtbot):
    """A window manager maximises the window after the first card is placed: the outline
    stayed where the demo button had been, around nothing."""
    window.resize(900, 600)
    tour = Tour(window)
    qtbot.addWidget(tour)
    tour.show()
    qtbot.wait(10)
    button = window.screens["import"].demo_button
    before = tour._target_rect(button)
    window.resize(1300, 760)
    qtbot.waitUntil(lambda: tour._target_rect(button) != before)
    qtbot.waitUntil(lambda: tour.spotlight.geometry().contains(tour._target_rect(button)))
    on_screen = QRect(window.mapToGlobal(tour._target_rect(button).topLeft()), button.size())
    assert not tour.frameGeometry().intersects(on_screen)
    tour.accept()
