"""Every figure a persona card states, recomputed by hand from the raw demo files.

The cards come from the real pipeline (k-means on the demo, true persons as cluster_id);
the figures here come straight from sales.csv: orders are distinct order ids, a discount
is a discount amount above 0, the busiest weeks are those of all orders.
"""

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from core.demo import generate
from core.io import read_table
from core.personas.build import build_personas
from core.personas.export import card_lines
from core.personas.naming import SEASON_LIFT, figure_text
from core.segment.features import in_peak_season
from core.segment.pipeline import NO_PURCHASES, SegmentConfig, segment_customers


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    generate(folder, customers=1000, seed=3)
    crm, _ = read_table(folder / "crm.xlsx")
    sales, _ = read_table(folder / "sales.csv")
    truth = pd.read_csv(folder / "truth.csv", dtype=str)
    crm["cluster_id"] = crm["customer_id"].map(dict(zip(truth["customer_id"],
                                                        truth["person_id"], strict=True)))
    with threadpool_limits(1):
        segmented, _ = segment_customers(crm, sales, SegmentConfig(method="kmeans", k=6,
                                                                   stability_rounds=1))
        personas = build_personas(segmented, sales)
    return personas, _by_hand(segmented, sales)


def _by_hand(segmented: pd.DataFrame, sales: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per person (orders, spend per order, days since last) and per order (discount, season)."""
    lines = sales.assign(person=sales["customer_id"].map(
        dict(zip(segmented["customer_id"], segmented["cluster_id"], strict=True))),
        date=pd.to_datetime(sales["order_date"]), amount=sales["amount"].astype(float),
        discounted=sales["discount"].astype(float) > 0)
    orders = lines.groupby("order_id").agg(person=("person", "first"), date=("date", "min"),
                                           amount=("amount", "sum"),
                                           discounted=("discounted", "any"))
    orders["season"] = in_peak_season(orders["date"])
    as_of = orders["date"].max() + pd.Timedelta(days=1)
    people = orders.groupby("person").agg(orders=("amount", "size"), spend=("amount", "sum"),
                                          last=("date", "max"))
    # Rounded to cents per person, as the segmented file states it.
    people["per_order"] = (people["spend"] / people["orders"]).round(2)
    people["recency"] = (as_of - people["last"]).dt.days
    segment = segmented.drop_duplicates("cluster_id").set_index("cluster_id")["segment"]
    people["segment"] = segment.reindex(people.index)
    orders["segment"] = segment.reindex(orders["person"]).to_numpy()
    return people, orders


def _stated(people: pd.DataFrame, orders: pd.DataFrame) -> dict[str, float]:
    return {"frequency": people["orders"].median(), "avg_order_value": people["per_order"].median(),
            "recency_days": people["recency"].median(),
            "discount_share": orders["discounted"].mean(), "season_share": orders["season"].mean()}


def test_every_sentence_and_card_line_is_the_figure_recomputed(cards):
    personas, (people, orders) = cards
    base = _stated(people, orders)
    checked = 0
    for p in personas:
        if p.segment == NO_PURCHASES:
            continue
        mine = _stated(people[people["segment"] == p.segment],
                       orders[orders["segment"] == p.segment])
        def pair(key, mine=mine, currency=p.currency):
            return figure_text(key, mine[key], currency), figure_text(key, base[key], currency)
        v, b = pair("frequency")
        assert f"edian {v} order{'' if mine['frequency'] == 1 else 's'} per person " \
               f"(all buyers: {b})" in p.description
        v, b = pair("avg_order_value")
        assert f"median spend per order {v} (all buyers: {b})" in p.description
        v, b = pair("recency_days")
        assert f"median {v} days since the last order (all buyers: {b})" in p.description
        v, b = pair("discount_share")
        assert f"{v} of their orders used a discount (all buyers' orders: {b})" in p.description
        lines = dict(card_lines(p))
        assert lines["Orders with a discount"] == f"{v}, share of orders (all buyers: {b})"
        v, b = pair("season_share")
        assert lines["Orders in the busiest weeks"] == f"{v}, share of orders (all buyers: {b})"
        seasonal = mine["season_share"] >= max(0.5, SEASON_LIFT * base["season_share"])
        assert ("busiest weeks" in p.description) == seasonal
        assert (p.name == "Gift-season shoppers") == (seasonal and p.name != "Bargain hunters"
                                                      and not p.name.startswith("New"))
        checked += 1
    assert checked == 6
    # The demo's discounts are real: about a quarter of all orders, not 0%.
    assert 0.15 < base["discount_share"] < 0.5 and np.isfinite(base["season_share"])
