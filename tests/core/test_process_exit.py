"""The command's exit skips the interpreter's teardown but nothing a user would miss:
exit handlers run, piped output is flushed, the exit code is kept, and a thread still
at work is waited for."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_exit_handlers_run_and_piped_output_is_kept(tmp_path):
    done = tmp_path / "handler.txt"
    result = _run("import atexit, sys\n"
                  "from ui.launch import leave\n"
                  "atexit.register(lambda: open(sys.argv[1], 'w').write('ran'))\n"
                  "print('all written', end='')\n"
                  "sys.stderr.write('a note')\n"
                  "leave(3)\n", str(done))
    assert result.returncode == 3
    assert result.stdout == "all written" and result.stderr == "a note"
    assert done.read_text() == "ran"


def test_a_thread_still_working_is_waited_for(tmp_path):
    out = tmp_path / "late.txt"
    result = _run("import sys, threading, time\n"
                  "from ui.launch import leave\n"
                  "def work():\n"
                  "    time.sleep(0.3)\n"
                  "    open(sys.argv[1], 'w').write('finished')\n"
                  "threading.Thread(target=work).start()\n"
                  "leave(0)\n", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text() == "finished"


def test_the_installed_command_exits_with_the_commands_code(tmp_path):
    missing = tmp_path / "nothing.csv"
    result = _run("import sys; sys.argv = ['localreach', 'clean', sys.argv[1], '-o', sys.argv[2]]\n"
                  "from ui.launch import run\n"
                  "run()\n", str(missing), str(tmp_path / "out.csv"))
    assert result.returncode == 2
    assert result.stderr == "localreach clean: nothing.csv: file not found; check the path and try again.\n"
    assert not (tmp_path / "out.csv").exists()
