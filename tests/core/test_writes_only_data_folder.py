"""An installed LocalReach writes only inside its data folder (and the temp folder it is given)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WINDOW = """
import os
from ui.application import make_app
from ui.main_window import MainWindow
app = make_app()
window = MainWindow()
window.show()
window.screens["import"].load_demo()
# wait in a real event loop: a Python loop of processEvents() beside a worker thread
# crashes PySide6 6.12 (none_dealloc), which app.exec() never does
from PySide6.QtCore import QEventLoop, QTimer
loop = QEventLoop()
timer = QTimer()
timer.timeout.connect(lambda: None if window.jobs.is_running("import") else loop.quit())
timer.start(20)
loop.exec()
window.close()
os._exit(0)  # as ui.launch.open_window does after the event loop
"""


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_cli_and_window_write_nothing_outside_the_data_folder(tmp_path):
    home, data, temp, work = (tmp_path / n for n in ("home", "data", "tmp", "work"))
    for folder in (home, data, temp, work):
        folder.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local"),
           "LOCALREACH_HOME": str(data), "TMPDIR": str(temp), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)}
    env.pop("MPLCONFIGDIR", None)
    cli = subprocess.run([sys.executable, str(ROOT / "main.py"), "selftest", "--customers", "60"],
                         cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    gui = subprocess.run([sys.executable, "-c", "import ui.launch, os; ui.launch.os.environ.setdefault("
                          "'MPLCONFIGDIR', str(ui.launch.data_dir() / 'matplotlib'))\n" + WINDOW],
                         cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert gui.returncode == 0, gui.stderr
    # dconf (GNOME's settings store, asked for the dark-theme preference) keeps its own
    # read cache; that file is the desktop's, not LocalReach's
    assert _files(home) - {".cache", ".cache/dconf", ".cache/dconf/user"} == set()
    assert _files(work) == set()
    assert _files(temp) == set()  # temporary work is cleaned up
    assert "settings.json" in _files(data)
