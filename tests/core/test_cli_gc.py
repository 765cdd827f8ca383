"""Every command runs with the collector's thresholds the run was measured with."""

import gc

from app import cli


def test_a_command_sets_the_collectors_thresholds(tmp_path, capsys):
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        assert cli.main(["profile", str(tmp_path / "missing.csv")]) == 2  # one line, no traceback
        assert gc.get_threshold() == cli.GC_THRESHOLDS == (50_000, 20, 20)
        assert capsys.readouterr().err.startswith("localreach profile: ")
    finally:
        gc.set_threshold(*before)
