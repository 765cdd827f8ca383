"""A misspelt recipe setting is one clear line naming the key and the nearest valid one."""

import pandas as pd
import pytest

from app.cli import main


@pytest.mark.parametrize("step, line, expected", [
    ("dedupe", "treshold = 0.8", "[steps.dedupe]: unknown setting 'treshold'; did you mean 'threshold'?"),
    ("segment", "methdo = \"rfm\"", "[steps.segment]: unknown setting 'methdo'; did you mean 'method'?"),
    ("merge", "template = \"t.txt\"\nlocal = \"de_DE\"",
     "[steps.merge]: unknown setting 'local'; did you mean 'locale'?"),
])
def test_a_typo_in_a_recipe_is_one_clear_line(tmp_path, capsys, step, line, expected):
    pd.DataFrame({"customer_id": ["1", "2"], "email": ["a@x.org", "b@x.org"]}).to_csv(
        tmp_path / "crm.csv", index=False)
    pd.DataFrame({"customer_id": ["1"], "order_date": ["2024-01-02"], "amount": ["9.50"]}).to_csv(
        tmp_path / "sales.csv", index=False)
    (tmp_path / "t.txt").write_text("Subject: Hi\n\nHello\n", "utf-8")
    (tmp_path / "r.toml").write_text(
        f'[crm]\nfile = "crm.csv"\n[sales]\nfile = "sales.csv"\n[steps.{step}]\n{line}\n', "utf-8")
    assert main(["run", str(tmp_path / "r.toml"), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == f"localreach run: {expected}\n"
    assert not (tmp_path / "out").exists()
