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


def test_a_column_named_like_ours_in_another_case_is_kept_too(tmp_path, capsys):
    """The Superstore sample's lines carry the customer's own Segment (Consumer,
    Corporate): it came out beside our segment, two columns differing only in case."""
    header = ("Row ID,Order ID,Order Date,Ship Date,Ship Mode,Customer ID,Customer Name,Segment,"
              "Country,City,State,Postal Code,Region,Product ID,Category,Sub-Category,"
              "Product Name,Sales,Quantity,Discount,Profit")
    rows = [
        "1,CA-2016-152156,11/8/2016,11/11/2016,Second Class,CG-12520,Claire Gute,Consumer,United States,"
        "Henderson,Kentucky,42420,South,FUR-BO-10001798,Furniture,Bookcases,Bush Somerset Collection "
        "Bookcase,261.96,2,0,41.9136",
        "2,CA-2016-152156,11/8/2016,11/11/2016,Second Class,CG-12520,Claire Gute,Consumer,United States,"
        "Henderson,Kentucky,42420,South,FUR-CH-10000454,Furniture,Chairs,\"Hon Deluxe Fabric Upholstered "
        "Stacking Chairs, Rounded Back\",731.94,3,0,219.582",
        "3,CA-2016-138688,6/12/2016,6/16/2016,Second Class,DV-13045,Darrin Van Huff,Corporate,United States,"
        "Los Angeles,California,90036,West,OFF-LA-10000240,Office Supplies,Labels,Self-Adhesive Address "
        "Labels for Typewriters by Universal,14.62,2,0,6.8714",
    ]
    (tmp_path / "superstore.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    _segment(tmp_path / "superstore.csv", "-o", tmp_path / "out.csv")
    assert "Your own 'Segment' column is kept as 'own_Segment'." in capsys.readouterr().out
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out["own_Segment"].tolist() == ["Consumer", "Consumer", "Corporate"]
    assert [c for c in out.columns if c.casefold() == "segment"] == ["segment"]
    assert out["frequency"].tolist() == ["1", "1", "1"]
    assert float(out["monetary"][0]) == 993.90
