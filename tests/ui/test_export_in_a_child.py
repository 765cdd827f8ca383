"""Export, its plan and the pre-export check run in a child process: their work returns
the reveals with the result (or carries them on its exception), so the audit rows are the
same as on a thread."""

import pytest

from app.actions import export as actions
from app.jobs import JobRunner
from app.worker_process import WorkerPool
from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)
from tests.ui.test_export_reveal import doc  # noqa: F401 (fixture)
from tests.ui.test_privacy_screen import memory_keyring  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(max_children=1)
    yield pool
    pool.shutdown()


def _reveal_rows(document) -> list[tuple]:
    return [(e["step"], e["params"]["purpose"], e["rows_in"], e["rows_out"], e["key_fingerprint"])
            for e in document.audit_entries()
            if e["params"].get("action") == "reveal" and e["step"] == "export"]


def _in_child(qtbot, pool, action) -> list:
    assert action.process
    got, jobs = [], JobRunner(processes=pool)
    with qtbot.waitSignal(jobs.finished, timeout=30000):
        action.start(jobs, "export", got.append, got.append)
    return got


@pytest.mark.usefixtures("memory_keyring")
def test_plan_check_and_export_audit_the_same_reveals_in_a_child(doc, qtbot, pool, tmp_path, caplog):  # noqa: F811
    caplog.set_level("INFO", logger="app.jobs")
    document, _jobs = doc()
    before = len(_reveal_rows(document))
    made = [lambda: actions.plan(document, "csv"), lambda: actions.pre_export_check(document, "csv"),
            lambda: actions.export(document, str(tmp_path / "thread"), "csv")]
    on_thread = [make().run() for make in made]
    thread_rows = _reveal_rows(document)[before:]
    fingerprint = document.state("privacy")["key"]["fingerprint"]
    assert thread_rows == [("export", "mail merge", 3, 3, fingerprint)] * 6  # e-mail, first name
    made[2] = lambda: actions.export(document, str(tmp_path / "child"), "csv")
    in_child = [_in_child(qtbot, pool, make())[0] for make in made]
    assert _reveal_rows(document)[before + 6:] == thread_rows
    assert in_child[0] == on_thread[0] and in_child[1]["summary"] == on_thread[1]["summary"]
    assert in_child[1]["items"] == on_thread[1]["items"] and len(on_thread[1]["items"]) > 0
    assert (in_child[2]["written"], in_child[2]["files"]) == (on_thread[2]["written"], on_thread[2]["files"]) == (3, 2)
    assert (tmp_path / "child" / "merge.csv").read_bytes() == (tmp_path / "thread" / "merge.csv").read_bytes()
    assert "runs on a thread" not in caplog.text


@pytest.mark.usefixtures("memory_keyring")
def test_a_failed_export_in_a_child_carries_its_reveals(doc, qtbot, pool, tmp_path):  # noqa: F811
    document, _jobs = doc()
    (tmp_path / "taken").write_text("a file where the folder should go", encoding="utf-8")
    before = len(_reveal_rows(document))
    [error] = _in_child(qtbot, pool, actions.export(document, str(tmp_path / "taken"), "csv"))
    assert isinstance(error, Exception) and len(error.reveals) == 2  # e-mail and first name
    actions.audit_reveals(document, error.reveals)
    assert len(_reveal_rows(document)) == before + 2
    assert document.state("export") is None
