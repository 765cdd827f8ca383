"""Three customer lists into one person table, with each value's list and row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_dedupe_febrl import pairwise
from test_dedupe_link_people import two_lists

from app.cli import main
from core.dedupe.people import people_table
from core.errors import ColumnError


@pytest.fixture(scope="module")
def lists():
    shop, loyalty, truth, _ = two_lists(0)
    # The loyalty system calls two columns otherwise; the newsletter knows only a few
    # fields, and one of its people signed up twice.
    loyalty = loyalty.rename(columns={"email": "E-Mail", "last_name": "Surname"})
    picked = np.random.default_rng(3).choice(len(shop), 300, replace=False)
    news = shop.iloc[np.r_[picked, picked[:1]]][["first_name", "last_name", "email"]]
    news = news.rename(columns={"email": "mail"}).reset_index(drop=True)
    person = np.r_[shop["customer_id"], np.where(truth != "", truth, loyalty["customer_id"]),
                   shop["customer_id"].to_numpy()[np.r_[picked, picked[:1]]]]
    return [("shop", shop), ("loyalty", loyalty), ("newsletter", news)], person


def test_one_golden_record_per_person_with_provenance(lists):
    frames, person = lists
    people, records, report = people_table(frames)
    precision, recall, _ = pairwise(person, records["person_id"])
    # Measured: precision 1.000, recall 1.000; 1,300 people found, 1,300 true.
    assert precision >= 0.99 and recall >= 0.98
    assert len(people) == report["people"] == records["person_id"].nunique()
    assert abs(len(people) - len(set(person))) <= 10
    assert records["list"].value_counts().to_dict() == {"loyalty": 1000, "shop": 900,
                                                      "newsletter": 301}
    # Columns holding the same field are one column, under the first list's name.
    assert "E-Mail" not in people and "mail" not in people and "Surname" not in people
    # Every golden value is the value in the list and row it says it came from.
    by_name = dict(frames)
    renamed = {"loyalty": {"email": "E-Mail", "last_name": "Surname"},
               "newsletter": {"email": "mail"}}
    for column in ("email", "last_name", "phone", "date_of_birth"):
        for value, origin in zip(people[column], people[f"{column} (from)"], strict=True):
            if origin == "":
                assert value == ""
                continue
            name, _, row = origin.partition(" row ")
            source = renamed.get(name, {}).get(column, column)
            assert by_name[name][source].iloc[int(row) - 1] == value
    in_all = people[people["lists"] == "shop, loyalty, newsletter"]
    assert len(in_all) > 50
    assert report["people_in_several_lists"] == int(people["lists"].str.contains(",").sum())


def test_cli_links_three_lists_into_people(lists, tmp_path, capsys):
    paths = []
    for name, df in lists[0]:
        paths.append(tmp_path / f"{name}.csv")
        df.to_csv(paths[-1], index=False)
    out, rec = tmp_path / "people.csv", tmp_path / "records.csv"
    assert main(["link", *map(str, paths), "-o", str(out), "--records", str(rec)]) == 0
    people = pd.read_csv(out, dtype=str, keep_default_na=False)
    records = pd.read_csv(rec, dtype=str, keep_default_na=False)
    assert list(people.columns[:3]) == ["person_id", "records", "lists"]
    assert len(records) == 2201 and set(records["person_id"]) == set(people["person_id"])
    assert "people" in capsys.readouterr().err


def test_lists_need_their_own_names():
    df = pd.DataFrame({"first_name": ["A"], "last_name": ["B"]})
    with pytest.raises(ColumnError, match="same name"):
        people_table([("a", df), ("a", df)])
