"""Every step command and `localreach run` on files whose headers are not the demo's.

German headers (Vorname, Nachname, E-Mail-Adresse, PLZ, Ort, Kundennummer; Bestellnummer,
Bestelldatum, Betrag, Rabatt), day-first dates and decimal commas, a yes/no discount flag,
several lines per order, and a sales history of dates, quantities and amounts only.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from app.cli import main
from core.io import read_table

CRM = pd.DataFrame({
    "Kundennummer": ["K1", "K2", "K3", "K4", "K5", "K6"],
    "Vorname": ["Anna", "Anna", "Bernd", "Clara", "Dieter", "Eva"],
    "Nachname": ["Schmidt", "Schmidt", "Müller", "Weber", "Fischer", "Wagner"],
    "E-Mail-Adresse": ["anna.schmidt@example.de", "anna.schmidt@example.de", "bernd.mueller@example.de",
                       "clara.weber@example.de", "dieter.f@example.de", "eva.w@example.de"],
    "PLZ": ["10115", "10115", "80331", "50667", "20095", "60311"],
    "Ort": ["Berlin", "Berlin", "München", "Köln", "Hamburg", "Frankfurt"],
})
# Orders B1 and B5 have two lines each: 6 orders on 8 lines; B1 and B4 had a discount.
SALES = pd.DataFrame({
    "Bestellnummer": ["B1", "B1", "B2", "B3", "B4", "B5", "B5", "B6"],
    "Kundennummer": ["K1", "K1", "K2", "K3", "K3", "K4", "K4", "K5"],
    "Bestelldatum": ["03.01.2024", "03.01.2024", "15.02.2024", "20.03.2024", "01.06.2024",
                     "11.07.2024", "11.07.2024", "30.08.2024"],
    "Betrag": ["10,50", "5,00", "20,00", "7,25", "30,00", "12,00", "8,00", "40,00"],
    "Rabatt": ["ja", "ja", "nein", "nein", "ja", "nein", "nein", "nein"],
})
# A till's history: customer, day, quantity, amount; two lines of K3 on one day are one basket.
PLAIN = pd.DataFrame({
    "Kundennummer": ["K1", "K3", "K3", "K3", "K5"],
    "Datum": ["2024-01-03", "2024-03-20", "2024-03-20", "2024-06-01", "2024-08-30"],
    "Menge": ["1", "2", "1", "3", "1"],
    "Umsatz": ["10.00", "7.25", "3.00", "30.00", "40.00"],
})
TEMPLATE = "Subject: Hallo {{ first_name }}\n\nHallo {{ first_name }} in {{ city }}, Gruppe {{ segment }}.\n"


@pytest.fixture
def files(tmp_path):
    CRM.to_csv(tmp_path / "kunden.csv", index=False)
    SALES.to_csv(tmp_path / "bestellungen.csv", index=False)
    PLAIN.to_csv(tmp_path / "kasse.csv", index=False)
    (tmp_path / "brief.txt").write_text(TEMPLATE, encoding="utf-8")
    return tmp_path


def _run(*argv) -> None:
    assert main([str(a) for a in argv]) == 0


def _orders(segmented: pd.DataFrame) -> dict[str, float]:
    return dict(zip(segmented["Kundennummer"], pd.to_numeric(segmented["frequency"]).fillna(0), strict=True))


def test_clean_reads_german_dates_and_amounts(files, capsys):
    _run("clean", files / "bestellungen.csv", "-o", files / "clean.csv", "--region", "DE")
    out, _ = read_table(files / "clean.csv")
    assert out["Bestelldatum"].tolist()[:3] == ["2024-01-03", "2024-01-03", "2024-02-15"]
    assert out["Betrag"].tolist()[:2] == ["10.50", "5.00"]


def test_dedupe_link_segment_personas_merge_by_role(files, capsys):
    _run("dedupe", files / "kunden.csv", "-o", files / "d.csv", "--region", "DE")
    deduped, _ = read_table(files / "d.csv")
    assert deduped["cluster_id"].nunique() == 5  # K1 and K2 are one person
    assert deduped.loc[0, "cluster_id"] == deduped.loc[1, "cluster_id"]
    _run("link", files / "d.csv", files / "bestellungen.csv", "-o", files / "l.csv")
    linked, _ = read_table(files / "l.csv")
    assert linked["matched_id"].tolist() == SALES["Kundennummer"].tolist()
    capsys.readouterr()
    _run("segment", files / "d.csv", "--sales", files / "l.csv", "-o", files / "s.csv")
    segmented, _ = read_table(files / "s.csv")
    # orders, not lines: Anna's two records are one person with B1 (two lines) and B2
    assert _orders(segmented) == {"K1": 2, "K2": 2, "K3": 2, "K4": 1, "K5": 1, "K6": 0}
    assert capsys.readouterr().out.startswith("5 people, 4 with orders.")
    _run("personas", files / "s.csv", "--sales", files / "l.csv", "-o", files / "p.json")
    cards = json.loads((files / "p.json").read_text(encoding="utf-8"))["personas"]
    assert sum(c["people"] for c in cards) == 5
    assert cards[0]["base"]["discount_share"] == pytest.approx(2 / 6)  # B1 and B4 of 6 orders
    _run("merge", files / "s.csv", "--template", files / "brief.txt", "-o", files / "m",
         "--format", "csv", "--consent", "none=allow")
    merged, _ = read_table(files / "m" / "merge.csv")
    assert len(merged) == 5  # one message per person
    assert "Hallo Bernd in München" in " ".join(merged.astype(str).to_numpy().ravel())


def test_a_sales_history_of_dates_quantities_and_amounts_segments(files, capsys):
    _run("segment", files / "kunden.csv", "--sales", files / "kasse.csv", "-o", files / "s.csv")
    segmented, _ = read_table(files / "s.csv")
    assert _orders(segmented) == {"K1": 1, "K2": 0, "K3": 2, "K4": 0, "K5": 1, "K6": 0}
    assert pd.to_numeric(segmented["monetary"]).fillna(0).tolist() == [10.0, 0, 40.25, 0, 40.0, 0]
    assert capsys.readouterr().out.startswith("6 people, 3 with orders.")


def test_pseudonymize_finds_german_contact_columns(files, monkeypatch, capsys):
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", "a long passphrase")
    _run("pseudonymize", files / "kunden.csv", "-o", files / "p.csv", "--key-file", files / "k.lrkey",
         "--region", "DE")
    out, _ = read_table(files / "p.csv")
    assert not set(out["E-Mail-Adresse"]) & set(CRM["E-Mail-Adresse"])
    assert len(out) == 6 and out["Kundennummer"].tolist() == CRM["Kundennummer"].tolist()


def test_a_recipe_with_german_roles_runs(files):
    (files / "r.toml").write_text(
        '[crm]\nfile = "kunden.csv"\n[sales]\nfile = "bestellungen.csv"\n'
        '[sales.roles]\nBestelldatum = "order_date"\nBetrag = "amount"\nRabatt = "discount"\n'
        '[steps.clean]\n[steps.dedupe]\n[steps.link]\n[steps.segment]\n[steps.personas]\n'
        '[steps.merge]\ntemplate = "brief.txt"\nconsent = { without_consent = true }\n',
        encoding="utf-8")
    _run("run", files / "r.toml", "-o", files / "out", "--region", "DE")
    report = json.loads((files / "out" / "run.json").read_text(encoding="utf-8"))
    status = {s["step"]: (s["status"], s["note"]) for s in report["steps"]}
    assert [s["step"] for s in report["steps"]] == ["import", "clean", "dedupe", "link",
                                                    "pseudonymize", "segment", "personas", "merge"]
    assert status["dedupe"] == ("done", "6 records are 5 people; 0 to review")
    assert status["link"] == ("done", "8 of 8 sales lines linked")
    assert status["merge"][1].startswith("5 messages")
    customers, _ = read_table(files / "out" / "customers.csv")
    assert _orders(customers) == {"K1": 2, "K2": 2, "K3": 2, "K4": 1, "K5": 1, "K6": 0}
    cards = json.loads((files / "out" / "personas.json").read_text(encoding="utf-8"))["personas"]
    assert cards[0]["base"]["discount_share"] == pytest.approx(2 / 6)


def test_a_recipe_typo_is_one_line_naming_threshold(files, capsys):
    (files / "r.toml").write_text('[crm]\nfile = "kunden.csv"\n[steps.dedupe]\ntreshold = 0.8\n',
                                  encoding="utf-8")
    assert main(["run", str(files / "r.toml"), "-o", str(files / "out")]) == 2
    assert capsys.readouterr().err == (
        "localreach run: [steps.dedupe]: unknown setting 'treshold'; did you mean 'threshold'?\n")
    assert not (files / "out").exists()
