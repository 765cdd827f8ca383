"""An events file through the pipeline: the segment step puts each person's behaviour on
the people table (once per person), a merge rule reads it, and the commands and a
recipe carry it. Figures worked out by hand in tests/fixtures/events/README.md (as of
2024-03-31: GA4 customer 1001 abandoned 2 carts in the last 7 days, 3 in 30)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from app.cli import main
from app.commands._common import roles_of
from core.errors import LocalReachError
from core.io import read_table
from core.recipe import load_recipe
from core.steps.activity import events_roles
from core.steps.registry import step

FIXTURES = Path(__file__).parents[1] / "fixtures"
EVENTS = FIXTURES / "events"
VENDORS = FIXTURES / "vendors"

# 1001 and 1004 are one person (cluster P1): 1004's row carries 1001's behaviour.
CRM = pd.DataFrame({
    "customer_id": ["1001", "1002", "1003", "1004", "1005"],
    "first_name": ["Anna", "Ben", "Chloé", "Anna", "Emma"],
    "email": ["anna@example.de", "ben@example.co.uk", "chloe@example.fr", "anna.s@example.de",
              "emma@example.com.au"],
    "cluster_id": ["P1", "P2", "P3", "P1", "P5"],
})
# The last order is on 30 March: the analysis date is the day after, 2024-03-31.
SALES = pd.DataFrame({
    "order_id": ["A1", "A2", "A3", "A4", "A5"],
    "customer_id": ["1001", "1004", "1002", "1003", "1005"],
    "order_date": ["2024-01-10", "2024-03-30", "2024-02-14", "2024-03-01", "2023-12-01"],
    "amount": ["40.00", "24.00", "19.00", "55.00", "12.50"],
})
REMINDER = {"name": "reminder", "otherwise": "",
            "rules": [{"field": "carts_abandoned_7d", "op": ">=", "value": "1",
                       "text": "You left {{ last_abandoned_product }} in your basket."}]}
TEMPLATE = "Subject: Hello {{ first_name }}\n\nDear {{ first_name }},\n{{ reminder }}\nSee you soon.\n"


def _segment(events_file: str | None, **settings):
    frames = {"crm": CRM, "sales": SALES}
    roles = {"crm": roles_of(CRM), "sales": roles_of(SALES)}
    if events_file:
        frames["events"], _ = read_table(EVENTS / events_file)
        roles["events"] = events_roles(frames["events"])
    segment = step("segment")
    return segment.run(frames, roles, segment.config(settings), None)


def test_ga4_behaviour_lands_on_each_person_once():
    frames, report = _segment("ga4_events.csv")
    out = frames["crm"].set_index("customer_id")
    columns = ["sessions_7d", "product_views_7d", "carts_abandoned_7d",
               "sessions_30d", "product_views_30d", "carts_abandoned_30d"]
    assert out[columns].to_dict("index") == {
        "1001": dict(zip(columns, [3, 4, 2, 4, 4, 3], strict=True)),
        "1002": dict(zip(columns, [0, 0, 0, 1, 1, 1], strict=True)),
        "1003": dict(zip(columns, [1, 2, 0, 1, 2, 0], strict=True)),
        "1004": dict(zip(columns, [3, 4, 2, 4, 4, 3], strict=True)),  # 1001's person
        "1005": dict(zip(columns, [0] * 6, strict=True)),
    }
    assert out["last_abandoned_product"].tolist() == ["Beanie", "Beanie", "", "Beanie", ""]
    assert out["last_event_date"].tolist() == ["2024-03-30", "2024-03-20", "2024-03-31",
                                               "2024-03-30", ""]
    assert out["days_since_last_event"].tolist()[:4] == [1, 11, 0, 1]
    assert pd.isna(out.loc["1005", "days_since_last_event"])
    assert report.details["as_of"] == "2024-03-31"
    assert report.details["activity"] == [
        "Behaviour of 3 customer(s) over the last 30 days.",
        "Event rows set aside: 2 after the as-of day, 3 without a customer key.",
        "3 people of the customer list have events."]
    assert {k: report.counts[k] for k in ("event_customers", "people_with_events",
                                          "event_rows_set_aside")} == {
        "event_customers": 3, "people_with_events": 3, "event_rows_set_aside": 5}
    assert report.note.endswith("; 3 people of the customer list have events")


def test_behaviour_is_no_feature_unless_asked_for():
    without, _ = _segment(None, method="rfm")
    with_events, report = _segment("ga4_events.csv", method="rfm")
    assert with_events["crm"]["segment"].tolist() == without["crm"]["segment"].tolist()
    assert "carts_abandoned_7d" not in report.details["config"].features
    _, asked = _segment("ga4_events.csv", method="rfm",
                        features=["recency_days", "monetary", "carts_abandoned_7d"])
    assert asked.details["config"].features == ["recency_days", "monetary", "carts_abandoned_7d"]
    assert asked.details["config"].crm_columns == ["carts_abandoned_7d"]
    with pytest.raises(LocalReachError, match="gives no 'product_views_14d'"):
        _segment("ga4_events.csv", features=["recency_days", "product_views_14d"])


def test_a_merge_rule_on_abandoned_carts_renders_the_reminder(tmp_path):
    frames, _ = _segment("ga4_events.csv", activity_days=[7])
    (tmp_path / "t.txt").write_text(TEMPLATE, encoding="utf-8")
    merge = step("merge")
    config = merge.config({"template": "t.txt", "blocks": [REMINDER],
                           "consent": {"without_consent": True}})
    from core.steps.base import StepContext

    ctx = StepContext(base=tmp_path)
    merge.run(frames, {"crm": roles_of(frames["crm"])}, config, ctx)
    ids = frames["crm"]["customer_id"]
    bodies = {ids[m.row]: m.text for m in ctx.shared["merge_result"].messages}
    assert bodies["1001"] == "Dear Anna,\nYou left Beanie in your basket.\nSee you soon.\n"
    # 1002 left a Beanie on 20 March: in the last 30 days, not the last 7
    assert bodies["1002"] == "Dear Ben,\n\nSee you soon.\n"
    assert bodies["1003"] == "Dear Chloé,\n\nSee you soon.\n"


def test_segment_and_merge_commands_on_a_shopify_shop(tmp_path, capsys):
    out = tmp_path / "segmented.csv"
    assert main(["segment", str(VENDORS / "shopify_customers.csv"),
                 "--sales", str(VENDORS / "shopify_orders.csv"),
                 "--events", str(EVENTS / "shopify_abandoned_checkouts.csv"),
                 "--activity-days", "7,30", "-o", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-5:] == [
        "4 order(s) from 13 line(s) count as spend.",
        "Set aside as no spend: 1 cancelled (1 line(s)), 1 pending (2 line(s)), "
        "1 refunded (1 line(s)), 1 voided (1 line(s)).",
        "Behaviour of 2 customer(s) over the last 30 days.",
        "Event rows set aside: 1 after the as-of day.",
        "2 people of the customer list have events."]
    segmented, _ = read_table(out)
    by_email = segmented.set_index("Email")
    assert by_email.loc["anna.schmidt@example.de", ["carts_abandoned_7d", "carts_abandoned_30d",
                                                    "last_abandoned_product"]].tolist() == ["2", "2", "Beanie"]
    assert by_email.loc["ben.okafor@example.co.uk", ["carts_abandoned_7d", "carts_abandoned_30d",
                                                     "last_abandoned_product"]].tolist() == ["1", "2", "Wool Scarf"]
    assert by_email.loc["chloe.martin@example.fr", "carts_abandoned_30d"] == "0"  # after as-of
    (tmp_path / "t.txt").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(
        '[[blocks]]\nname = "reminder"\notherwise = ""\n[[blocks.rules]]\n'
        'field = "carts_abandoned_7d"\nop = ">="\nvalue = "1"\n'
        'text = "You left {{ last_abandoned_product }} in your basket."\n', encoding="utf-8")
    assert main(["merge", str(out), "--template", str(tmp_path / "t.txt"), "--rules",
                 str(tmp_path / "rules.toml"), "-o", str(tmp_path / "mail"), "--format", "csv"]) == 0
    mail, _ = read_table(tmp_path / "mail" / "merge.csv")
    bodies = dict(zip(mail["email"], mail["body"], strict=True))
    assert bodies["anna.schmidt@example.de"] == "Dear Anna,\nYou left Beanie in your basket.\nSee you soon.\n"
    assert bodies["chloe.martin@example.fr"] == "Dear Chloé,\n\nSee you soon.\n"
    assert "ben.okafor@example.co.uk" not in bodies  # said no to e-mail marketing


def test_profile_names_the_events_format_and_roles(capsys):
    assert main(["profile", str(EVENTS / "ga4_events.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "This looks like a Google Analytics 4 BigQuery events export (flattened)."
    roles = {line.split()[0]: line.split()[1] for line in lines[3:14]}
    assert roles == {"event_date": "other", "event_timestamp": "time", "event_name": "event",
                     "user_pseudo_id": "other", "user_id": "customer_id",
                     "ga_session_id": "session", "page_location": "other", "item_id": "other",
                     "item_name": "product", "geo_country": "other", "device_category": "other"}
    assert main(["profile", str(EVENTS / "shopify_abandoned_checkouts.csv"), "--json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert events["format"] == "shopify_abandoned_checkouts"
    assert events["roles"] == {"checkout": ["id"], "email": ["email"], "time": ["created_at"],
                               "completed": ["completed_at"], "customer_id": ["customer_id"],
                               "product": ["line_items_title"]}


def _recipe(tmp_path, events: str) -> Path:
    CRM.drop(columns="cluster_id").to_csv(tmp_path / "crm.csv", index=False)
    SALES.to_csv(tmp_path / "sales.csv", index=False)
    path = tmp_path / "r.toml"
    path.write_text('[crm]\nfile = "crm.csv"\n[sales]\nfile = "sales.csv"\n' + events
                    + '[steps.segment]\nactivity_days = [7]\n', encoding="utf-8")
    return path


def test_a_recipe_with_an_events_file_you_name_the_roles_of(tmp_path, capsys):
    # A home-made events log: German headers no format knows, roles declared in the recipe.
    ga4, _ = read_table(EVENTS / "ga4_events.csv")
    ga4 = ga4.rename(columns={"user_id": "Kunde", "event_timestamp": "Zeitpunkt",
                              "event_name": "Aktion", "ga_session_id": "Sitzung",
                              "item_name": "Artikel"})
    ga4[["Kunde", "Zeitpunkt", "Aktion", "Sitzung", "Artikel"]].to_csv(tmp_path / "log.csv", index=False)
    recipe = _recipe(tmp_path, '[events]\nfile = "log.csv"\n[events.roles]\nKunde = "customer_id"\n'
                     'Zeitpunkt = "time"\nAktion = "event"\nSitzung = "session"\nArtikel = "product"\n')
    assert main(["run", str(recipe), "-o", str(tmp_path / "out")]) == 0
    customers, _ = read_table(tmp_path / "out" / "customers.csv")
    assert customers["carts_abandoned_7d"].tolist() == ["2", "0", "0", "0", "0"]
    assert customers["sessions_7d"].tolist() == ["3", "0", "1", "0", "0"]
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    segment = next(s for s in run["steps"] if s["step"] == "segment")
    assert segment["note"].endswith("; 3 people of the customer list have events")
    # next month's events file instead of the recipe's: Matomo's visits log, by userId
    # (none of these customers): nobody has events
    assert main(["run", str(recipe), "-o", str(tmp_path / "out2"),
                 "--events", str(EVENTS / "matomo_visits_log.csv")]) == 0
    customers, _ = read_table(tmp_path / "out2" / "customers.csv")
    assert customers["carts_abandoned_7d"].tolist() == ["0"] * 5


def test_a_recipe_events_role_that_does_not_exist_is_one_line(tmp_path):
    recipe = _recipe(tmp_path, '[events]\nfile = "log.csv"\n[events.roles]\nZeit = "tiem"\n')
    with pytest.raises(LocalReachError, match=r"\[events\].roles: 'Zeit' has no role 'tiem'; did you mean 'time'\?"):
        load_recipe(recipe)


def test_found_groups_change_only_when_a_behaviour_feature_is_asked_for():
    ids = [str(1001 + i) for i in range(12)]
    crm = pd.DataFrame({"customer_id": ids, "email": [f"c{i}@example.de" for i in ids]})
    sales = pd.DataFrame({"customer_id": ids * 2,
                          "order_date": [f"2024-0{1 + i % 3}-{10 + i:02d}" for i in range(24)],
                          "amount": [f"{10 + 3 * i}.00" for i in range(24)]})
    events, _ = read_table(EVENTS / "ga4_events.csv")
    roles = {"crm": roles_of(crm), "sales": roles_of(sales), "events": events_roles(events)}
    segment = step("segment")

    def groups(frames, **settings):
        out, _ = segment.run(frames, roles, segment.config({"method": "kmeans", "k": 3, **settings}), None)
        return out["crm"]["segment"].tolist()

    plain = groups({"crm": crm, "sales": sales})
    assert groups({"crm": crm, "sales": sales, "events": events}) == plain
    rfm = ["recency_days", "frequency", "monetary"]
    # 1001, the only one with abandoned carts, gets a group of their own
    asked = groups({"crm": crm, "sales": sales, "events": events}, features=[*rfm, "carts_abandoned_7d"])
    assert asked.count(asked[0]) == 1
    without = groups({"crm": crm, "sales": sales, "events": events}, features=rfm)
    assert without.count(without[0]) > 1


def test_pseudonymised_people_keep_their_behaviour(tmp_path):
    # Shopify's checkouts know Ben (a guest) by e-mail only: after the privacy step the
    # list's e-mails are tokens, and the events' e-mails get the same tokens.
    from core.recipe import Recipe, run_recipe

    recipe = Recipe(crm={"file": str(VENDORS / "shopify_customers.csv")},
                    sales={"file": str(VENDORS / "shopify_orders.csv")},
                    events={"file": str(EVENTS / "shopify_abandoned_checkouts.csv")},
                    steps={"link": {}, "pseudonymize": {}, "segment": {}})
    run_recipe(recipe, tmp_path / "out", key=b"k" * 32)
    customers, _ = read_table(tmp_path / "out" / "customers.csv")
    assert customers["Email"].str.startswith("email_").all()
    assert customers["carts_abandoned_7d"].tolist() == ["2", "1", "0", "0", "0", "0"]
    assert customers["last_abandoned_product"].tolist()[:2] == ["Beanie", "Wool Scarf"]


def test_matomo_visits_as_of_a_day_you_give(tmp_path, capsys):
    crm = pd.DataFrame({"customer_id": ["501", "502", "503"], "email": ["m@example.de", "n@example.de",
                                                                         "o@example.de"]})
    sales = pd.DataFrame({"customer_id": ["501", "502", "503"], "order_date": ["2024-03-29"] * 3,
                          "amount": ["19.00", "8.00", "30.00"]})
    crm.to_csv(tmp_path / "crm.csv", index=False)
    sales.to_csv(tmp_path / "sales.csv", index=False)
    base = ["segment", str(tmp_path / "crm.csv"), "--sales", str(tmp_path / "sales.csv"),
            "--as-of", "2024-03-31", "-o", str(tmp_path / "s.csv")]
    assert main([*base, "--events", str(EVENTS / "matomo_visits_log.csv")]) == 0
    out, _ = read_table(tmp_path / "s.csv")
    columns = ["sessions_7d", "product_views_7d", "carts_abandoned_7d", "sessions_30d",
               "product_views_30d", "carts_abandoned_30d", "last_abandoned_product", "last_event_date"]
    assert out[columns].values.tolist() == [
        ["3", "4", "2", "4", "5", "3", "Mittens", "2024-03-30"],
        ["2", "2", "0", "2", "2", "0", "", "2024-03-31"],
        ["0", "0", "0", "0", "0", "0", "", ""]]  # 503's visit of 1 April is after the day
    # a sales file given as the events file: what an events file needs, in one line
    assert main([*base, "--events", str(tmp_path / "sales.csv")]) == 2
    assert "The events file needs a time, a customer id or e-mail and an event column" in capsys.readouterr().err
