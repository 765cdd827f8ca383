"""An events file through the window's actions and through ``localreach run`` (issue 14):
the same GA4 events give every person the same carts_abandoned_7d, the behaviour is
offered as features on Segments and as merge fields on Compose, and the project's recipe
carries the file as ``[events]`` (file, options, roles).

40 Faker customers with ids 1001-1040 and 1-3 orders each, the last on 30 March 2024 (the
analysis date is the day after, as in tests/fixtures/events/README.md): 1001 abandoned 2
carts in the last 7 days and 3 in 30, 1002 one in 30 days, 1003 none (her cart of 2 April
is after the day); the other 37 have no events.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from faker_lists import contact_list

from app.actions import compose, imports, segments
from app.document import Document
from core.io import read_table
from core.recipe import load_recipe, recipe_from_project, run_recipe, save_recipe

GA4 = Path(__file__).parents[1] / "fixtures" / "events" / "ga4_events.csv"
RFM = ["recency_days", "frequency", "monetary"]


def _files(folder: Path) -> tuple[Path, Path]:
    crm, _person = contact_list("en_GB", 11, 40)
    crm.insert(0, "customer_id", [str(1001 + i) for i in range(len(crm))])
    rng = np.random.default_rng(11)
    who = np.repeat(np.arange(len(crm)), rng.integers(1, 4, len(crm)))
    days = pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 300, len(who)), unit="D")
    sales = pd.DataFrame({"order_id": [f"A{i:04d}" for i in range(len(who))],
                          "customer_id": crm["customer_id"].to_numpy()[who],
                          "order_date": days.strftime("%Y-%m-%d"),
                          "amount": [f"{a:.2f}" for a in rng.uniform(5, 120, len(who))]})
    sales.loc[0, "order_date"] = "2024-03-30"
    paths = folder / "customers.csv", folder / "orders.csv"
    crm.to_csv(paths[0], index=False)
    sales.to_csv(paths[1], index=False)
    return paths


def _window(crm_path: Path, sales_path: Path, features: list[str]) -> Document:
    doc = Document()
    imports.import_file(doc, "crm", crm_path, {}, {}).run()
    imports.import_file(doc, "sales", sales_path, {}, {}).run()
    imports.add_events(doc, GA4).run()
    # as the Segments screen stores ticked features: behaviour ones join the customer list
    segments.change_settings(doc, method="kmeans", k=3, features=features,
                             crm_columns=[f for f in features if f not in RFM])
    segments.find_groups(doc).run()
    return doc


def test_the_window_and_run_give_each_person_the_same_abandoned_carts(tmp_path):
    crm_path, sales_path = _files(tmp_path)
    features = [*RFM, "carts_abandoned_7d", "days_since_last_event"]
    doc = _window(crm_path, sales_path, features)
    window = doc.frame("crm").set_index("customer_id")
    assert window["carts_abandoned_7d"].to_dict() == {
        **{str(1001 + i): 0 for i in range(40)}, "1001": 2}
    assert window.loc[["1001", "1002", "1003"], "carts_abandoned_30d"].tolist() == [3, 1, 0]
    assert window["days_since_last_event"].isna().sum() == 37

    recipe = recipe_from_project(doc.snapshot(), name="Shop")
    assert recipe.events["file"] == str(GA4)
    assert recipe.events["roles"] == doc.roles("events")
    assert recipe.events["options"]["delimiter"] == ","
    save_recipe(recipe, tmp_path / "shop.toml")
    again, _base = load_recipe(tmp_path / "shop.toml")
    assert again.events == recipe.events
    run_recipe(again, tmp_path / "run")
    ran = read_table(tmp_path / "run" / "customers.csv")[0].set_index("customer_id")
    assert ran.index.tolist() == window.index.tolist()
    assert ran["carts_abandoned_7d"].astype(int).to_dict() == window["carts_abandoned_7d"].to_dict()
    assert ran["last_abandoned_product"].tolist() == window["last_abandoned_product"].tolist()
    assert (ran["segment"] == window["segment"].astype(str)).all()  # the behaviour fed both models


def test_behaviour_is_offered_on_segments_and_compose(tmp_path):
    crm_path, sales_path = _files(tmp_path)
    doc = Document()
    imports.import_file(doc, "crm", crm_path, {}, {}).run()
    imports.import_file(doc, "sales", sales_path, {}, {}).run()
    before = [f.key for f in segments.offered_features(doc)]
    imports.add_events(doc, GA4).run()
    offered = {f.key: f.label for f in segments.offered_features(doc) if f.key not in before}
    assert offered == {
        "sessions_7d": "Events: Visits in the last 7 days",
        "product_views_7d": "Events: Product views in the last 7 days",
        "carts_abandoned_7d": "Events: Carts left in the last 7 days",
        "sessions_30d": "Events: Visits in the last 30 days",
        "product_views_30d": "Events: Product views in the last 30 days",
        "carts_abandoned_30d": "Events: Carts left in the last 30 days",
        "days_since_last_event": "Events: Days since the last visit or event"}
    segments.find_groups(doc).run()  # the default features: behaviour is added after the groups
    fields = compose.fields(doc)[0]
    assert {"carts_abandoned_7d", "last_abandoned_product", "days_since_last_event"} <= set(fields)
    # offered once: the customer list's new columns are not offered again as its own
    assert [f.key for f in segments.offered_features(doc)].count("carts_abandoned_7d") == 1
