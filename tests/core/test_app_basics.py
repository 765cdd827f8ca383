"""Settings migration, atomic writes, the GUI system check and the CLI's error line."""

import json
import os

import pytest

from app.cli import main
from app.settings import SCHEMA_VERSION, Settings, migrate
from app.system_check import missing_packages
from core.atomic import atomic_open
from core.jobs import Cancelled, JobContext


def test_settings_migrate_v1_keeps_last_project(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "last_project": "/x/shop.lreach"}))
    settings = Settings(path)
    assert settings.get("recent_projects") == ["/x/shop.lreach"]
    assert settings.get("version") == SCHEMA_VERSION
    settings.add_recent("/y/other.lreach")
    assert json.loads(path.read_text())["recent_projects"] == ["/y/other.lreach", "/x/shop.lreach"]


def test_settings_survive_a_corrupt_file(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert Settings(path).get("recent_projects") == []
    assert migrate({})["version"] == SCHEMA_VERSION


def test_atomic_open_leaves_old_file_and_no_temp_on_error(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_job_context_reports_and_cancels():
    seen = []
    ctx = JobContext(lambda d, t, m: seen.append((d, t, m)))
    ctx.progress(1, 4, "a")
    ctx.cancel()
    with pytest.raises(Cancelled):
        ctx.progress(2, 4, "b")
    assert seen == [(1, 4, "a")]


def test_missing_system_packages_are_named():
    available = {"libEGL.so.1"}
    missing = missing_packages({"libEGL.so.1": "libegl1", "libxcb-cursor.so.0": "libxcb-cursor0"},
                               loadable=lambda so: so in available)
    assert missing == ["libxcb-cursor0"]


def test_gui_command_without_window_support_fails_clearly(capsys):
    code = main(["gui"])  # app.cli alone has no window: ui.launch provides it
    assert code == 3
    assert "run `localreach`" in capsys.readouterr().err


def test_version_flag(capsys):
    from core import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"LocalReach {__version__}\n"
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0 and "OUTDIR" in capsys.readouterr().out


def test_atomic_files_get_normal_permissions(tmp_path):
    target = tmp_path / "export.csv"
    with atomic_open(target) as fh:
        fh.write("a\n")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
