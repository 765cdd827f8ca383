"""RFM scores and named segments on a hand-computed table, with both tie rules."""

import pandas as pd

from core.segment import rfm

IDS = [f"P{i:02d}" for i in range(1, 11)]
RECENCY = [5, 10, 10, 30, 60, 90, 120, 200, 300, 400]
FREQUENCY = [10, 8, 8, 5, 3, 2, 2, 1, 1, 1]
MONETARY = [1000, 800, 500, 400, 300, 300, 150, 100, 50, 20]


def _scores(ties):
    s = lambda v: pd.Series(v, index=IDS, dtype=float)  # noqa: E731
    return rfm.rfm_scores(s(RECENCY), s(FREQUENCY), s(MONETARY), ties=ties)


def test_scores_with_ties_kept_together_are_exact():
    scores = _scores("together")
    assert scores["rfm_score"].tolist() == ["555", "445", "444", "444", "333", "323", "222",
                                            "212", "111", "111"]
    assert scores["fm_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    names, counts = rfm.assign_segments(scores, rfm.CLASSIC_RULES)
    assert names.tolist() == ["Champions", "Loyal Customers", "Loyal Customers",
                              "Loyal Customers", "Need Attention", "Need Attention",
                              "Hibernating", "Hibernating", "Lost", "Lost"]
    assert dict(zip(counts["rule"], counts["people"], strict=True)) == {
        "Champions": 1, "Loyal Customers": 3, "Potential Loyalists": 0, "New Customers": 0,
        "Promising": 0, "Need Attention": 2, "About to Sleep": 0, "At Risk": 0,
        "Can't Lose Them": 0, "Hibernating": 2, "Lost": 2, "Unassigned": 0}


def test_breaking_ties_by_id_moves_people_between_segments():
    scores = _scores("first")
    assert scores["rfm_score"].tolist() == ["555", "445", "554", "444", "333", "323", "232",
                                            "212", "111", "121"]
    names, _ = rfm.assign_segments(scores, rfm.CLASSIC_RULES)
    assert names["P03"] == "Champions"
    assert names["P07"] == "At Risk"


def test_every_score_holds_a_fifth_when_ties_are_broken():
    values = pd.Series([1.0] * 50 + [2.0] * 50, index=[f"c{i:03d}" for i in range(100)])
    assert quintile_counts(values, "first") == [20, 20, 20, 20, 20]
    assert quintile_counts(values, "together") == [50, 0, 50, 0, 0]


def quintile_counts(values, ties):
    scores = rfm.quintile_scores(values, ties=ties)
    return [int((scores == s).sum()) for s in range(1, 6)]


def test_classic_rules_cover_the_grid_once():
    assert rfm.check_rules(rfm.CLASSIC_RULES).ok
    assert len(rfm.CLASSIC_RULES) == 11


def test_rule_table_reports_overlaps_gaps_and_unassigned():
    rules = [r for r in rfm.CLASSIC_RULES if r.name != "Lost"]
    rules.append(rfm.RfmRule("Big fans", 4, 5, 5, 5))
    check = rfm.check_rules(rules)
    assert check.gaps == [(1, 1), (1, 2)]
    assert check.overlaps == [(4, 5, ["Loyal Customers", "Big fans"]),
                              (5, 5, ["Champions", "Big fans"])]
    assert check.describe()[0] == ("R 4, FM 5 is claimed by Loyal Customers and Big fans; "
                                   "the first rule wins.")
    assert check.describe()[-1] == ("R 1, FM 2 is not covered by any rule; those people stay "
                                    "unassigned.")
    names, counts = rfm.assign_segments(_scores("together"), rules)
    people = dict(zip(counts["rule"], counts["people"], strict=True))
    assert people["Unassigned"] == 2 and people["Big fans"] == 0
    assert names["P09"] == rfm.UNASSIGNED


def test_rules_round_trip_through_plain_dicts():
    rows = rfm.rules_to_dicts(rfm.CLASSIC_RULES)
    assert rows[0] == {"name": "Champions", "r_min": 5, "r_max": 5, "fm_min": 4, "fm_max": 5}
    assert rfm.rules_from_dicts(rows) == list(rfm.CLASSIC_RULES)


def test_grid_counts_people_per_cell():
    grid = rfm.rfm_grid(_scores("together"))
    assert grid.loc[5, 5] == 1 and grid.loc[4, 4] == 2 and grid.loc[1, 1] == 2
    assert int(grid.to_numpy().sum()) == 10
