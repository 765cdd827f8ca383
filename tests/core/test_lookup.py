"""first_positions: each wanted key's first row in another list, by position; id_positions:
the same for ids, as two files write them."""

import numpy as np
import pandas as pd

from app.cli import main
from core.lookup import buyer_column, first_positions, id_key, id_positions


def test_the_first_row_holding_a_key_missing_keys_never_match():
    keys = pd.Series(["b", None, "a", "b", np.nan, "c"], index=[10, 11, 12, 13, 14, 15], dtype="str")
    found = first_positions(keys, ["a", "b", "c", "z", None, np.nan])
    assert found.tolist() == [2, 0, 5, -1, -1, -1]  # positions, not the index labels


def test_object_keys_and_no_keys():
    assert first_positions(pd.Series(["x", "x"], dtype=object), np.array(["x"], dtype=object)).tolist() == [0]
    assert first_positions(pd.Series([], dtype=object), ["x"]).tolist() == [-1]


def test_the_buyer_is_the_link_steps_customer_else_the_lines_own():
    assert buyer_column(["customer_id", "matched_id", "product"]) == "matched_id"
    assert buyer_column(["product", "customer_id"]) == "customer_id"
    assert buyer_column(["email", "product"]) is None


def test_ids_written_as_floats_spaces_and_empties():
    """pandas writes an id column with an empty cell as floats ("17850.0": the UCI Online
    Retail CSVs); a pasted id keeps its spaces. Neither changes who it is."""
    crm = pd.Series(["17850", " C7 ", "", "12662", "0042", "1.5"])
    lines = pd.Series(["17850.0", "C7", "", np.nan, "12662.00", "42", "0042", "1.5", "17850"])
    assert id_positions(crm, lines).tolist() == [0, 1, -1, -1, 3, -1, 4, 5, 0]  # "0042" is not "42"
    assert id_key(pd.Series(["-3.0", "3.05", "x.0", " "])).tolist()[:3] == ["-3", "3.05", "x.0"]
    assert pd.isna(id_key(pd.Series([" "])).iloc[0])


def test_a_list_and_its_sales_with_float_ids_link_segment_and_merge(tmp_path, capsys):
    (tmp_path / "crm.csv").write_text(
        "CustomerID,First Name,Email,Newsletter\n17850,Ann,ann@example.com,yes\n"
        "13047,Bo,bo@example.com,yes\n12662,Cy,cy@example.com,yes\n", encoding="utf-8")
    (tmp_path / "sales.csv").write_text(
        "Invoice,Description,Quantity,InvoiceDate,Price,Customer ID\n"
        "1,Mug,2,2010-12-01 08:26:00,2.5,17850.0\n2,Tea,1,2010-12-02 08:26:00,3.5,13047.0\n"
        "3,Jam,1,2010-12-03 08:26:00,4.0,12662.0\n4,Mug,1,2010-12-04 08:26:00,2.5,13047.0\n",
        encoding="utf-8")
    assert main(["link", str(tmp_path / "crm.csv"), str(tmp_path / "sales.csv"),
                 "-o", str(tmp_path / "linked.csv")]) == 0
    linked = pd.read_csv(tmp_path / "linked.csv", dtype=str)
    assert linked["matched_id"].tolist() == ["17850", "13047", "12662", "13047"]
    assert main(["segment", str(tmp_path / "crm.csv"), "--sales", str(tmp_path / "sales.csv"),
                 "-o", str(tmp_path / "seg.csv")]) == 0
    assert capsys.readouterr().out.count("3 people, 3 with orders.") == 1
    seg = pd.read_csv(tmp_path / "seg.csv", dtype=str)
    assert dict(zip(seg["CustomerID"], seg["monetary"], strict=True)) == {
        "17850": "5", "13047": "6", "12662": "4"}
    (tmp_path / "t.txt").write_text("Subject: Hi\n\n{{ first_name }}: {{ recommendations | join('; ') }}\n",
                                    encoding="utf-8")
    assert main(["merge", str(tmp_path / "crm.csv"), "--template", str(tmp_path / "t.txt"), "--sales",
                 str(tmp_path / "sales.csv"), "-o", str(tmp_path / "out"), "--format", "csv"]) == 0
    merged = pd.read_csv(tmp_path / "out" / "merge.csv", dtype=str)
    # Bo bought a Mug and Tea: Ann, with her Mug, is offered Tea
    assert merged["body"].str.strip().tolist()[0] == "Ann: Tea; Jam"
