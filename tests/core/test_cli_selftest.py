"""The self-test that installers run: the demo pipeline end to end, with sockets blocked."""

from app.cli import main


def test_selftest_runs_every_step_offline(capsys):
    assert main(["selftest", "--customers", "80"]) == 0
    out = capsys.readouterr().out
    assert "self-test passed: 8 steps" in out and "no network" in out
    for step in ("import", "clean", "dedupe", "link", "segment", "personas", "merge"):
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(step))
        assert " done " in line, line
