"""Word letters from the window follow the project's country: a letter abroad ends with the
country's name, one at home (or without a country of its own) has none, and the pre-export
check counts exactly the people the letters go to (a complete postal address)."""

import docx
import pandas as pd

from app.actions import export as export_actions
from app.document import Document
from app.region import set_document_region
from core.compose.campaign import Campaign
from core.compose.template import Template

CRM = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4"],
    "first_name": ["Ann", "Bob", "Cy", "Di"],
    "last_name": ["Lee", "Roux", "Kay", "Moor"],
    "email": ["ann@example.org", "bob@example.org", "cy@example.org", "di@example.org"],
    "street": ["1 High St", "2 rue Haute", "3 Low Rd", ""],
    "city": ["York", "Lyon", "Leeds", "Bath"],
    "postcode": ["YO1 7HH", "69001", "LS1 4AP", "BA1 1AA"],
    "country": ["GB", "FR", "", "GB"],
})
ROLES = {c: c for c in ("customer_id", "first_name", "last_name", "email", "street", "city",
                        "postcode", "country")}


def _document(region: str) -> Document:
    doc = Document()
    doc.set_frame("crm", CRM, "Import", roles=ROLES)
    doc.set_state("consent", {"without_consent": True, "polarity": {}, "channel": "email"},
                  "Legal basis")
    campaign = Campaign({"A": Template("Hello", "Dear {{ first_name }}\n")})
    doc.set_state("compose", campaign.to_state(), "Compose")
    set_document_region(doc, region)
    return doc


def test_letters_follow_the_projects_country(qtbot, tmp_path):
    doc = _document("GB")
    check = export_actions.pre_export_check(doc, "docx").run()
    assert check["summary"]["written"] == 3  # Di has no street: no letter
    names = export_actions.export(doc, str(tmp_path / "out"), "docx").run()["names"]
    assert "letters.docx" in names
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "out" / "letters.docx")).paragraphs]
    assert "Ann Lee" in paragraphs and "Bob Roux" in paragraphs and "Cy Kay" in paragraphs
    assert "Di Moor" not in paragraphs
    assert paragraphs.count("FRANCE") == 1  # Bob, abroad
    assert "UNITED KINGDOM" not in paragraphs  # Ann and Cy are at home
    at = paragraphs.index("Bob Roux")
    assert paragraphs[at:at + 4] == ["Bob Roux", "2 rue Haute", "69001 Lyon", "FRANCE"]


def test_a_french_project_puts_the_country_on_the_british_letters(qtbot, tmp_path):
    doc = _document("FR")
    export_actions.export(doc, str(tmp_path / "out"), "docx").run()
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "out" / "letters.docx")).paragraphs]
    assert paragraphs.count("FRANCE") == 0
    # Ann's own country is GB; Cy has none, so he is taken to be at home (France)
    assert paragraphs.count("UNITED KINGDOM") == 1
    at = paragraphs.index("Ann Lee")
    assert paragraphs[at:at + 5] == ["Ann Lee", "1 High St", "YORK", "YO1 7HH", "UNITED KINGDOM"]
