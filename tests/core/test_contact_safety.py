"""Contact safety from the command line: the right people, once each, with real details.

Each failure the first release had on files no one here wrote, as a regression test with
the exact recipients: an `unsubscribed` column read as consent, a person mailed through
another record, a pseudonymised table merged to 0 messages and generalised postcodes in
letters, vendors' opt-out headers, an address book without consent, nobody contactable.
"""

from pathlib import Path

import keyring
import keyring.backends.fail
import pandas as pd
import pytest
from docx import Document

from app.cli import main
from tests.core.privacy_support import fast_scrypt  # noqa: F401 (autouse fixture)

TEMPLATE = "Subject: Hello {{ first_name }}\n\nDear {{ first_name }},\nsee you soon.\n"
PEOPLE = ["ann@example.org", "bob@example.org", "cy@example.org", "di@example.org",
          "ed@example.org"]
NAMES = ["Ann", "Bob", "Cy", "Di", "Ed"]


def _merge(tmp_path, frame, *extra, fmt="csv", template=TEMPLATE):
    frame.to_csv(tmp_path / "crm.csv", index=False)
    (tmp_path / "t.txt").write_text(template, "utf-8")
    out = tmp_path / "out"
    code = main(["merge", str(tmp_path / "crm.csv"), "--template", str(tmp_path / "t.txt"),
                 "-o", str(out), "--format", fmt, *extra])
    return code, out


def _recipients(out) -> list[str]:
    return pd.read_csv(out / "merge.csv", dtype=str, keep_default_na=False)["email"].tolist()


@pytest.mark.parametrize("header, values, mailed", [
    ("unsubscribed", ["no", "no", "no", "no", "yes"], PEOPLE[:4]),
    ("Email Opt Out", ["0", "1", "0", "0", "1"], [PEOPLE[0], PEOPLE[2], PEOPLE[3]]),  # Salesforce
    ("Unsubscribed from all email", ["false", "false", "true", "", "false"],  # HubSpot
     [PEOPLE[0], PEOPLE[1], PEOPLE[3], PEOPLE[4]]),
    ("Accepts Email Marketing", ["yes", "no", "no", "yes", "no"], [PEOPLE[0], PEOPLE[3]]),  # Shopify
])
def test_opt_out_columns_leave_out_exactly_the_people_who_opted_out(tmp_path, header, values, mailed):
    code, out = _merge(tmp_path, pd.DataFrame({"email": PEOPLE, "first_name": NAMES, header: values}))
    assert code == 0
    assert _recipients(out) == mailed


def test_a_person_with_one_no_record_is_not_mailed_and_everyone_else_once(tmp_path, capsys):
    # dedupe found Ann twice (cluster 1) and Bob twice (cluster 2, one record says Do Not Email)
    frame = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
        "email": ["ann@example.org", "ann@example.org", "bob@example.org", "bob.b@example.org",
                  "cy@example.org", "CY@example.org "],
        "first_name": ["Ann", "", "Bob", "Bob", "Cy", "Cy"],
        "cluster_id": ["1", "1", "2", "2", "3", "4"],
        "Do Not Email": ["false", "false", "false", "true", "false", "false"],
    })
    code, out = _merge(tmp_path, frame)
    assert code == 0
    table = pd.read_csv(out / "merge.csv", dtype=str, keep_default_na=False)
    assert table[["email", "first_name"]].values.tolist() == [["ann@example.org", "Ann"],
                                                             ["cy@example.org", "Cy"]]
    left = pd.read_csv(out / "left_out.csv", dtype=str, keep_default_na=False)
    assert left.to_dict("records") == [
        {"row": "4", "id": "c3", "cluster_id": "2", "reason": "asked not to be contacted"}]
    assert "Wrote 2 messages as .csv" in capsys.readouterr().out


@pytest.fixture
def headless(tmp_path, monkeypatch):
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setenv("LOCALREACH_PASSPHRASE", "a long passphrase")
    yield tmp_path
    keyring.set_keyring(previous)


def test_pseudonymise_then_merge_with_the_vault_brings_back_exact_details(headless, capsys):
    tmp = headless
    crm = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3"],
        "first_name": ["Anna", "Jörg", "Li"],
        "last_name": ["Berg", "Weiß", "Wu"],
        "email": ["anna@example.de", "joerg@example.de", "li@example.de"],
        "email_invalid": ["", "", ""],  # the flag column the cleaning step adds
        "street": ["Hauptstr. 1", "Ringweg 7", "Am Markt 3"],
        "postcode": ["04309", "01067", "80331"],
        "city": ["Leipzig", "Dresden", "München"],
        "newsletter": ["yes", "yes", "no"],
    })
    crm.to_csv(tmp / "crm.csv", index=False)
    assert main(["pseudonymize", str(tmp / "crm.csv"), "-o", str(tmp / "p.csv"), "--vault",
                 str(tmp / "v.json"), "--key-file", str(tmp / "k.lrkey")]) == 0
    pseudo = pd.read_csv(tmp / "p.csv", dtype=str, keep_default_na=False)
    assert pseudo["email_invalid"].tolist() == ["", "", ""]  # never tokenised
    assert "04309" not in pseudo["postcode"].tolist()
    template = "Subject: Hello {{ first_name }}\n\n{{ first_name }} {{ last_name }}\n{{ postcode }} {{ city }}\n"
    (tmp / "t.txt").write_text(template, "utf-8")
    vault = ["--vault", str(tmp / "v.json"), "--key-file", str(tmp / "k.lrkey")]
    assert main(["merge", str(tmp / "p.csv"), "--template", str(tmp / "t.txt"), "-o",
                 str(tmp / "mail"), "--format", "csv", *vault]) == 0
    table = pd.read_csv(tmp / "mail" / "merge.csv", dtype=str, keep_default_na=False)
    assert table["email"].tolist() == ["anna@example.de", "joerg@example.de"]
    assert table["body"].tolist() == ["Anna Berg\n04309 Leipzig\n", "Jörg Weiß\n01067 Dresden\n"]
    assert table["postcode"].tolist() == ["04309", "01067"]
    # a message without the postcode: the generalised stand-in is not written as the postcode
    (tmp / "short.txt").write_text("Subject: Hello {{ first_name }}\n\nDear {{ first_name }}\n", "utf-8")
    assert main(["merge", str(tmp / "p.csv"), "--template", str(tmp / "short.txt"), "-o",
                 str(tmp / "short"), "--format", "csv", *vault]) == 0
    short = pd.read_csv(tmp / "short" / "merge.csv", dtype=str, keep_default_na=False)
    assert list(short.columns) == ["email", "subject", "body", "customer_id", "first_name",
                                   "last_name", "email_invalid", "street", "city", "newsletter"]
    assert short["first_name"].tolist() == ["Anna", "Jörg"]
    # letters by post: the address block in German order, postcode before the city
    assert main(["merge", str(tmp / "p.csv"), "--template", str(tmp / "t.txt"), "-o",
                 str(tmp / "letters"), "--format", "docx", "--shop", "Teeladen Berg", *vault]) == 0
    lines = [p.text for p in Document(tmp / "letters" / "letters.docx").paragraphs]
    assert lines[:5] == ["Teeladen Berg", "Anna Berg", "Hauptstr. 1", "04309 Leipzig", lines[4]]
    assert Document(tmp / "letters" / "letters.docx").core_properties.author == "Teeladen Berg"
    assert "python-docx" not in Document(tmp / "letters" / "letters.docx").core_properties.comments


def test_an_address_book_without_consent_is_not_mailed_silently(tmp_path, capsys):
    book = pd.DataFrame({"First Name": NAMES[:3], "E-mail 1 - Value": PEOPLE[:3]})
    code, out = _merge(tmp_path, book)
    assert code == 2 and not out.exists()
    assert capsys.readouterr().err == (
        "localreach merge: The list has no consent or opt-out column, so nobody in it has said "
        "they may be contacted. Add a consent column, or record that you have another legal basis "
        "for writing to these people; nothing was written. To record it, add --consent none=allow.\n")
    code, out = _merge(tmp_path, book, "--consent", "none=allow")
    assert code == 0 and _recipients(out) == PEOPLE[:3]


def test_an_unclear_consent_column_is_asked_about_and_nothing_written(tmp_path, capsys):
    frame = pd.DataFrame({"email": PEOPLE[:3], "first_name": NAMES[:3], "Flag": ["yes", "no", "yes"]})
    (tmp_path / "roles").mkdir()
    code, out = _merge(tmp_path, frame)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists() and err.count("\n") == 1
    assert err.startswith("localreach merge: Column 'Flag' may record consent or opt-outs")
    assert err.endswith("Say which with --consent 'Flag=opt-in' or --consent 'Flag=opt-out'.\n")
    code, out = _merge(tmp_path, frame, "--consent", "Flag=opt-out")
    assert code == 0 and _recipients(out) == [PEOPLE[1]]


def test_nobody_contactable_is_one_plain_line(tmp_path, capsys):
    frame = pd.DataFrame({"email": PEOPLE[:2], "first_name": NAMES[:2], "unsubscribed": ["yes", "yes"]})
    code, out = _merge(tmp_path, frame)
    assert code == 2 and not out.exists()
    assert capsys.readouterr().err == (
        "localreach merge: Nobody in crm.csv may be written to (2 asked not to be contacted); "
        "nothing was written.\n")


def test_a_recipe_asks_the_same_question_and_takes_the_answer(tmp_path):
    from core.errors import LocalReachError
    from core.recipe import Recipe, run_recipe

    pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "email": PEOPLE[:3], "first_name": NAMES[:3],
                  "Flag": ["yes", "no", "yes"]}).to_csv(tmp_path / "crm.csv", index=False)
    (tmp_path / "t.txt").write_text(TEMPLATE, "utf-8")
    roles = {"customer_id": "customer_id", "email": "email", "first_name": "first_name",
             "Flag": "consent"}
    merge_step = {"template": "t.txt", "format": "csv"}
    recipe = Recipe(crm={"file": "crm.csv", "roles": roles}, steps={"merge": merge_step})
    with pytest.raises(LocalReachError, match="^Column 'Flag' may record consent or opt-outs"):
        run_recipe(recipe, tmp_path / "run", base=tmp_path)
    assert not (tmp_path / "run" / "messages").exists()
    merge_step["consent"] = {"polarity": {"Flag": "opt-out"}}
    run_recipe(recipe, tmp_path / "run", base=tmp_path)
    assert _recipients(tmp_path / "run" / "messages") == [PEOPLE[1]]


VENDORS = Path(__file__).parents[1] / "fixtures" / "vendors"


@pytest.mark.parametrize("name, label, people", [
    ("mailchimp_unsubscribed.csv", "a Mailchimp unsubscribed members export", 2),
    ("mailchimp_cleaned.csv", "a Mailchimp cleaned members export", 1),
])
def test_a_tools_export_of_the_people_who_left_mails_nobody(tmp_path, capsys, name, label, people):
    """Mailchimp's unsubscribed export has OPTIN_TIME (a consent header) and UNSUB_TIME:
    everyone in it was mailed (2 of 2) before; merge and export-to now write nobody."""
    (tmp_path / "t.txt").write_text(TEMPLATE, "utf-8")
    out = tmp_path / "out"
    code = main(["merge", str(VENDORS / name), "--template", str(tmp_path / "t.txt"), "-o", str(out),
                 "--format", "csv"])
    assert code == 2 and not out.exists()
    assert capsys.readouterr().err == (
        f"localreach merge: Nobody in {name} may be written to ({people} in {label}: people who left "
        "the list); nothing was written.\n")
    code = main(["export-to", "mailchimp", str(VENDORS / name), "-o", str(tmp_path / "to.csv")])
    assert code == 2 and not (tmp_path / "to.csv").exists()
    assert f"({people} in {label}: people who left the list)" in capsys.readouterr().err


def test_an_unsubscribe_newer_than_the_opt_in_wins_and_an_older_one_does_not(tmp_path):
    """Mailchimp's columns in a file of one's own (not the tool's export): Ann opted in and
    later unsubscribed, Bob only opted in, Cy unsubscribed and later opted in again."""
    frame = pd.DataFrame({"email": PEOPLE[:3], "first_name": NAMES[:3],
                          "OPTIN_TIME": ["2022-01-01 10:00:00", "2022-02-01 10:00:00", "2023-06-01 10:00:00"],
                          "UNSUB_TIME": ["2023-05-01 09:00:00", "", "2021-03-01 09:00:00"]})
    code, out = _merge(tmp_path, frame)
    assert code == 0 and _recipients(out) == PEOPLE[1:3]
    left = pd.read_csv(out / "left_out.csv", dtype=str)
    assert left["reason"].tolist() == ["asked not to be contacted"]


def test_a_column_marked_opt_out_is_asked_about_even_beside_a_plain_consent_column():
    """The role says opt-out, the header and values say nothing: it was dropped because
    'Newsletter' is plain, and its people were mailed; now the user is asked."""
    from core.privacy.consent import ConsentUnclear, contactable

    frame = pd.DataFrame({"email": PEOPLE[:2], "Newsletter": ["yes", "yes"], "Status": ["Spring Sale", ""]})
    with pytest.raises(ConsentUnclear, match="^Column 'Status' may record consent or opt-outs"):
        contactable(frame, roles={"email": "email", "Newsletter": "consent", "Status": "opt_out"},
                    email_column="email")


def test_a_masked_address_is_never_written_to():
    """A masked e-mail ("an***@example.de") passes as an address: merge writes to the
    original from the vault, and leaves out a masked column the message does not use."""
    from core.compose.merge import MergeConfig, merge
    from core.compose.outputs.table import merge_table
    from core.compose.template import parse_template
    from core.privacy.policy import ColumnPolicy, PrivacyConfig, pseudonymize

    crm = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "first_name": ["Anna", "Jörg", "Li"],
                        "email": ["anna@example.de", "joerg@example.de", "li@example.de"],
                        "phone": ["+49 341 1234567", "+49 351 7654321", "+49 89 1112223"],
                        "newsletter": ["yes", "yes", "no"]})
    config = PrivacyConfig({"email": ColumnPolicy("mask", "email"),
                            "phone": ColumnPolicy("mask", "phone")}, phone_region="DE")
    masked, vault, _ = pseudonymize(crm, config, b"k" * 32)
    assert masked["email"].tolist() == ["an***@example.de", "jo***@example.de", "li***@example.de"]
    roles = {"customer_id": "customer_id", "first_name": "first_name", "email": "email",
             "phone": "phone", "newsletter": "consent"}
    template = parse_template("Subject: Hello {{ first_name }}\n\nDear {{ first_name }}\n")
    result = merge(masked, roles, {"A": template}, MergeConfig(), vault=vault)
    assert [m.to for m in result.messages] == ["anna@example.de", "joerg@example.de"]
    table = merge_table(result)
    assert table.to_dict("list") == {
        "email": ["anna@example.de", "joerg@example.de"], "subject": ["Hello Anna", "Hello Jörg"],
        "body": ["Dear Anna\n", "Dear Jörg\n"], "customer_id": ["c1", "c2"],
        "first_name": ["Anna", "Jörg"], "newsletter": ["yes", "yes"]}
