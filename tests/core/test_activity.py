"""Activity: an events file (GA4's BigQuery export flattened, Shopify's abandoned
checkouts; tests/fixtures/events/README.md) is recognised with every column's role and
becomes behaviour per customer as of a day, with the numbers worked out by hand there."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.activity import ActivityRole as A
from core.activity import (
    activity_features,
    by_person,
    detect_activity_roles,
    event_kind,
    read_times,
)
from core.io import read_table

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"
EVENTS = VENDORS.parent / "events"


def _features(name: str, as_of: str, days: int):
    df, _ = read_table(EVENTS / name)
    match = detect_activity_roles(df)
    return activity_features(df, match.roles, as_of, days, match.format)


@pytest.mark.parametrize("name, label, roles", [
    ("ga4_events.csv", "a Google Analytics 4 BigQuery events export (flattened)",
     {"event_timestamp": A.TIME, "event_name": A.EVENT, "user_id": A.CUSTOMER_ID,
      "ga_session_id": A.SESSION, "item_name": A.PRODUCT}),
    ("shopify_abandoned_checkouts.csv", "a Shopify abandoned checkouts export",
     {"id": A.CHECKOUT, "email": A.EMAIL, "created_at": A.TIME, "completed_at": A.COMPLETED,
      "customer_id": A.CUSTOMER_ID, "line_items_title": A.PRODUCT}),
    ("matomo_visits_log.csv", "a Matomo visits log export (Live.getLastVisitsDetails as CSV)",
     {"idVisit": A.SESSION, "userId": A.CUSTOMER_ID} | {
         f"actionDetails_{n}_{field}": role for n in range(4) for field, role in (
             ("type", A.EVENT), ("timestamp", A.TIME), ("productViewName", A.PRODUCT),
             ("itemDetails_0_itemName", A.PRODUCT))}),
])  # fmt: skip
def test_events_files_recognised_with_every_role(name, label, roles):
    df, _ = read_table(EVENTS / name)
    match = detect_activity_roles(df)
    assert match.sentence == f"This looks like {label}."
    assert match.roles == {c: roles.get(c, A.OTHER) for c in df.columns}


def test_customers_and_orders_files_are_no_events_files():
    for name in ("shopify_customers.csv", "shopify_orders.csv", "woocommerce_orders.csv"):
        assert detect_activity_roles(read_table(VENDORS / name)[0]) is None


def test_ga4_behaviour_in_the_last_7_and_30_days():
    """Customer 1001: sessions on 26, 29 and 30 March; carts left on 26 (scarf, checkout
    begun) and 29 March (beanie), the 30 March cart was bought; an older cart on 10 March.
    1002 left a beanie on 20 March. 1003's 23:30 UTC session on the 31st counts, its
    2 April cart does not (after the as-of day). The anonymous visitor is nobody."""
    week = _features("ga4_events.csv", "2024-03-31", 7)
    assert week.key_role == "customer_id"
    assert week.table.to_dict("index") == {
        "1001": {"sessions_7d": 3, "product_views_7d": 4, "carts_abandoned_7d": 2,
                 "last_abandoned_product": "Beanie", "last_event_date": "2024-03-30",
                 "days_since_last_event": 1},
        "1002": {"sessions_7d": 0, "product_views_7d": 0, "carts_abandoned_7d": 0,
                 "last_abandoned_product": "", "last_event_date": "2024-03-20",
                 "days_since_last_event": 11},
        "1003": {"sessions_7d": 1, "product_views_7d": 2, "carts_abandoned_7d": 0,
                 "last_abandoned_product": "", "last_event_date": "2024-03-31",
                 "days_since_last_event": 0},
    }  # fmt: skip
    assert week.report() == [
        "Behaviour of 3 customer(s) over the last 7 days.",
        "Event rows set aside: 2 after the as-of day, 3 without a customer key.",
    ]
    month = _features("ga4_events.csv", "2024-03-31", 30).table
    assert month["carts_abandoned_30d"].to_dict() == {"1001": 3, "1002": 1, "1003": 0}
    assert month["sessions_30d"].to_dict() == {"1001": 4, "1002": 1, "1003": 1}


def test_nothing_after_the_as_of_day_is_seen():
    """As of 27 March, 1001 has one session (26th) with one abandoned cart, and 1003 (first
    seen on the 31st) does not exist yet."""
    table = _features("ga4_events.csv", "2024-03-27", 7).table
    assert sorted(table.index) == ["1001", "1002"]
    assert table.loc["1001", ["sessions_7d", "product_views_7d", "carts_abandoned_7d"]].tolist() == [1, 1, 1]
    assert table.loc["1001", "last_abandoned_product"] == "Wool Scarf"


def test_shopify_abandoned_checkouts_count_once_per_checkout():
    """Anna left checkout ...001 (two line items: one cart) and ...002; ...003 was
    completed. Ben is a guest (no customer id), known by e-mail in two spellings: one
    checkout this week, one on 15 March. Chloé's is after the as-of day."""
    week = _features("shopify_abandoned_checkouts.csv", "2024-03-31", 7)
    assert week.key_role == "email"  # the key every row has
    assert week.table.to_dict("index") == {
        "anna.schmidt@example.de": {"carts_abandoned_7d": 2, "last_abandoned_product": "Beanie",
                                    "last_event_date": "2024-03-30", "days_since_last_event": 1},
        "ben.okafor@example.co.uk": {"carts_abandoned_7d": 1,
                                     "last_abandoned_product": "Wool Scarf",
                                     "last_event_date": "2024-03-29", "days_since_last_event": 2},
    }  # fmt: skip
    assert week.set_aside == {"after the as-of day": 1}
    month = _features("shopify_abandoned_checkouts.csv", "2024-03-31", 30).table
    assert month["carts_abandoned_30d"].to_dict() == {"anna.schmidt@example.de": 2,
                                                      "ben.okafor@example.co.uk": 2}


def test_matomo_visits_log_behaviour_in_the_last_7_and_30_days():
    """One visit a row, its actions in numbered columns. Customer 501: visits on 26, 29
    and 30 March; product views 2 + 1 + 1; the 26 March cart (Wool Scarf) abandoned, the
    29 March visit ordered; on 30 March an order, then Mittens put in a new cart and left
    (Matomo's "ordered then abandoned cart"): 2 abandoned. Her 12 March Tea Towel cart
    counts only in 30 days. 502 viewed two products on the 28th and came back at 23:30
    UTC on the 31st. The anonymous visit (no userId) and 503's of 1 April are nobody's."""
    week = _features("matomo_visits_log.csv", "2024-03-31", 7)
    assert week.key_role == "customer_id"
    assert week.table.to_dict("index") == {
        "501": {"sessions_7d": 3, "product_views_7d": 4, "carts_abandoned_7d": 2,
                "last_abandoned_product": "Mittens", "last_event_date": "2024-03-30",
                "days_since_last_event": 1},
        "502": {"sessions_7d": 2, "product_views_7d": 2, "carts_abandoned_7d": 0,
                "last_abandoned_product": "", "last_event_date": "2024-03-31",
                "days_since_last_event": 0},
    }  # fmt: skip
    assert week.set_aside == {"after the as-of day": 2, "without a customer key": 2}
    month = _features("matomo_visits_log.csv", "2024-03-31", 30).table
    assert month[["sessions_30d", "product_views_30d", "carts_abandoned_30d"]].to_dict(
        "index") == {"501": {"sessions_30d": 4, "product_views_30d": 5, "carts_abandoned_30d": 3},
                     "502": {"sessions_30d": 2, "product_views_30d": 2, "carts_abandoned_30d": 0}}


def test_a_file_of_no_known_format_by_its_headers_and_event_names():
    """Klaviyo-style metric names, German headers, no session id: sessions are its
    session-start events and a cart is the customer's day."""
    df = pd.DataFrame({
        "Kundennummer": ["K1", "K1", "K1", "K1", "K2", "K2"],
        "Zeitpunkt": ["2024-05-01 10:00", "2024-05-01 10:05", "2024-05-01 10:06",
                      "2024-05-03 08:00", "2024-05-02 12:00", "2024-05-02 12:10"],
        "Aktion": ["Session Start", "Viewed Product", "Added to Cart", "Session Start",
                   "Added to Cart", "Placed Order"],
        "Produkt": ["", "Kaffee 500 g", "Kaffee 500 g", "", "Filter", "Filter"],
    })
    match = detect_activity_roles(df)
    assert match.format is None and match.sentence == "This looks like an events file."
    assert match.roles == {"Kundennummer": A.CUSTOMER_ID, "Zeitpunkt": A.TIME,
                           "Aktion": A.EVENT, "Produkt": A.PRODUCT}
    table = activity_features(df, match.roles, "2024-05-03", 7).table
    assert table[["sessions_7d", "product_views_7d", "carts_abandoned_7d"]].to_dict("index") == {
        "K1": {"sessions_7d": 2, "product_views_7d": 1, "carts_abandoned_7d": 1},
        "K2": {"sessions_7d": 0, "product_views_7d": 0, "carts_abandoned_7d": 0}}
    assert table.loc["K1", "last_abandoned_product"] == "Kaffee 500 g"


def test_times_in_seconds_milliseconds_microseconds_or_text_are_one_instant():
    times = read_times(pd.Series(["1711927800", "1711927800000", "1711927800000000",
                                  "2024-03-31T23:30:00+00:00", "2024-04-01 01:30:00+02:00"]))
    assert times.nunique() == 1 and str(times.iloc[0]) == "2024-03-31 23:30:00+00:00"


@pytest.mark.parametrize("name, kind", [
    ("view_item", "view"), ("Viewed Product", "view"), ("add_to_cart", "cart"),
    ("begin_checkout", "checkout"), ("Checkout Started", "checkout"), ("purchase", "purchase"),
    ("session_start", "session"), ("page_view", None), ("user_engagement", None)])
def test_event_names_in_the_tools_words(name, kind):
    assert event_kind(name) == kind


def test_activity_joins_the_crm_people_once_per_person():
    """Shopify's customers: Anna has two records (e-mail in two spellings), one person;
    her 2 abandoned checkouts count twice, not four times. Ben has 1 this week; the
    others none. The checkouts are keyed by e-mail, so the CRM's e-mail column joins."""
    crm, _ = read_table(VENDORS / "shopify_customers.csv")
    person = pd.Series(["anna", "ben", "chloe", "daan", "anna", "emma"],
                       index=crm.index, name="person")
    week = _features("shopify_abandoned_checkouts.csv", "2024-03-31", 7)
    table = by_person(week, crm, person, "Email")
    assert table.index.tolist() == list(pd.unique(person))
    assert table["carts_abandoned_7d"].to_dict() == {
        "anna": 2, "ben": 1, "chloe": 0, "daan": 0, "emma": 0}
    assert table.loc["anna", ["last_abandoned_product", "last_event_date"]].tolist() == [
        "Beanie", "2024-03-30"]
    assert table.loc["chloe", "last_event_date"] == ""  # her checkout is after the as-of day
