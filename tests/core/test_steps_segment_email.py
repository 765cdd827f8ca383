"""Segment links sales lines to customers by e-mail when the files name their e-mail
columns differently: the roles say which columns hold the address, not the headers."""

from __future__ import annotations

import pandas as pd
import pytest

from app.cli import main
from core.errors import ColumnError
from core.io import read_table
from core.steps.registry import step

CRM = pd.DataFrame({
    "Kundennummer": ["K1", "K2", "K3", "K4"],
    "Vorname": ["Anna", "Bernd", "Clara", "Dieter"],
    "E-Mail-Adresse": ["anna@example.de", "Bernd.Mueller@example.de", "clara@example.de",
                       "dieter@example.de"],
})
# No customer number: the webshop's export knows its buyers by their address, written
# with other capitals and spaces; one line's buyer is nobody in the list.
SALES = pd.DataFrame({
    "Mail": ["ANNA@example.de", " anna@example.de", "bernd.mueller@example.de",
             "clara@example.de ", "unknown@example.de"],
    "Bestelldatum": ["2024-01-03", "2024-02-15", "2024-03-20", "2024-06-01", "2024-07-01"],
    "Betrag": ["10.00", "20.00", "7.50", "30.00", "99.00"],
})


def _spend(out: pd.DataFrame, id_column: str) -> dict[str, float]:
    return dict(zip(out[id_column], pd.to_numeric(out["monetary"]).fillna(0), strict=True))


def test_the_segment_command_links_by_email_under_other_headers(tmp_path, capsys):
    CRM.to_csv(tmp_path / "kunden.csv", index=False)
    SALES.to_csv(tmp_path / "shop.csv", index=False)
    assert main(["segment", str(tmp_path / "kunden.csv"), "--sales", str(tmp_path / "shop.csv"),
                 "-o", str(tmp_path / "s.csv")]) == 0
    out, _ = read_table(tmp_path / "s.csv")
    assert _spend(out, "Kundennummer") == {"K1": 30.0, "K2": 7.5, "K3": 30.0, "K4": 0.0}
    assert pd.to_numeric(out["frequency"]).fillna(0).tolist() == [2, 1, 1, 0]
    printed = capsys.readouterr().out
    assert printed.startswith("4 people, 3 with orders.")
    assert "1 sales line matched no customer." in printed


def test_roles_decide_which_columns_are_the_email():
    crm = CRM.rename(columns={"E-Mail-Adresse": "Kontakt"})
    sales = SALES.rename(columns={"Mail": "Käufer"})
    roles = {"crm": {"Kundennummer": "customer_id", "Vorname": "first_name", "Kontakt": "email"},
             "sales": {"Käufer": "email", "Bestelldatum": "order_date", "Betrag": "amount"}}
    segment = step("segment")
    frames, report = segment.run({"crm": crm, "sales": sales}, roles, segment.config(), None)
    assert _spend(frames["crm"], "Kundennummer") == {"K1": 30.0, "K2": 7.5, "K3": 30.0, "K4": 0.0}
    assert (report.counts["people"], report.counts["buyers"]) == (4, 3)
    # Without an e-mail role on the customer list there is nothing to link by: the
    # error names the role to mark.
    del roles["crm"]["Kontakt"]
    with pytest.raises(ColumnError, match="mark one column as Customer id"):
        segment.run({"crm": crm, "sales": sales}, roles, segment.config(), None)
