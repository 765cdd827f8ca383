"""The pre-export check list: exact lines and the rows each one points at."""

import pandas as pd

from core.compose.checks import INFO, PROBLEM, WARNING, CheckItem, check_merge
from core.compose.merge import MergeConfig
from core.compose.template import parse_template


def check(*args, **kwargs) -> list[CheckItem]:
    return check_merge(*args, **kwargs)[0]


ROLES = {"email": "email", "first_name": "first_name", "date_of_birth": "date_of_birth"}


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "email": ["a@x.org", "b@x.org", "c@x.org", "bad"],
        "first_name": ["A", "", "C", "D"],
        "last_name": ["x", "y", "w", "z"],
        "date_of_birth": ["1990-01-01"] * 4,
        "segment": ["s1", "s2", "s1", "s2"],
        "newsletter": ["yes"] * 4,
    })


def test_check_lists_problems_with_rows():
    tpl = parse_template("Subject: Hi {{ date_of_birth }}\n\nDear {{ first_name }} {{ last_name }}\n")
    assert check(_frame(), ROLES, {"main": tpl}, personas={"s1": {"name": "Bargain hunters"}}) == [
        CheckItem(PROBLEM, "1 person will get no message: the field first_name is empty and has "
                           "no default. Add a default or fill the field.", (1,)),
        CheckItem(WARNING, "The subject line shows date_of_birth: subject lines appear on lock "
                           "screens and in shared inboxes; move it into the body."),
        CheckItem(INFO, "2 messages will be written.", (0, 2)),
        CheckItem(INFO, "People per persona: Bargain hunters: 2."),
        CheckItem(INFO, "1 person left out: no valid e-mail address.", (3,)),
    ]


def test_a_field_holding_pseudonyms_is_one_problem_and_no_messages():
    frame = _frame()
    frame.loc[2, "last_name"] = "name_v1_0123456789abcdef0123456789abcdef"
    tpl = parse_template("Subject: Hi\n\nDear {{ first_name | default('you') }} {{ last_name }}\n")
    assert check(frame, ROLES, {"main": tpl}) == [
        CheckItem(PROBLEM, "The column 'last_name' holds pseudonyms, not real values: give the "
                           "vault so that real details come back, or take the field out of the "
                           "template; nothing was written."),
    ]


def test_nobody_to_write_to_is_a_problem_never_a_tick():
    frame = _frame().assign(newsletter="no")
    tpl = parse_template("Subject: Hi\n\nDear {{ first_name | default('you') }}\n")
    items = check(frame, ROLES, {"main": tpl})
    assert items[0] == CheckItem(PROBLEM, "No message will be written: nobody in the list may be "
                                          "contacted with a usable address.")
    assert CheckItem(INFO, "4 people left out: said no to being contacted.", (0, 1, 2, 3)) in items


def test_check_stops_at_template_problems():
    tpl = parse_template("Subject: Hi {{ frist_name }}\n\n{% if x %}\n")
    assert [i.text for i in check(_frame(), ROLES, {"A": tpl, "B": tpl},
                                  MergeConfig(ab={"holdout": 0.1}))] == [
        "Version A: Subject: unknown merge field frist_name; did you mean first_name?",
        "Version A: Text body, line 1: Unexpected end of template. Jinja was looking for the "
        "following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be "
        "closed is 'if'.",
        "Version B: Subject: unknown merge field frist_name; did you mean first_name?",
        "Version B: Text body, line 1: Unexpected end of template. Jinja was looking for the "
        "following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be "
        "closed is 'if'.",
    ]
