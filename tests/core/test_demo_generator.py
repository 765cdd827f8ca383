"""The demo generator: exact columns, determinism, known duplicates/households, separable behaviours."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from core.demo import CRM_COLUMNS, SALES_COLUMNS, TRUTH_COLUMNS, generate
from core.errors import LocalReachError
from core.io import read_table
from core.jobs import Cancelled, JobContext
from core.resources import resource_path

FILES = ("crm.xlsx", "sales.csv", "truth.csv")


def _sha(folder: Path) -> dict[str, str]:
    return {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in FILES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    summary = generate(out, customers=1500, seed=7)
    crm, report = read_table(out / "crm.xlsx")
    sales, _ = read_table(out / "sales.csv")
    truth, _ = read_table(out / "truth.csv")
    return summary, out, crm, report, sales, truth


def test_files_have_exactly_the_promised_columns(demo):
    summary, _, crm, report, sales, truth = demo
    assert report.sheet == "Contacts"
    assert list(crm.columns) == CRM_COLUMNS
    assert list(sales.columns) == SALES_COLUMNS
    assert list(truth.columns) == TRUTH_COLUMNS
    assert len(crm) == summary["crm_rows"] == 1500 + summary["duplicate_records"]
    assert len(sales) == summary["sales_rows"]
    assert crm["customer_id"].is_unique
    assert list(truth["customer_id"]) == list(crm["customer_id"])
    assert truth["person_id"].nunique() == 1500
    assert set(sales["currency"]) == {"EUR"}
    assert sales["order_id"].is_unique


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    generate(tmp_path / "a", customers=200, seed=3)
    generate(tmp_path / "b", customers=200, seed=3)
    generate(tmp_path / "c", customers=200, seed=4)
    assert _sha(tmp_path / "a") == _sha(tmp_path / "b")
    assert all(v != _sha(tmp_path / "c")[k] for k, v in _sha(tmp_path / "a").items())


def test_committed_default_set_is_what_the_generator_makes(tmp_path):
    generate(tmp_path, customers=400, seed=42)
    assert _sha(tmp_path) == _sha(resource_path("demo"))


def test_duplicates_are_10_to_15_percent_of_people_with_noise(demo):
    summary, _, crm, _, _, truth = demo
    share = summary["people_with_duplicates"] / summary["people"]
    assert 0.10 <= share <= 0.15
    per_person = truth.groupby("person_id").size()
    assert per_person.max() <= 3
    assert (per_person > 1).sum() == summary["people_with_duplicates"]
    rows = crm.assign(person=truth["person_id"])
    dup = rows[rows["person"].duplicated(keep=False)]
    groups = dup.groupby("person")
    # every kind of noise shows up among the duplicate records
    assert (groups["first_name"].nunique() > 1).mean() > 0.3
    assert (groups["email"].apply(lambda s: (s == "").any())).sum() > 5
    assert (groups["phone"].nunique() > 1).mean() > 0.6
    assert (groups["street"].nunique() > 1).mean() > 0.3
    digits = dup["phone"].str.replace(r"\D", "", regex=True).str[-8:]
    same_number = dup.assign(d=digits)[digits != ""].groupby("person")["d"].nunique()
    assert (same_number == 1).mean() > 0.95  # format variants of one number, not new numbers


def test_family_members_share_address_and_phone_but_are_other_people(demo):
    summary, _, crm, _, _, truth = demo
    rows = crm.assign(person=truth["person_id"])
    rows = rows[(rows["phone"] != "") & (rows["street"] != "")]
    rows = rows.assign(digits=rows["phone"].str.replace(r"\D", "", regex=True).str[-8:])
    homes = rows.groupby(["street", "postcode", "digits", "last_name"])
    families = homes.filter(lambda g: g["person"].nunique() > 1)
    pairs = families.groupby(["street", "postcode", "digits", "last_name"])
    assert pairs.ngroups >= summary["households"] * 0.7
    # different people in one household never share first name and birthday
    for _, g in pairs:
        firsts = g.drop_duplicates("person").set_index("person")["first_name"].str.lower()
        assert firsts.nunique() == len(firsts)


def test_sales_reference_crm_records_of_the_right_person(demo):
    _, _, crm, _, sales, truth = demo
    person = dict(zip(truth["customer_id"], truth["person_id"], strict=True))
    assert sales["customer_id"].isin(crm["customer_id"]).all()
    booked_on_duplicate = ~sales["customer_id"].isin(
        truth.drop_duplicates("person_id")["customer_id"]
    )
    assert booked_on_duplicate.sum() > 0
    assert sales["customer_id"].map(person).nunique() == 1500
    dates = pd.to_datetime(sales["order_date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2024-01-01") and dates.max() <= pd.Timestamp("2025-12-31")
    q, price, disc, amount = (
        pd.to_numeric(sales[c]) for c in ("quantity", "unit_price", "discount", "amount")
    )
    assert ((q * price - disc - amount).abs() < 0.011).all()


def test_behaviours_differ_clearly_in_rfm_discount_channel_and_season(demo):
    _, _, _, _, sales, truth = demo
    s = sales.merge(truth, on="customer_id")
    s["date"] = pd.to_datetime(s["order_date"])
    s["amount"] = pd.to_numeric(s["amount"])
    s["discounted"] = pd.to_numeric(s["discount"]) > 0
    s["online"] = s["channel"].isin(["online", "app"])
    s["season"] = s["date"].dt.month.isin([11, 12])
    end = pd.Timestamp("2025-12-31")
    people = s.groupby(["person_id", "behaviour"]).agg(
        recency=("date", lambda d: (end - d.max()).days),
        first=("date", lambda d: (end - d.min()).days),
        orders=("order_id", "size"),
        spend=("amount", "sum"),
        discounted=("discounted", "mean"),
        online=("online", "mean"),
        season=("season", "mean"),
    )
    by = people.groupby("behaviour").median()
    assert by.loc["Lapsed", "recency"] > 365
    assert by.drop("Lapsed")["recency"].max() < 200
    assert by.loc["New customers", "first"] < 120
    assert by.loc["Loyal big spenders", "spend"] > 3 * by.drop("Loyal big spenders")["spend"].max()
    assert (
        by.loc["Bargain hunters", "discounted"]
        > 0.6
        > 0.3
        > by.drop("Bargain hunters")["discounted"].max()
    )
    assert by.loc["Online regulars", "online"] == 1.0
    assert by.loc["Online regulars", "orders"] > 10
    assert by.loc["Occasional gift buyers", "season"] > 0.8
    year_round = by.drop(["Occasional gift buyers", "New customers", "Lapsed"])
    assert year_round["season"].max() < 0.3


def test_bad_input_raises_one_line_and_writes_nothing(tmp_path):
    with pytest.raises(LocalReachError, match="at least 1 customer"):
        generate(tmp_path / "x", customers=0)
    assert not (tmp_path / "x").exists()
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep me")
    with pytest.raises(LocalReachError, match="is a file, not a folder"):
        generate(blocker, customers=10)
    assert blocker.read_text() == "keep me"


def test_cancel_leaves_no_files_and_no_temp_files(tmp_path):
    calls = []

    def progress(done, total, message):
        calls.append(message)
        if message == "Writing the sales":
            ctx.cancel()

    ctx = JobContext(progress)
    with pytest.raises(Cancelled):
        generate(tmp_path, customers=300, seed=1, ctx=ctx)
    assert list(tmp_path.iterdir()) == []


def test_crm_too_big_for_a_sheet_is_written_as_csv_with_phones_kept_as_text(tmp_path, monkeypatch):
    import core.demo

    monkeypatch.setattr(core.demo, "XLSX_MAX_ROWS", 50)
    summary = generate(tmp_path, customers=60, seed=2)
    assert summary["files"]["crm"] == str(tmp_path / "crm.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.csv", "sales.csv", "truth.csv"]
    crm, report = read_table(tmp_path / "crm.csv")
    assert list(crm.columns) == CRM_COLUMNS and len(crm) == summary["crm_rows"]
    plus = crm["phone"].str.startswith("+")
    assert plus.sum() > 10 and crm.loc[plus, "phone"].str.match(r"\+\d").all()
    guarded = plus & ~crm["phone"].str.fullmatch(r"\+\d+")  # "+4915..." is a plain number
    assert report.warnings == [
        f"Removed the protective apostrophe before = + - @ from {guarded.sum()} cell(s)."
    ]


def test_xlsx_opens_with_openpyxl_as_well(demo):
    import openpyxl

    _, out, crm, *_ = demo
    wb = openpyxl.load_workbook(out / "crm.xlsx", read_only=True)
    assert wb.sheetnames == ["Contacts"]
    rows = list(wb["Contacts"].iter_rows(values_only=True))
    assert list(rows[0]) == CRM_COLUMNS
    assert [v or "" for v in rows[1]] == list(crm.iloc[0])
    assert len(rows) == len(crm) + 1
