"""`localreach segment` straight on a CRM's contacts and deals exports: the deals carry
the contact's id under the tool's own header (Salesforce's `Contact ID`) and no e-mail,
so the lines find their customer by the column the profile marks as customer id (it
stopped with "needs a customer id" though both files marked one)."""

from pathlib import Path

from app.cli import main
from core.io import read_table

VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"


def test_salesforce_opportunities_find_their_contacts_by_contact_id(tmp_path):
    out = tmp_path / "segmented.csv"
    assert main(["segment", str(VENDORS / "salesforce_contacts.csv"),
                 "--sales", str(VENDORS / "salesforce_opportunities.csv"), "-o", str(out)]) == 0
    people = read_table(out)[0].set_index("Contact ID")
    spend = people["monetary"].replace("", "0").astype(float)
    assert spend.to_dict() == {"0035g00000AbCdE01": 12000.0, "0035g00000AbCdE02": 0.0,
                               "0035g00000AbCdE03": 8500.0, "0035g00000AbCdE04": 3000.0}
    assert spend.sum() == 23500.0  # the 3 Closed Won; the lost and the open deal set aside


def test_a_contacts_export_without_ids_is_keyed_by_e_mail(tmp_path):
    """Google Contacts has no id column: segment stopped with "needs a customer id",
    though the sales lines name their buyers by e-mail (as the window links them)."""
    sales = tmp_path / "orders.csv"
    sales.write_text("Email,Date,Total\nSam.Taylor@example.com,2024-05-02,30.00\n"
                     "uwe.lange@example.de,2024-05-03,12.50\nsam.taylor@example.com,2024-06-01,20.00\n",
                     encoding="utf-8")
    out = tmp_path / "segmented.csv"
    assert main(["segment", str(VENDORS / "google_contacts.csv"), "--sales", str(sales),
                 "-o", str(out), "--as-of", "2024-07-01"]) == 0
    people = read_table(out)[0].set_index("E-mail 1 - Value")
    assert people["frequency"].replace("", "0").astype(float).to_dict() == {
        "sam.taylor@example.com": 2.0, "tina@vogel-design.example": 0.0, "uwe.lange@example.de": 1.0}
    assert people["monetary"].replace("", "0").astype(float).sum() == 62.5
