"""Consent, per person: one meaning per column, newest answer, suppression, hostile cases."""

import pandas as pd
import pytest

from core.errors import ColumnError
from core.privacy.consent import (
    DECLINED,
    NO_CONSENT,
    OPTED_OUT,
    SUPPRESSED,
    ConsentSettings,
    ConsentUnclear,
    NoConsentInfo,
    consent_columns,
    contactable,
    load_suppression,
    suppression_from_state,
    suppression_from_values,
)
from core.privacy.tokens import token_for, tokenize_values
from core.roles import Role, detect_roles
from core.roles.consent import OPT_IN, OPT_OUT, consent_meaning

KEY = bytes(range(32))
PEOPLE = pd.DataFrame({
    "email": ["a@x.de", "b@x.de", "c@x.de", "d@x.de", "E@X.de", "f@x.de"],
    "Newsletter consent": ["yes", "Ja", "", "no", "2024-03-01", "1"],
    "Do not contact": ["", "", "", "", "", "x"],
    "city": ["Bonn"] * 6,
})

# (header, values, polarity, sure, rows that may be contacted) -- the vendors' own spellings
# (Salesforce, HubSpot, Shopify, Mailchimp, Square, Klaviyo, Outlook) in EN/DE/FR/ES.
CASES = [
    ("unsubscribed", ["no", "no", "no", "no", "yes"], OPT_OUT, True, [1, 1, 1, 1, 0]),
    ("Email Opt Out", ["0", "0", "1", "0", "0"], OPT_OUT, True, [1, 1, 0, 1, 1]),
    ("HasOptedOutOfEmail", ["false", "true", "false", "false", "false"], OPT_OUT, True, [1, 0, 1, 1, 1]),
    ("Unsubscribed from all email", ["false", "true", "", "false", "true"], OPT_OUT, True, [1, 0, 1, 1, 0]),
    ("Do Not Email", ["TRUE", "FALSE", "FALSE", "FALSE", "FALSE"], OPT_OUT, True, [0, 1, 1, 1, 1]),
    ("DNC", ["Y", "N", "N", "", "N"], OPT_OUT, True, [0, 1, 1, 1, 1]),
    ("Accepts Email Marketing", ["yes", "no", "yes", "no", "yes"], OPT_IN, True, [1, 0, 1, 0, 1]),
    ("Newsletter", ["Ja", "Nein", "ja", "", "nein"], OPT_IN, True, [1, 0, 1, 0, 0]),
    ("Einwilligung Werbung", ["ja", "ja", "nein", "ja", "ja"], OPT_IN, True, [1, 1, 0, 1, 1]),
    ("Newsletter abgemeldet", ["nein", "ja", "nein", "nein", "nein"], OPT_OUT, True, [1, 0, 1, 1, 1]),
    ("Werbewiderspruch", ["", "x", "", "", ""], OPT_OUT, True, [1, 0, 1, 1, 1]),
    ("Keine Werbung", ["wahr", "falsch", "falsch", "falsch", "wahr"], OPT_OUT, True, [0, 1, 1, 1, 0]),
    ("Consentement e-mail", ["oui", "non", "oui", "oui", "non"], OPT_IN, True, [1, 0, 1, 1, 0]),
    ("Désabonné", ["non", "oui", "non", "non", "non"], OPT_OUT, True, [1, 0, 1, 1, 1]),
    ("Désinscrit de la newsletter", ["vrai", "faux", "faux", "faux", "faux"], OPT_OUT, True, [0, 1, 1, 1, 1]),
    ("Acepta publicidad", ["sí", "no", "sí", "sí", "sí"], OPT_IN, True, [1, 0, 1, 1, 1]),
    ("Dado de baja", ["no", "no", "sí", "no", "no"], OPT_OUT, True, [1, 1, 0, 1, 1]),
    ("Status", ["subscribed", "unsubscribed", "cleaned", "subscribed", "pending"], OPT_IN, True, [1, 0, 0, 1, 0]),
    ("Email Subscription Status", ["Subscribed", "Unsubscribed", "Subscribed", "Not subscribed", "Subscribed"],
     OPT_IN, True, [1, 0, 1, 0, 1]),
    ("Email Marketing Consent", ["SUBSCRIBED", "UNSUBSCRIBED", "NEVER_SUBSCRIBED", "SUBSCRIBED", ""],
     OPT_IN, True, [1, 0, 0, 1, 0]),
    ("Marketing contact status", ["Marketing contact", "Non-marketing contact", "Marketing contact",
                                  "Marketing contact", "Marketing contact"], OPT_IN, True, [1, 0, 1, 1, 1]),
    ("opt_in_date", ["2024-01-05", "", "2023-11-30", "", "05.02.2024"], OPT_IN, True, [1, 0, 1, 0, 1]),
    ("unsubscribed_at", ["", "2024-02-01", "", "", ""], OPT_OUT, True, [1, 0, 1, 1, 1]),
    ("GDPR consent", ["true", "true", "false", "true", "true"], OPT_IN, True, [1, 1, 0, 1, 1]),
    ("marketing_opt_in", ["1", "0", "1", "1", "1"], OPT_IN, True, [1, 0, 1, 1, 1]),
    ("Opt-in/Opt-out", ["opt-in", "opt-out", "opt-in", "opt-in", "opt-in"], OPT_IN, True, [1, 0, 1, 1, 1]),
    ("Subscribed", ["yes", "yes", "no", "yes", "yes"], OPT_IN, True, [1, 1, 0, 1, 1]),
    ("Blocklisted", ["false", "false", "true", "false", "false"], OPT_OUT, True, [1, 1, 0, 1, 1]),
]


@pytest.mark.parametrize(("header", "values", "polarity", "sure", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_consent_meaning_and_who_may_be_contacted(header, values, polarity, sure, expected):
    column = pd.Series(values)
    meaning = consent_meaning(header, column)
    assert (meaning.polarity, meaning.sure) == (polarity, sure)
    frame = pd.DataFrame({"email": [f"p{i}@example.org" for i in range(5)], header: values})
    assert contactable(frame, email_column="email").mask.astype(int).tolist() == expected
    role = detect_roles(frame)[header].role
    assert role is (Role.OPT_OUT if polarity == OPT_OUT else Role.CONSENT)


def test_columns_about_another_channel_do_not_decide_email():
    frame = pd.DataFrame({"email": ["a@x.org", "b@x.org", "c@x.org"],
                          "Accepts Email Marketing": ["yes", "yes", "no"],
                          "Accepts SMS Marketing": ["no", "no", "yes"],
                          "Do Not Call": ["true", "false", "false"],
                          "Instant Profile": ["yes", "no", "yes"]})
    assert [m.column for m in consent_columns(frame, detect_roles_of(frame))] == ["Accepts Email Marketing"]
    assert contactable(frame, roles=detect_roles_of(frame), email_column="email").mask.tolist() == [True, True, False]
    post = ConsentSettings(channel="post")  # e-mail answers count for letters too; SMS and calls do not
    assert [m.column for m in consent_columns(frame, settings=post)] == ["Accepts Email Marketing"]


def detect_roles_of(frame):
    return {c: g.role.value for c, g in detect_roles(frame).items()}


def test_an_unclear_column_stops_until_the_user_says_which_way_it_goes():
    frame = pd.DataFrame({"email": ["a@x.org", "b@x.org", "c@x.org"], "Flag": ["yes", "no", "yes"]})
    roles = {"email": "email", "Flag": "consent"}
    with pytest.raises(ConsentUnclear, match="^Column 'Flag' may record consent or opt-outs"):
        contactable(frame, roles=roles, email_column="email")
    opt_out = ConsentSettings(polarity={"Flag": OPT_OUT})
    assert contactable(frame, roles=roles, email_column="email", settings=opt_out).mask.tolist() == [False, True, False]
    opt_in = ConsentSettings(polarity={"Flag": OPT_IN})
    assert contactable(frame, roles=roles, email_column="email", settings=opt_in).mask.tolist() == [True, False, True]


def test_no_consent_information_is_not_consent():
    book = pd.DataFrame({"E-mail 1 - Value": ["a@x.org", "b@x.org"], "Name": ["A", "B"]})
    with pytest.raises(NoConsentInfo, match="no consent or opt-out column"):
        contactable(book, email_column="E-mail 1 - Value")
    allowed = contactable(book, email_column="E-mail 1 - Value", settings=ConsentSettings(without_consent=True))
    assert allowed.mask.tolist() == [True, True]


def test_one_no_of_any_record_of_a_person_wins():
    frame = pd.DataFrame({
        "email": ["ann@x.org", "ANN@x.org ", "bob@x.org", "bob.work@x.org", "cy@x.org"],
        "cluster_id": ["1", "2", "3", "3", "4"],
        "Do Not Email": ["false", "true", "false", "true", "false"],
    })
    result = contactable(frame, email_column="email")
    assert result.mask.tolist() == [False, False, False, False, True]
    assert result.summary() == {OPTED_OUT: 2}
    assert result.tally() == {"may": 1, "said_no": 2, "no_answer": 0, "suppressed": 0}


def test_the_newest_dated_answer_wins():
    frame = pd.DataFrame({"email": ["a@x.org"] * 3, "newsletter": ["yes", "no", "yes"],
                          "last modified": ["2021-03-01", "2022-06-01", "2024-01-15"]})
    assert contactable(frame, email_column="email").mask.tolist() == [True] * 3
    older = frame.assign(**{"last modified": ["2021-03-01", "2025-06-01", "2024-01-15"]})
    assert contactable(older, email_column="email").reasons.tolist() == [DECLINED] * 3
    undated = frame.assign(**{"last modified": ""})
    assert contactable(undated, email_column="email").reasons.tolist() == [DECLINED] * 3


def test_contactable_honours_consent_opt_out_and_suppression():
    result = contactable(PEOPLE, email_column="email", suppression=suppression_from_values(["B@x.de ", "zz@y.com"]))
    assert result.mask.tolist() == [True, False, False, False, True, False]
    assert result.reasons.tolist() == ["", SUPPRESSED, NO_CONSENT, DECLINED, "", OPTED_OUT]
    assert result.summary() == {SUPPRESSED: 1, NO_CONSENT: 1, DECLINED: 1, OPTED_OUT: 1}


def test_suppression_matches_across_case_spaces_and_tokens():
    tokenised = PEOPLE.assign(email=tokenize_values(PEOPLE["email"], "email", KEY))
    allow = ConsentSettings(without_consent=True)
    plain = tokenised.drop(columns=["Newsletter consent", "Do not contact"])
    result = contactable(plain, email_column="email", settings=allow,
                         suppression=suppression_from_values([" e@X.DE "]), key=KEY)
    assert result.reasons.tolist() == ["", "", "", "", SUPPRESSED, ""]
    token_list = suppression_from_values([tokenised["email"][0]])
    result = contactable(plain, email_column="email", settings=allow, suppression=token_list)
    assert result.mask.tolist() == [False, True, True, True, True, True]
    mixed = plain.assign(email=["A@x.de", *plain["email"][1:]])  # plain beside tokens
    result = contactable(mixed, email_column="email", settings=allow, suppression=token_list, key=KEY)
    assert result.mask.tolist() == [False, True, True, True, True, True]


def test_suppression_list_from_a_file_with_or_without_header(tmp_path):
    (tmp_path / "with.csv").write_text("Name,Email\nx,C@x.de\ny,d@x.de\n", encoding="utf-8")
    (tmp_path / "bare.csv").write_text("a@x.de\nf@x.de\n", encoding="utf-8")
    assert load_suppression(tmp_path / "with.csv").emails == {"c@x.de", "d@x.de"}
    assert load_suppression(tmp_path / "bare.csv").emails == {"a@x.de", "f@x.de"}
    with pytest.raises(ColumnError, match="^Column 'Mail' is not in the suppression list"):
        load_suppression(tmp_path / "with.csv", column="Mail")


def test_suppression_without_email_column_is_a_clear_error():
    with pytest.raises(ColumnError, match="^A suppression list needs the e-mail column"):
        contactable(PEOPLE, suppression=suppression_from_values(["a@x.de"]))


def test_a_token_only_list_matches_plain_addresses_through_the_key():
    allow = ConsentSettings(without_consent=True)
    plain = PEOPLE[["email", "city"]]
    listed = suppression_from_state({"suppression": [token_for(KEY, "email", "c@x.de")]})
    assert contactable(plain, email_column="email", settings=allow, suppression=listed).mask.all()
    listed = suppression_from_state({"suppression": [token_for(KEY, "email", "c@x.de")]}, key=KEY)
    result = contactable(plain, email_column="email", settings=allow, suppression=listed)
    assert result.reasons.tolist() == ["", "", SUPPRESSED, "", "", ""]
