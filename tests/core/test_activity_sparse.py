"""Few people with events: ``days_since_last_event`` stays a number (NaN for the people
without events), as a feature too -- not text cut into one 0/1 column per value, which
is how a customer-list column reads when under 90% of it are numbers (issue 14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from app.commands._common import roles_of
from core.io import read_table
from core.segment.features import FeatureConfig, build_features
from core.steps.activity import events_roles
from core.steps.registry import step

EVENTS = Path(__file__).parents[1] / "fixtures" / "events" / "ga4_events.csv"


def _shop():
    """40 customers, 1001-1040, each with two orders; only 1001-1003 are in the events
    file (3 of 40: 7.5%)."""
    ids = [str(1001 + i) for i in range(40)]
    crm = pd.DataFrame({"customer_id": ids, "email": [f"c{i}@example.de" for i in ids]})
    rng = np.random.default_rng(5)
    sales = pd.DataFrame({"customer_id": ids * 2,
                          "order_date": [f"2024-0{1 + i % 3}-{1 + i % 28:02d}" for i in range(80)],
                          "amount": [f"{a:.2f}" for a in rng.uniform(5, 90, 80)]})
    sales.loc[0, "order_date"] = "2024-03-30"  # the analysis date is 2024-03-31
    events, _ = read_table(EVENTS)
    return crm, sales, events


def test_days_since_last_event_is_a_number_when_3_of_40_have_events():
    crm, sales, events = _shop()
    roles = {"crm": roles_of(crm), "sales": roles_of(sales), "events": events_roles(events)}
    segment = step("segment")
    features = ["recency_days", "frequency", "monetary", "days_since_last_event"]
    out, report = segment.run({"crm": crm, "sales": sales, "events": events}, roles,
                              segment.config({"method": "kmeans", "k": 3, "features": features}), None)
    people = out["crm"].set_index("customer_id")
    assert report.details["as_of"] == "2024-03-31"
    assert people["days_since_last_event"].dtype == np.float64
    assert people.loc[["1001", "1002", "1003"], "days_since_last_event"].tolist() == [1.0, 11.0, 0.0]
    assert int(people["days_since_last_event"].isna().sum()) == 37
    # read as the segment step reads a feature column: one number column, no 0/1 columns
    table = build_features(out["crm"], sales, FeatureConfig(
        id_column="customer_id", sales_id_column="customer_id",
        crm_columns=["days_since_last_event"])).table
    assert [c for c in table.columns if c.startswith("days_since_last_event")] == ["days_since_last_event"]
    assert table["days_since_last_event"].dtype == np.float64
    assert table["days_since_last_event"].notna().sum() == 3
