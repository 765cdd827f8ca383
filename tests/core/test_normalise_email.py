"""E-mail readings: one written form (pseudonyms), valid syntax (cleaning), inbox (duplicates)."""

import pytest

from core.normalise.email import InvisibleCharacter, mailbox, valid, written


def test_written_form_folds_width_space_and_case_and_refuses_invisible_characters():
    assert written(" John.Smith @Example.COM ") == "john.smith@example.com"
    assert written("\uff4a\uff4f\uff48\uff4e@example.com") == "john@example.com"
    with pytest.raises(InvisibleCharacter, match="invisible character"):
        written("jo\u200bhn@example.com")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  John.Doe@Example.COM ", "john.doe@example.com"),
        ("jo hn@example.com", "john@example.com"),  # a space is never part of an address
        ("x@exa\u200bmple.com", None),
        ("a@b", None),
        ("two@@example.com", None),
        ("user@example.invalid", None),  # special-use domain
        ("müller@bücher.de", "müller@bücher.de"),  # international addresses go to email-validator
    ],
)
def test_valid_checks_syntax_of_the_written_form(raw, expected):
    assert valid(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("J.Smith+news@GMail.com", "jsmith@gmail.com"),
        ("jsmith@googlemail.com", "jsmith@gmail.com"),
        ("j.smith+x@outlook.com", "j.smith@outlook.com"),  # tags dropped, dots kept
        ("j.smith+x@web.de", "j.smith+x@web.de"),  # unknown provider: the address as written
        ("jo\u200bhn@web.de", "john@web.de"),  # invisible characters are noise when comparing
        ("not an address", ""),
    ],
)
def test_mailbox_is_the_inbox_mail_reaches(raw, expected):
    assert mailbox(raw) == expected
