"""`localreach run` on a recipe and the step commands one after another (clean -> dedupe
-> segment) on the same German-header files give the same people and the same groups:
both go through the one step registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from app.cli import main
from core.io import read_table


def german_files(seed: int, people: int = 80) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A Kunden list with a few customers twice (a typo, another spelling of the e-mail)
    and Bestellungen with day-first dates and decimal commas."""
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(people):
        first, last = fake.first_name(), fake.last_name()
        rows.append({"Kundennummer": f"K{k + 1:03d}", "Vorname": first, "Nachname": last,
                     "E-Mail-Adresse": f"{first.lower()}.{last.lower()}{k}@example.de".replace(" ", ""),
                     "Telefon": fake.phone_number(), "Straße": fake.street_address(),
                     "PLZ": fake.postcode(), "Ort": fake.city(),
                     "Geburtsdatum": fake.date_of_birth(minimum_age=18).strftime("%d.%m.%Y")})
    for k, i in enumerate(rng.choice(people, 8, replace=False)):
        twin = dict(rows[i], Kundennummer=f"K{people + k + 1:03d}")
        twin["Vorname"] = twin["Vorname"][:-1] if k % 2 else twin["Vorname"].upper()
        twin["E-Mail-Adresse"] = twin["E-Mail-Adresse"].upper() if k % 3 else ""
        rows.append(twin)
    crm = pd.DataFrame(rows)
    n = 240
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 360, n), unit="D")
    sales = pd.DataFrame({"Bestellnummer": [f"B{k:04d}" for k in range(n)],
                          "Kundennummer": rng.choice(crm["Kundennummer"], n),
                          "Bestelldatum": days.strftime("%d.%m.%Y"),
                          "Betrag": [f"{a:.2f}".replace(".", ",") for a in rng.uniform(5, 300, n)]})
    return crm, sales


@pytest.mark.parametrize("seed", [0, 1])
def test_run_and_step_commands_find_the_same_people_and_groups(tmp_path, seed):
    crm, sales = german_files(seed)
    crm.to_csv(tmp_path / "kunden.csv", index=False)
    sales.to_csv(tmp_path / "bestellungen.csv", index=False)
    (tmp_path / "r.toml").write_text(
        'region = "DE"\n[crm]\nfile = "kunden.csv"\n[sales]\nfile = "bestellungen.csv"\n'
        '[steps.clean]\n[steps.dedupe]\n[steps.segment]\nmethod = "rfm"\n', encoding="utf-8")
    assert main(["run", str(tmp_path / "r.toml"), "-o", str(tmp_path / "out")]) == 0
    run, _ = read_table(tmp_path / "out" / "customers.csv")

    def command(*argv) -> None:
        assert main([str(a) for a in argv]) == 0

    command("clean", tmp_path / "kunden.csv", "-o", tmp_path / "k.csv", "--region", "DE")
    command("clean", tmp_path / "bestellungen.csv", "-o", tmp_path / "b.csv", "--region", "DE")
    command("dedupe", tmp_path / "k.csv", "-o", tmp_path / "d.csv", "--region", "DE")
    command("segment", tmp_path / "d.csv", "--sales", tmp_path / "b.csv", "-o", tmp_path / "s.csv",
            "--method", "rfm")
    steps, _ = read_table(tmp_path / "s.csv")

    assert run["Kundennummer"].tolist() == steps["Kundennummer"].tolist()
    assert run["cluster_id"].tolist() == steps["cluster_id"].tolist()
    assert run["cluster_id"].nunique() <= len(crm) - 6  # most of the 8 twins were found
    for column in ("segment", "rfm_score", "frequency", "monetary"):
        assert run[column].tolist() == steps[column].tolist(), column
    assert run["Geburtsdatum"].tolist() == steps["Geburtsdatum"].tolist()  # cleaned alike
    assert run["segment"].nunique() >= 4
