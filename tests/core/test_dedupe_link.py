"""Linking two lists probabilistically: FEBRL 4 and the model's own quality estimate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.dedupe.link import LinkConfig, link_records

DATA = Path(__file__).resolve().parents[1] / "data"


def read_febrl(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def link_quality(left_truth, right_truth, matched_truth) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 of RIGHT rows' links (each row at most one link)."""
    linked = matched_truth != ""
    tp = int(np.count_nonzero(linked & (matched_truth == right_truth)))
    true = int(np.count_nonzero(np.isin(right_truth, left_truth)))
    precision = tp / max(int(linked.sum()), 1)
    recall = tp / max(true, 1)
    return precision, recall, 2 * tp / max(int(linked.sum()) + true, 1)


@pytest.fixture(scope="module")
def febrl4():
    left, right = read_febrl("febrl4a.csv.gz"), read_febrl("febrl4b.csv.gz")
    return left, right


def person(ids: pd.Series) -> np.ndarray:
    return ids.str.extract(r"rec-(\d+)-")[0].fillna("").to_numpy()


@pytest.mark.parametrize("one_to_one", [False, True])
def test_febrl4_link(febrl4, one_to_one):
    left, right = febrl4
    out, report = link_records(left, right, None, None,
                               LinkConfig(id_column="rec_id", one_to_one=one_to_one))
    precision, recall, f1 = link_quality(person(left["rec_id"]), person(right["rec_id"]),
                                         person(out["matched_id"]))
    # Measured (both modes): precision 1.000, recall 0.9986, F1 0.9993 (rule cascade: 0.77).
    assert precision >= 0.998
    assert recall >= 0.995
    assert f1 >= 0.995
    # The ids (rec-N-org / rec-N-dup-0) never settle a row: every link is probabilistic.
    assert report["by_method"]["matching details"] == report["linked"]
    # The fitted model's own estimate is close to the truth, without seeing it.
    assert abs(report["expected_precision"] - precision) < 0.01
    assert abs(report["expected_recall"] - recall) < 0.01
    assert {r["rule"] for r in report["rules"]} >= {"Same soc_sec_id",
                                                     "Neighbours in a list sorted by surname"}
    assert sum(r["pairs"] for r in report["rules"]) >= report["candidate_pairs"]
    matched = out["matched_id"][out["matched_id"] != ""]
    if one_to_one:
        assert matched.is_unique


def test_sales_lines_of_one_customer_link_many_to_one(febrl4):
    left, right = febrl4
    lines = right.iloc[np.repeat(np.arange(200), 3)].reset_index(drop=True)
    out, _ = link_records(left, lines, None, None, LinkConfig(id_column="rec_id"))
    linked = person(out["matched_id"])
    assert (linked == person(lines["rec_id"])).mean() >= 0.98
    assert (pd.Series(linked).groupby(np.repeat(np.arange(200), 3)).nunique() == 1).all()


def test_an_id_links_first_then_an_email_to_the_first_record_holding_it():
    left = pd.DataFrame({"customer_id": ["A", "B", "", "C"],
                         "email": ["anna@example.de", "anna@example.de", "", "carl@example.de"]})
    right = pd.DataFrame({"customer_id": ["C", "Z", "", "", "B"],
                          "email": ["", "Anna@Example.de", "", "nobody@example.de", ""]})
    out, report = link_records(left, right, config=LinkConfig(id_column="customer_id"))
    # an empty id never links, an unknown one falls through to the e-mail (A: its first record)
    assert out["matched_id"].tolist() == ["C", "A", "", "", "B"]
    assert report["by_method"]["customer id"] == 2 and report["linked"] == 3
