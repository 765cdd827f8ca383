"""Start-up stays light: nothing heavy is imported before the window first paints, the
command line's help loads no engine, and every screen is still there when asked for."""

import json
import subprocess
import sys
from pathlib import Path

from app.commands import commands, constant
from ui.screens import STEPS
from ui.screens.base import StepScreen

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy", "sklearn", "matplotlib", "jinja2", "docx")

AT_FIRST_PAINT = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject
from ui.application import make_app
app = make_app()
from ui.main_window import MainWindow
window = MainWindow()
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(json.dumps([m for m in {heavy!r} if m in sys.modules]), flush=True)
            os._exit(0)
        return False
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""

AFTER_HELP = """
import contextlib, io, json, sys
from app.cli import main
for argv in {argvs!r}:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main(argv)
        except SystemExit:
            pass
print(json.dumps([m for m in {heavy!r} if m in sys.modules]))
"""
# A command's own --help shows its engine's choices and defaults, read by constant().
ENGINE_CONSTANTS = [("core.compose.outputs", "FORMATS"), ("core.personas.export", "FORMATS"),
                    ("core.segment.pipeline", "METHODS"), ("core.segment.pipeline", "OUTPUT_COLUMNS"),
                    ("core.segment.features", "BASE_FEATURES"), ("core.segment.features", "MIXES"),
                    ("core.segment.features", "DEFAULT_MODEL_FEATURES"),
                    ("core.dedupe.pipeline", "DedupeConfig.threshold"),
                    ("core.dedupe.link", "LinkConfig.threshold"), ("app.region", "REGION_HELP")]


def _heavy_loaded(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_window_paints_before_any_heavy_engine_is_imported():
    # openpyxl (64 ms: the writer), phonenumbers (12 ms) and pycountry (35 ms with its
    # names: the region row, hidden on the first screen) and importlib.metadata (8 ms: the
    # About box's versions) came with the first screen before
    late = ("openpyxl", "phonenumbers", "pycountry", "importlib.metadata")
    assert _heavy_loaded(AT_FIRST_PAINT.format(heavy=(*HEAVY, *late))) == []


def test_command_line_help_imports_no_engine():
    assert _heavy_loaded(AFTER_HELP.format(argvs=[["--help"]], heavy=HEAVY)) == []


def test_every_commands_help_imports_no_pandas_or_engine():
    light = (*HEAVY, "pandas", "numpy", "openpyxl", "phonenumbers", "core.io", "core.compose.merge")
    names = [c.NAME for c in commands()]
    assert len(names) >= 12
    loaded = {name: _heavy_loaded(AFTER_HELP.format(argvs=[[name, "--help"]], heavy=light))
              for name in names}  # one process each: a heavy command names itself
    assert {name: found for name, found in loaded.items() if found} == {}


def test_help_shows_the_engines_own_choices_and_defaults():
    import importlib

    for module, name in ENGINE_CONSTANTS:
        value = importlib.import_module(module)
        for part in name.split("."):
            value = getattr(value, part)
        read = constant(module, name)
        assert (tuple(value) if isinstance(read, tuple) else value) == read, (module, name)


def test_every_screen_is_built_on_first_use_or_after_the_warm_up(window, qtbot):
    assert set(window.screens) == {step for step, _ in STEPS}
    segments = window.screens["segments"]  # asked for before the warm-up built it: built now
    assert isinstance(segments, StepScreen) and window.stack.indexOf(segments) == 4
    qtbot.waitUntil(lambda: len(window.screens.built) == len(STEPS), timeout=30000)
    for row, (step, _title) in enumerate(STEPS):
        assert window.stack.widget(row) is window.screens[step]
    window.sidebar.setCurrentRow(2)
    assert window.stack.currentWidget() is window.screens["duplicates"]
