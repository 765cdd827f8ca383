"""A/B tests and recommendations: deterministic stratified assignment, hand-checked stats."""

import math

import numpy as np
import pandas as pd
import pytest

from core.compose.abtest import ABConfig, analyse, assign, join_results, wilson, z_test
from core.compose.merge import MergeConfig, merge
from core.compose.template import parse_template


def _people(n=1000) -> pd.DataFrame:
    return pd.DataFrame({"email": [f"p{i}@example.org" for i in range(n)],
                         "segment": np.where(np.arange(n) < 300, "VIP", "Rest")})


def test_assignment_deterministic_and_stratified():
    people = _people()
    first = assign(people, ABConfig(seed=7, holdout=0.2))
    assert first.equals(assign(people, ABConfig(seed=7, holdout=0.2)))
    assert not first.equals(assign(people, ABConfig(seed=8, holdout=0.2)))
    counts = pd.crosstab(people["segment"], first)
    assert counts.to_dict("index") == {"Rest": {"A": 280, "B": 280, "control": 140},
                                       "VIP": {"A": 120, "B": 120, "control": 60}}
    shuffled = people.sample(frac=1, random_state=3)
    assert assign(shuffled, ABConfig(seed=7, holdout=0.2)).value_counts().to_dict() == \
        {"A": 400, "B": 400, "control": 200}


def test_z_test_matches_hand_computation():
    # 60/500 vs 40/500: pooled p = 0.1, se = sqrt(0.1 * 0.9 * (2/500)) = 0.0189737
    z, p = z_test(60, 500, 40, 500)
    assert z == pytest.approx(0.04 / math.sqrt(0.1 * 0.9 * 2 / 500), rel=1e-12)
    assert z == pytest.approx(2.10819, abs=1e-5)
    assert p == pytest.approx(0.035015, abs=1e-6)
    lo, hi = wilson(60, 500)
    assert (round(lo, 4), round(hi, 4)) == (0.0944, 0.1514)


def test_results_per_variant_with_verdict():
    people = _people(400)
    assignment = people.assign(variant=["control"] * 100 + ["A"] * 150 + ["B"] * 150)
    converted = [""] * 400
    for i in list(range(10)) + list(range(100, 115)) + list(range(250, 295)):
        converted[i] = "yes"
    results = pd.DataFrame({"email": people["email"].str.upper(), "converted": converted})
    table = analyse(join_results(assignment, results, "email")).set_index("variant")
    assert table.loc["control", "converted"] == 10 and table.loc["B", "converted"] == 45
    assert table.loc["B", "uplift"] == pytest.approx(0.30 - 0.10)
    assert table.loc["B", "p_value"] == pytest.approx(z_test(45, 150, 10, 100)[1])
    assert table.loc["B", "verdict"] == (
        "Variant B got 20.0 more purchases per 100 people than the control group; a difference "
        "this large is unlikely to be chance (p < 0.001).")
    assert table.loc["A", "verdict"] == "Variant A did exactly as well as the control group (p = 1.00)."


def test_merge_holdout_is_not_sent_and_assignment_is_kept():
    people = _people(100).assign(consent="yes")
    templates = {"A": parse_template("Subject: A\n\nBody A\n"),
                 "B": parse_template("Subject: B\n\nBody B\n")}
    config = MergeConfig(ab={"variants": ["A", "B"], "holdout": 0.1, "seed": 5,
                             "stratify_by": "segment"})
    result = merge(people, {"email": "email"}, templates, config)
    assert len(result.messages) == 90
    assert {m.variant: m.subject for m in result.messages} == {"A": "A", "B": "B"}
    assert result.assignment["variant"].value_counts().to_dict() == {"A": 45, "B": 45,
                                                                     "control": 10}
    assert set(result.left_out) == {"hold-out group (not sent, kept for comparison)"}
