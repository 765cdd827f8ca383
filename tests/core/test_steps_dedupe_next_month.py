"""Next month's records through the dedupe step: `localreach dedupe --previous` and a
recipe re-run over last run's output. 3 new records and 2 changed ones: every other
record keeps its person id, the 2 changed keep theirs, the 3 new get new ones.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from faker_lists import make_lists

import core.steps.dedupe as dedupe_step
from app.cli import main
from core.io import read_table


def _months(seed: int):
    """(January, February, ids of the 2 changed, ids of the 3 new)."""
    january = make_lists(seed).frames["shop"]
    rng = np.random.default_rng(seed)
    february = january.sample(frac=1, random_state=seed).reset_index(drop=True)
    changed = rng.choice(len(february), 2, replace=False)
    february.loc[changed[0], "phone"] = "07700 900123"
    february.loc[changed[1], ["street", "postcode", "city"]] = ["1 New Road", "LS1 4AP", "Leeds"]
    new = make_lists(seed + 100).frames["shop"].head(3).assign(customer_id=["9001", "9002", "9003"])
    february = pd.concat([february, new], ignore_index=True)
    return january, february, february.loc[changed, "customer_id"].tolist(), new["customer_id"].tolist()


def _check(before: pd.DataFrame, after: pd.DataFrame, changed: list[str], new: list[str]) -> None:
    old = before.set_index("customer_id")["cluster_id"]
    now = after.set_index("customer_id")["cluster_id"]
    kept = now.drop(new)
    assert (kept == old.reindex(kept.index)).all()  # every known record, changed ones too
    assert set(changed) <= set(kept.index)
    assert len(set(now[new])) == 3 and not set(now[new]) & set(old)


@pytest.fixture
def spy(monkeypatch):
    """Counts the dedupe step's calls of the incremental matcher."""
    calls = []
    real = dedupe_step.match_new_records

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dedupe_step, "match_new_records", counted)
    return calls


@pytest.mark.parametrize("with_ids", [True, False])
def test_dedupe_previous_keeps_every_known_person(tmp_path, capsys, spy, with_ids):
    january, february, changed, new = _months(0)
    drop = [] if with_ids else ["customer_id"]
    january.drop(columns=drop).to_csv(tmp_path / "jan.csv", index=False)
    february.drop(columns=drop).to_csv(tmp_path / "feb.csv", index=False)
    assert main(["dedupe", str(tmp_path / "jan.csv"), "-o", str(tmp_path / "jan_out.csv"), "--region", "GB"]) == 0
    assert main(["dedupe", str(tmp_path / "feb.csv"), "--previous", str(tmp_path / "jan_out.csv"),
                 "-o", str(tmp_path / "feb_out.csv"), "--region", "GB"]) == 0
    assert spy == [1]  # through the step, once
    before, after = read_table(tmp_path / "jan_out.csv")[0], read_table(tmp_path / "feb_out.csv")[0]
    assert before["cluster_id"].nunique() == len(before) - 1  # the one registered twice
    _check(before.assign(customer_id=january["customer_id"]),
           after.assign(customer_id=february["customer_id"]), changed, new)
    known = len(february) - 3 if with_ids else len(february) - 5  # by id, or by content
    assert capsys.readouterr().err.endswith(
        f"{len(february)} records: {known} known, {len(february) - 3 - known} new or changed "
        "matched to known people, 3 new people.\n")


def test_a_recipe_rerun_keeps_last_runs_people(tmp_path, spy):
    january, february, changed, new = _months(1)
    january.to_csv(tmp_path / "jan.csv", index=False)
    february.to_csv(tmp_path / "feb.csv", index=False)
    (tmp_path / "r.toml").write_text('region = "GB"\n[crm]\nfile = "jan.csv"\n'
                                     '[steps.clean]\n[steps.dedupe]\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "r.toml"), "-o", str(out)]) == 0
    assert spy == []  # nothing to compare with the first time
    before = read_table(out / "customers.csv")[0]
    assert main(["run", str(tmp_path / "r.toml"), "--crm", str(tmp_path / "feb.csv"), "-o", str(out)]) == 0
    assert spy == [1]
    after = read_table(out / "customers.csv")[0]
    _check(before, after, changed, new)
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    note = next(s["note"] for s in report["steps"] if s["step"] == "dedupe")
    assert note == (f"{len(february)} records are {len(before['cluster_id'].unique()) + 3} people: "
                    f"{len(february) - 3} known, 0 new or changed matched to known people, 3 new")
    assert report["people"] == before["cluster_id"].nunique() + 3
