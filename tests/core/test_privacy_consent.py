"""Consent and suppression: who may be contacted, and how many were left out and why."""

import pandas as pd
import pytest

from core.errors import ColumnError
from core.privacy.consent import (
    NO_CONSENT,
    OPTED_OUT,
    SUPPRESSED,
    contactable,
    detect_consent_columns,
    load_suppression,
    suppression_from_state,
    suppression_from_values,
)
from core.privacy.tokens import token_for, tokenize_values

KEY = bytes(range(32))
PEOPLE = pd.DataFrame({
    "email": ["a@x.de", "b@x.de", "c@x.de", "d@x.de", "E@X.de", "f@x.de"],
    "Newsletter consent": ["yes", "Ja", "", "no", "2024-03-01", "1"],
    "Do not contact": ["", "", "", "", "", "x"],
    "city": ["Bonn"] * 6,
})


def test_consent_columns_are_recognised_from_headers():
    frame = pd.DataFrame(columns=["Opt-In", "unsubscribed", "DNC", "Marketing OK", "GDPR", "city", "no_marketing"])
    assert detect_consent_columns(frame) == {"Opt-In": "opt_in", "unsubscribed": "opt_out", "DNC": "opt_out",
                                             "Marketing OK": "opt_in", "GDPR": "opt_in", "no_marketing": "opt_out"}


def test_contactable_honours_consent_opt_out_and_suppression():
    result = contactable(PEOPLE, email_column="email", suppression=suppression_from_values(["B@x.de ", "zz@y.com"]))
    assert result.mask.tolist() == [True, False, False, False, True, False]
    assert result.reasons.tolist() == ["", SUPPRESSED, NO_CONSENT, NO_CONSENT, "", OPTED_OUT]
    assert result.summary() == {NO_CONSENT: 2, SUPPRESSED: 1, OPTED_OUT: 1}


def test_suppression_matches_tokenised_emails_with_the_key():
    tokenised = PEOPLE.assign(email=tokenize_values(PEOPLE["email"], "email", KEY))
    plain_list = suppression_from_values(["e@x.de"])
    result = contactable(tokenised, email_column="email", consent_columns={}, suppression=plain_list, key=KEY)
    assert result.reasons.tolist() == ["", "", "", "", SUPPRESSED, ""]
    token_list = suppression_from_values([tokenised["email"][0]])
    result = contactable(tokenised, email_column="email", consent_columns={}, suppression=token_list)
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
    listed = suppression_from_state({"suppression": [token_for(KEY, "email", "c@x.de")]})
    assert contactable(PEOPLE, email_column="email", consent_columns={}, suppression=listed).mask.all()
    listed = suppression_from_state({"suppression": [token_for(KEY, "email", "c@x.de")]}, key=KEY)
    result = contactable(PEOPLE, email_column="email", consent_columns={}, suppression=listed)
    assert result.reasons.tolist() == ["", "", SUPPRESSED, "", "", ""]
