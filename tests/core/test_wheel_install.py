"""`pip install .` carries resources/: the wheel holds every file the program reads at run
time, and `localreach demo` works from the installed files alone (not the source tree)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = sorted(
    str(p.relative_to(ROOT)).replace(os.sep, "/")
    for folder in ("demo", "help", "icons", "names", "templates")
    for p in (ROOT / "resources" / folder).iterdir() if p.is_file()
) + ["resources/__init__.py", "resources/nicknames.csv", "resources/style.qss"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w",
                    str(out)], check=True, capture_output=True)
    return next(out.glob("localreach-*.whl"))


def test_the_wheel_carries_every_runtime_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [f for f in RUNTIME if f not in names] == []
    assert not [n for n in names if n.startswith("resources/screenshots/")]


def test_demo_runs_from_the_installed_package_alone(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target), "QT_QPA_PLATFORM": "offscreen"}
    where = subprocess.run([sys.executable, "-c", "import core.resources as r; "
                            "print(r.resource_path('demo'))"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(target)
    done = subprocess.run([sys.executable, "-m", "main", "demo", str(tmp_path / "out"),
                           "--customers", "40", "--seed", "2"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["crm.xlsx", "sales.csv", "truth.csv"]
