"""A real sales history (CDNOW: customer, date, quantity, amount -- no product, no channel,
no order id) under German headers, through Segments, Compose and Export in the window; and
a sales file alone (no customer list) through Segments and Export."""

import email
from email import policy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from app.consent import set_without_consent
from core.compose.campaign import Campaign
from core.compose.template import Template

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow_sample.txt"
SALES_ROLES = {"Kunde": "customer_id", "Datum": "order_date", "Menge": "quantity", "Betrag": "amount"}


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    """The CDNOW lines of customers 1-3999 (about 400 people), as a shop's export."""
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, dtype=str,
                      names=["Kunde", "sample", "Datum", "Menge", "Betrag"])
    return raw[raw["Kunde"].astype(int) < 4000].drop(columns="sample").reset_index(drop=True)


def _truth(lines: pd.DataFrame) -> pd.DataFrame:
    """Orders (same-day lines of one customer are one order) and spend, per customer."""
    days = lines.assign(day=pd.to_datetime(lines["Datum"]), amount=lines["Betrag"].astype(float))
    return days.groupby("Kunde").agg(orders=("day", "nunique"), spend=("amount", "sum"),
                                     last=("day", "max"))


def _wait(qtbot, window, step):
    qtbot.waitUntil(lambda: not window.jobs.is_running(step), timeout=60000)


def test_a_real_sales_history_through_segments_compose_and_export(window, qtbot, lines, tmp_path):
    doc = window.document
    ids = sorted(lines["Kunde"].unique())
    crm = pd.DataFrame({"Kundennummer": ids, "Vorname": [f"Kunde{i}" for i in range(len(ids))],
                        "E-Mail": [f"k{k}@example.org" for k in ids], "Newsletter": "ja"})
    doc.set_source("crm", crm, {"path": "kunden.csv"}, {"Kundennummer": "customer_id",
                   "Vorname": "first_name", "E-Mail": "email", "Newsletter": "consent"}, "Import")
    doc.set_source("sales", lines, {"path": "umsatz.csv"}, SALES_ROLES, "Import")
    errors = []
    for screen in window.screens.values():
        screen.show_error = errors.append
    segments = window.screens["segments"]
    window.go_to("segments")
    offered = [segments.features.item(i).text() for i in range(segments.features.count())]
    assert "Where they buy (channels)" not in offered and "What they buy (categories)" not in offered
    assert "Orders with a discount" not in offered and "Days since last order" in offered
    segments.propensity_days.setValue(90)
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None or bool(errors), timeout=60000)
    assert errors == []
    truth = _truth(lines)
    out = doc.frame("crm").set_index("Kundennummer")
    assert out["frequency"].astype(int).to_dict() == truth["orders"].to_dict()
    assert np.allclose(out["monetary"].astype(float), truth["spend"].reindex(out.index), atol=0.01)
    report = segments.result()["report"]
    assert report["buyers"] == len(ids) == len(truth)

    # the purchase forecast is checked on the last 90 days against recency alone
    as_of = truth["last"].max() + pd.Timedelta(days=1)
    cut = as_of - pd.Timedelta(days=90)
    days = pd.to_datetime(lines["Datum"])
    before = lines[days <= cut].assign(day=days[days <= cut]).groupby("Kunde")["day"].max()
    later = set(lines.loc[(days > cut) & (days <= as_of), "Kunde"])
    bought = before.index.isin(later).astype(int)
    check = report["propensity"]
    assert (check["people"], check["buyers"]) == (len(before), int(bought.sum()))
    assert check["baseline_auc"] == pytest.approx(roc_auc_score(bought, -(cut - before).dt.days))
    assert (f"ranked the buyer higher {check['auc']:.0%} of the time (recency alone: "
            f"{check['baseline_auc']:.0%}; 50% is guessing)") in \
        segments.propensity_verdict.text()
    assert out["buy_probability_90d"].between(0, 1).all()

    window.go_to("compose")
    compose = window.screens["compose"]
    doc.set_state("compose", Campaign({"A": Template("Hallo", "{{ greeting }}: {{ frequency }} "
                                                              "orders.\n")},
                                      Campaign.from_state(compose.campaign().to_state()).config
                                      ).to_state(), "Write")
    compose.run_check()
    qtbot.waitUntil(lambda: compose.checks is not None or bool(errors), timeout=60000)
    assert errors == [] and compose.checks[0].text == f"{len(ids)} messages will be written."
    window.go_to("export")
    _wait(qtbot, window, "export")
    export = window.screens["export"]
    assert export.plan_label.text() == f"Will write {len(ids)} messages."
    export.folder.setText(str(tmp_path / "out"))
    export.export_button.click()
    qtbot.waitUntil(lambda: doc.state("export") is not None or bool(errors), timeout=60000)
    assert errors == []
    bodies = {}
    for path in (tmp_path / "out").glob("*.eml"):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        bodies[msg["To"]] = msg.get_content()
    assert len(bodies) == len(ids)
    assert bodies["k00004@example.org"] == f"Dear Kunde0: {truth.loc['00004', 'orders']} orders.\n"


def test_a_sales_file_alone_reaches_segments_and_export(window, qtbot, lines, tmp_path):
    doc = window.document
    sales = lines.assign(**{"E-Mail": "k" + lines["Kunde"] + "@example.org"}).drop(columns="Kunde")
    doc.set_source("sales", sales, {"path": "umsatz.csv"},
                   {"E-Mail": "email", **{c: r for c, r in SALES_ROLES.items() if c != "Kunde"}},
                   "Import")
    errors = []
    for screen in window.screens.values():
        screen.show_error = errors.append
    segments = window.screens["segments"]
    window.go_to("segments")
    assert segments.waiting_for() is None
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None or bool(errors), timeout=60000)
    assert errors == []
    people = sales["E-Mail"].nunique()
    assert len(doc.frame("crm")) == people == segments.result()["report"]["buyers"]
    set_without_consent(doc, True)  # a sales file has no consent column: a legal basis is recorded
    window.go_to("compose")
    compose = window.screens["compose"]
    compose.commit()
    window.go_to("export")
    _wait(qtbot, window, "export")
    export = window.screens["export"]
    assert export.plan_label.text() == f"Will write {people} messages."
    export.folder.setText(str(tmp_path / "out"))
    export.export_button.click()
    qtbot.waitUntil(lambda: doc.state("export") is not None, timeout=60000)
    assert len(list((tmp_path / "out").glob("*.eml"))) == people
    assert doc.state("export")["summary"] == {"written": people, "left_out": 0, "reasons": {}}
