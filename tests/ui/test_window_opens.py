"""The main window's first size: maximised without a saved one, on a big screen as on a
small one, and the size "restore down" gives never bigger than the screen's free area."""

from PySide6.QtCore import QRect, Qt

from ui.widgets.window_fit import fit_to


def _unmaximised(window) -> None:
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(900, 500)


def test_without_a_saved_size_it_opens_maximised_on_a_1920x1080_screen(window):
    _unmaximised(window)
    fit_to(window, QRect(0, 0, 1920, 1040), restored=False)  # 1080 less a 40-pixel panel
    assert window.windowState() & Qt.WindowState.WindowMaximized
    window.setWindowState(Qt.WindowState.WindowNoState)  # "restore down"
    assert (window.width(), window.height()) == (1280, 800)
    assert abs(window.frameGeometry().center().x() - 960) <= 2


def test_on_a_small_screen_the_restored_size_fits_its_free_area(window):
    _unmaximised(window)
    fit_to(window, QRect(0, 27, 1280, 693), restored=False)  # 1280x720 with a top panel
    assert window.windowState() & Qt.WindowState.WindowMaximized
    window.setWindowState(Qt.WindowState.WindowNoState)
    frame = window.frameGeometry()
    assert (frame.width(), window.height()) == (1280, 693 - 40)  # the frame fills the width
    assert frame.left() >= 0 and frame.top() >= 27 and frame.bottom() <= 27 + 693


def test_a_saved_size_is_kept_and_not_maximised(window):
    _unmaximised(window)
    window.resize(1100, 700)
    window.move(50, 60)
    fit_to(window, QRect(0, 0, 1920, 1040), restored=True)
    assert not window.windowState() & Qt.WindowState.WindowMaximized
    assert (window.width(), window.height()) == (1100, 700)
