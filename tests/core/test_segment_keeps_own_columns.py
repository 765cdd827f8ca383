"""A list's own column named like one `segment` writes (its own "segment") is kept, renamed."""

from __future__ import annotations

import pandas as pd

from app.cli import main

CRM = "customer_id,name,segment\nC1,Ann,VIP\nC2,Bo,Retail\n"
SALES = "order_id,customer_id,order_date,amount\n1,C1,2024-01-02,10\n2,C2,2024-02-02,20\n"


def _segment(*argv) -> None:
    assert main(["segment", *map(str, argv)]) == 0


def test_the_lists_own_segment_is_kept_and_a_second_run_keeps_it_once(tmp_path, capsys):
    (tmp_path / "crm.csv").write_text(CRM, encoding="utf-8")
    (tmp_path / "sales.csv").write_text(SALES, encoding="utf-8")
    _segment(tmp_path / "crm.csv", "--sales", tmp_path / "sales.csv", "-o", tmp_path / "one.csv")
    assert "Your own 'segment' column is kept as 'own_segment'." in capsys.readouterr().out
    one = pd.read_csv(tmp_path / "one.csv", dtype=str)
    assert one["own_segment"].tolist() == ["VIP", "Retail"]
    assert one["segment"].tolist() == ["Lost", "About to Sleep"]
    _segment(tmp_path / "one.csv", "--sales", tmp_path / "sales.csv", "-o", tmp_path / "two.csv")
    assert "own" not in capsys.readouterr().out  # an earlier run's output: segmented again
    two = pd.read_csv(tmp_path / "two.csv", dtype=str)
    assert list(two.columns) == list(one.columns) and two.equals(one)


def test_a_sales_files_own_segment_column_is_kept_on_every_line(tmp_path, capsys):
    (tmp_path / "lines.csv").write_text(
        "order_id,customer_id,order_date,amount,segment\n1,C1,2024-01-02,10,VIP\n"
        "2,C2,2024-02-02,20,Retail\n3,,2024-02-03,5,Retail\n", encoding="utf-8")
    _segment(tmp_path / "lines.csv", "-o", tmp_path / "out.csv")
    assert "Your own 'segment' column is kept as 'own_segment'." in capsys.readouterr().out
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out["own_segment"].tolist() == ["VIP", "Retail", "Retail"]
    assert out["segment"].tolist() == ["Lost", "About to Sleep", ""]
    assert list(out.columns).count("segment") == 1
    _segment(tmp_path / "out.csv", "-o", tmp_path / "again.csv")
    again = pd.read_csv(tmp_path / "again.csv", dtype=str, keep_default_na=False)
    assert list(again.columns) == list(out.columns) and again.equals(out)
