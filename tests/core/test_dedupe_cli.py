"""`localreach dedupe` and `localreach link`: the output contract and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from app.cli import main

FEBRL = str(Path(__file__).resolve().parents[1] / "data" / "febrl1.csv")  # a copy of shared/data/febrl1.csv


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture()
def febrl_copy(tmp_path):
    path = tmp_path / "febrl.csv"
    shutil.copy(FEBRL, path)
    return path


def test_dedupe_writes_every_row_plus_cluster_and_pairs(febrl_copy, tmp_path, capsys):
    before = febrl_copy.read_bytes()
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    code = main(["dedupe", str(febrl_copy), "-o", str(out), "--id-column", "rec_id",
                 "--threshold", "0.9", "--pairs", str(pairs)])
    assert code == 0
    assert febrl_copy.read_bytes() == before
    result, source = read(out), read(febrl_copy)
    assert list(result.columns) == [*source.columns, "cluster_id", "match_score"]
    pd.testing.assert_frame_equal(result[source.columns], source)
    same_person = result.groupby(result["rec_id"].str.extract(r"rec-(\d+)-")[0])["cluster_id"]
    assert (same_person.nunique() == 1).mean() >= 0.98
    scored = read(pairs)
    assert list(scored.columns[:5]) == ["left_record", "right_record", "left_rec_id",
                                        "right_rec_id", "match_probability"]
    top = scored.iloc[0]
    assert top["left_rec_id"].split("-")[1] == top["right_rec_id"].split("-")[1]
    assert "people" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--threshold", "1.5"],
         "localreach dedupe: --threshold must be between 0 and 1 (got 1.5); try 0.9."),
        (["--id-column", "nope"],
         "localreach dedupe: There is no column 'nope' to use as the record id; check the "
         "spelling (columns are: rec_id, given_name, surname, street_number, address_1, "
         "address_2, suburb, postcode, state, date_of_birth, soc_sec_id)."),
    ],
)
def test_dedupe_bad_input_one_line_and_nothing_written(febrl_copy, tmp_path, capsys, extra, message):
    out = tmp_path / "out.csv"
    assert main(["dedupe", str(febrl_copy), "-o", str(out), *extra]) == 2
    assert capsys.readouterr().err.strip() == message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["febrl.csv"]


def test_dedupe_refuses_to_overwrite_its_input(febrl_copy, capsys):
    before = febrl_copy.read_bytes()
    assert main(["dedupe", str(febrl_copy), "-o", str(febrl_copy)]) == 2
    assert "is also an input" in capsys.readouterr().err
    assert febrl_copy.read_bytes() == before


def test_link_sales_to_crm_by_id_email_and_name(tmp_path, capsys):
    crm = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"],
        "first_name": ["Anna", "Peter", "Jörg"],
        "last_name": ["Weber", "Brown", "Müller"],
        "email": ["anna.weber@gmail.com", "peter@web.de", "j.mueller@gmx.de"],
        "postcode": ["10115", "20095", "80331"],
    })
    sales = pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5"],
        "customer_id": ["C2", "", "", "C9", ""],
        "email": ["", "AnnaWeber@gmail.com", "", "", ""],
        "first_name": ["", "", "Jorg", "", "Zoe"],
        "last_name": ["", "", "Mueller", "", "Zed"],
        "postcode": ["", "", "80331", "", "10115"],
        "amount": ["10.00", "20.00", "30.00", "40.00", "50.00"],
    })
    crm.to_csv(tmp_path / "crm.csv", index=False)
    sales.to_csv(tmp_path / "sales.csv", index=False)
    out = tmp_path / "linked.csv"
    assert main(["link", str(tmp_path / "crm.csv"), str(tmp_path / "sales.csv"),
                 "-o", str(out), "--id-column", "customer_id"]) == 0
    linked = read(out)
    assert list(linked.columns) == [*sales.columns, "matched_id", "match_score"]
    pd.testing.assert_frame_equal(linked[sales.columns], sales.astype(str))
    assert linked["matched_id"].tolist() == ["C2", "C1", "C3", "", ""]
    assert linked["match_score"].tolist()[:2] == ["1.0000", "1.0000"]
    assert linked["match_score"].tolist()[3:] == ["", ""]
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == ("3 of 5 rows linked (1 by customer id, 1 by e-mail, 1 by matching "
                      "details); 2 not linked.")
    assert err[1].startswith("Matching details: ")
    assert "the model expects precision" in err[1]


def test_link_without_an_id_column_says_what_to_do(tmp_path, capsys):
    pd.DataFrame({"name": ["A"]}).to_csv(tmp_path / "left.csv", index=False)
    pd.DataFrame({"x": ["1"]}).to_csv(tmp_path / "right.csv", index=False)
    code = main(["link", str(tmp_path / "left.csv"), str(tmp_path / "right.csv"),
                 "-o", str(tmp_path / "out.csv")])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "localreach link: The customer list has no id or e-mail column; name its id column with "
        "--id-column.")
    assert not (tmp_path / "out.csv").exists()


def test_too_few_person_columns_and_unknown_link_column(tmp_path, capsys):
    pd.DataFrame({"order_id": ["1", "2"], "amount": ["5", "6"]}).to_csv(tmp_path / "o.csv",
                                                                        index=False)
    assert main(["dedupe", str(tmp_path / "o.csv"), "-o", str(tmp_path / "out.csv")]) == 2
    assert capsys.readouterr().err.strip() == (
        "localreach dedupe: Too few columns describe a person to find duplicates (names, "
        "e-mail, phone, address, date of birth); set the column roles in the Import step.")
    assert main(["link", str(tmp_path / "o.csv"), str(tmp_path / "o.csv"), "-o",
                 str(tmp_path / "l.csv"), "--id-column", "client"]) == 2
    assert capsys.readouterr().err.strip() == (
        "localreach link: The customer list has no column 'client'; check the spelling.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]


def test_cancel_stops_the_work():
    from core.dedupe.pipeline import find_duplicates
    from core.jobs import Cancelled, JobContext

    calls = []

    def cancel_when_comparing(done, total, message):
        calls.append(message)
        if message == "Comparing possible duplicates":
            ctx.cancel()

    ctx = JobContext(cancel_when_comparing)
    with pytest.raises(Cancelled):
        find_duplicates(read(FEBRL), None, ctx=ctx)
    assert calls[0].startswith("Finding candidates: ")
    assert "Learning what makes a match" not in calls


def test_dedupe_next_month_keeps_known_clusters(febrl_copy, tmp_path, capsys):
    first = tmp_path / "march.csv"
    assert main(["dedupe", str(febrl_copy), "-o", str(first), "--id-column", "rec_id"]) == 0
    march = read(first)
    source = read(febrl_copy)
    again = source.sample(frac=1, random_state=4).reset_index(drop=True)
    twin = dict(source.iloc[0], rec_id="rec-new-1",
                surname=source.iloc[0]["surname"] + "e")
    stranger = dict(source.iloc[1], rec_id="rec-new-2", given_name="zebulon",
                    surname="quist", date_of_birth="19440404", soc_sec_id="1111111")
    april_in = tmp_path / "april_in.csv"
    pd.concat([again, pd.DataFrame([twin, stranger])]).to_csv(april_in, index=False)
    out = tmp_path / "april.csv"
    assert main(["dedupe", str(april_in), "-o", str(out), "--id-column", "rec_id",
                 "--previous", str(first)]) == 0
    april = read(out).set_index("rec_id")
    before = march.set_index("rec_id")["cluster_id"]
    assert (april.loc[before.index, "cluster_id"] == before).all()
    assert april.loc["rec-new-1", "cluster_id"] == before[source.iloc[0]["rec_id"]]
    assert april.loc["rec-new-2", "cluster_id"] not in set(before)
    assert capsys.readouterr().err.strip().endswith(
        "1,002 records: 1,000 known, 1 new or changed matched to known people, 1 new person.")
