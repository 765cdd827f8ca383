"""Behaves like a desktop app: fits the screen, the wheel scrolls pages, dialogs start in
Documents and remember, New project forgets everything of the old one."""


import pandas as pd
from PySide6.QtCore import QPoint, QPointF, QRect, QStandardPaths, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tests.ui.test_import_lists_region import uk_files  # noqa: F401 (fixture)
from ui.screens import STEPS
from ui.widgets.wheel_guard import WheelGuard
from ui.widgets.window_fit import fit_to


def _wheel(widget, steps=-3):
    event = QWheelEvent(QPointF(5, 5), QPointF(widget.mapToGlobal(QPoint(5, 5))), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_opens_within_a_1366x768_screen_with_the_status_bar_showing(window):
    available = QRect(0, 0, 1366, 728)  # a 768-pixel screen less a 40-pixel panel
    fit_to(window, available, restored=False)
    assert window.windowState() & Qt.WindowState.WindowMaximized
    assert window.width() <= 1366 and window.height() <= 728
    for step, _ in STEPS:  # no screen asks for more room than there is
        window.go_to(step)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 728 - 40, step
    assert window.statusBar().isVisible()


def test_a_saved_size_bigger_than_the_screen_is_cut_to_it(window):
    window.resize(1900, 1200)
    fit_to(window, QRect(0, 0, 1366, 768), restored=True)
    frame = window.frameGeometry()
    assert frame.width() <= 1366 and frame.height() <= 768 and frame.top() >= 0 and frame.left() >= 0


def test_the_wheel_over_an_unfocused_combo_or_spin_box_changes_nothing(window, qtbot):
    page = QWidget()
    column = QVBoxLayout(page)
    combo, spin = QComboBox(), QSpinBox()
    combo.addItems(["Keep", "Replace by a code", "Drop"])
    spin.setRange(0, 50)
    column.addWidget(combo)
    column.addWidget(spin)
    page.setMinimumHeight(2000)
    area = QScrollArea()
    area.setWidget(page)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    _wheel(combo)
    _wheel(spin.lineEdit())
    _wheel(spin)
    assert (combo.currentIndex(), spin.value()) == (0, 0)
    assert area.verticalScrollBar().value() > 0  # the page scrolled instead
    guard = QApplication.instance().findChild(WheelGuard)
    QApplication.instance().removeEventFilter(guard)  # without the guard the same wheel...
    try:
        _wheel(combo, steps=-1)
    finally:
        QApplication.instance().installEventFilter(guard)
    assert combo.currentIndex() == 1  # ...changes the setting


def test_file_dialogs_start_in_documents_then_in_the_last_folder(window, monkeypatch, tmp_path):
    asked = []
    chosen = tmp_path / "exports" / "customers.csv"
    chosen.parent.mkdir()

    def fake_open(_parent, _caption, folder, _filter):
        asked.append(folder)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    monkeypatch.setattr(window, "open_project", lambda _path: None)
    window.ask_open()
    assert asked == [QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)]
    screen = window.screens["import"]
    monkeypatch.setattr(screen, "preview_file", lambda *_a: None)
    screen.choose_file("crm")  # another dialog, another screen: starts where the last one ended
    assert asked[1] == str(chosen.parent)
    saved = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda _p, _c, start, _f: (saved.append(start), ("", ""))[1]))
    window.save_as()
    assert saved == [str(chosen.parent / "Untitled.lreach")]


def test_new_project_resets_every_screen(window, qtbot, tmp_path):
    doc = window.document
    crm = pd.DataFrame({"email": ["a@example.org", "b@example.org"], "first_name": ["A", "B"]})
    sales = pd.DataFrame({"customer_id": ["1"], "order_date": ["2024-01-01"], "amount": ["3"]})
    doc.set_source("crm", crm, {"path": "crm.csv"}, {"email": "email", "first_name": "first_name"}, "Import")
    doc.set_source("sales", sales, {"path": "s.csv"}, {c: c for c in sales}, "Import")
    doc.set_state("export", {"folder": str(tmp_path), "summary": {"written": 2, "left_out": 0, "reasons": {}}},
                  "Export")
    doc.audit("import", {}, 0, 2)
    export = window.screens["export"]
    export.plan = {"written": 0, "left_out": 2, "reasons": {}}
    export.folder.setText(str(tmp_path))
    window.refresh_sidebar()
    assert "2 messages written" in window.sidebar.item(7).text()
    window.new_project()
    qtbot.waitUntil(lambda: not window.jobs._active, timeout=5000)
    for row, (step, _title) in enumerate(STEPS):
        assert "\n" not in window.sidebar.item(row).text(), step  # no figure of the old project
    assert export.folder.text() == "" and export.plan is None
    assert window.screens["import"].welcome.isVisibleTo(window.screens["import"])


def test_new_project_forgets_the_lists_region_and_quality_figures(window, qtbot, uk_files):  # noqa: F811
    from app.actions import imports

    doc = window.document
    imports.import_file(doc, "crm", uk_files[0], {}, {}).run()
    imports.add_customer_list(doc, uk_files[1], {}, {}, "news").run()
    screen, quality, privacy = (window.screens[s] for s in ("import", "quality", "privacy"))
    assert len(doc.frame("crm")) == 45 and screen.region.text() == "GB"
    assert screen.lists_label.text() == ("2 customer lists: webshop (30 rows), news (25 rows); "
                                         "linked into 45 people.")
    window.go_to("quality")
    qtbot.waitUntil(lambda: quality.report is not None, timeout=20000)
    assert quality.score.text().endswith("of cells valid")
    window.go_to("import")
    window.new_project()
    qtbot.waitUntil(lambda: not window.jobs._active, timeout=5000)
    assert doc.state("region") is None and doc.state("lists") is None
    assert screen.lists_label.text() == "" and screen.region_how.text() != "(detected from the customer list)"
    assert quality.report is None and quality.score.text() == "" and quality.issues.count() == 0
    assert privacy.risk_label.text() == ""
    for row, (step, _title) in enumerate(STEPS):
        assert "\n" not in window.sidebar.item(row).text(), step
