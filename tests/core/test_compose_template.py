"""Templates: exact rendered text, defaults, rule branches, lint, sandbox and limits."""

import pandas as pd
import pytest

from core.compose.merge import MergeConfig, merge
from core.compose.rules import Rule, RuleBlock, apply_blocks
from core.compose.template import (
    Compiled,
    lint,
    load_template,
    parse_template,
)
from core.errors import TemplateError

ROLES = {"email": "email", "First Name": "first_name", "consent": "consent"}
TEMPLATE = (
    "Subject: Hello {{ first_name | default('there') }}\n"
    "From: shop@example.org\n"
    "\n"
    "Dear {{ first_name | default('customer') }},\n"
    "{% if segment == 'Champions' %}\n"
    "Thank you for being one of our best customers.\n"
    "{% elif segment == 'At risk' %}\n"
    "We miss you: here is 15% off.\n"
    "{% else %}\n"
    "Thank you for shopping with us.\n"
    "{% endif %}\n"
    "Your last order: {{ amount | money('EUR') }} on {{ order_date | date }}.\n"
)


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "email": ["ann@example.org", "bob@example.org", "cy@example.org", "di@example.org"],
        "First Name": ["Ann", "", "Cy", "Di"],
        "segment": ["Champions", "At risk", "Others", "Champions"],
        "amount": ["1234.5", "20", "7", "3"],
        "order_date": ["2024-03-05", "2023-12-24", "2024-01-01", "2024-02-02"],
        "consent": ["yes", "yes", "yes", "no"],
    })


def test_exact_text_per_segment_with_defaults():
    result = merge(_frame(), ROLES, {"main": parse_template(TEMPLATE)})
    texts = {m.to: (m.subject, m.text) for m in result.messages}
    assert texts == {
        "ann@example.org": ("Hello Ann", "Dear Ann,\nThank you for being one of our best "
                            "customers.\nYour last order: €1,234.50 on 5 March 2024.\n"),
        "bob@example.org": ("Hello there", "Dear customer,\nWe miss you: here is 15% off.\n"
                            "Your last order: €20.00 on 24 December 2023.\n"),
        "cy@example.org": ("Hello Cy", "Dear Cy,\nThank you for shopping with us.\n"
                           "Your last order: €7.00 on 1 January 2024.\n"),
    }
    assert result.sender == "shop@example.org"
    assert result.left_out.to_dict() == {3: "said no to being contacted"}


def test_locale_changes_money_and_dates():
    result = merge(_frame().head(1), ROLES, {"main": parse_template(TEMPLATE)},
                   MergeConfig(locale="de_DE"))
    assert result.messages[0].text.endswith("Your last order: 1.234,50\u00a0€ on 5. März 2024.\n")


def test_rule_table_branches_exact():
    block = RuleBlock("offer", (
        Rule("persona", "is", "Bargain hunters", "Use code SAVE20 for 20% off."),
        Rule("churn_risk", ">", "0.7", "We miss you, {{ first_name | default('friend') }}!"),
    ), otherwise="See what is new.")
    tpl = parse_template("Subject: News\n\nHi {{ first_name | default('there') }}. {{ offer }}\n")
    frame = pd.DataFrame({"email": ["a@x.org", "b@x.org", "c@x.org"], "First Name": ["A", "", "C"],
                          "consent": ["yes"] * 3,
                          "segment": ["s1", "s2", "s2"], "churn_risk": ["0.2", "0.9", "0.1"]})
    personas = {"s1": {"name": "Bargain hunters"}, "s2": {"name": "Loyal"}}
    result = merge(frame, ROLES, {"main": tpl}, MergeConfig(blocks=(block.to_dict(),)), personas)
    assert [m.text for m in result.messages] == [
        "Hi A. Use code SAVE20 for 20% off.\n",
        "Hi there. We miss you, friend!\n",
        "Hi C. See what is new.\n",
    ]
    assert apply_blocks(tpl, [block]).text.startswith(
        '{% set offer %}{% if (persona|text|lower) == "bargain hunters" %}')


def test_empty_field_without_default_is_left_out_never_dear_comma():
    tpl = parse_template("Subject: Hi\n\nDear {{ first_name }},\n")
    result = merge(_frame(), ROLES, {"main": tpl})
    assert [m.text for m in result.messages] == ["Dear Ann,\n", "Dear Cy,\n"]
    assert result.left_out[1] == ("message could not be written: the field first_name is empty "
                                  "and has no default")


def test_misspelled_field_listed_before_rendering_with_suggestion():
    tpl = parse_template("Subject: Hi {{ frist_name }}\n\nDear {{ first_nme | default('x') }}\n")
    assert lint(tpl, ["first_name", "email"]) == [
        "subject: unknown merge field frist_name; did you mean first_name?",
        "text body: unknown merge field first_nme; did you mean first_name?",
    ]
    with pytest.raises(TemplateError, match="unknown merge field frist_name; did you mean "
                                            r"first_name\? \(and 1 more problem\)"):
        merge(_frame(), ROLES, {"main": tpl})


def test_sandbox_refuses_code_execution_before_rendering():
    tpl = parse_template("Subject: x\n\n{{ cycler.__init__.__globals__.os.popen('id').read() }}")
    with pytest.raises(TemplateError, match="unsafe template: access to __globals__ is not allowed"):
        Compiled(tpl, [])


@pytest.mark.parametrize("body", [
    "{{ 'a' * 10**9 }}",
    "{{ 'a' | center(10**9) }}",
    "{{ 'a'.ljust(10**9) }}",
    "{% for i in range(100000) %}{{ 'abcdefghij' }}{% endfor %}",
])
def test_size_limit_stops_huge_output(body):
    compiled = Compiled(parse_template("Subject: x\n\n" + body), [])
    with pytest.raises(TemplateError, match="unsafe template|longer than"):
        compiled.render({})


def test_time_limit_stops_endless_loop(monkeypatch):
    monkeypatch.setattr("core.compose.template.MAX_SECONDS", 0.2)
    body = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    compiled = Compiled(parse_template("Subject: x\n\n" + body), [])
    with pytest.raises(TemplateError, match="took longer than 0.2 s"):
        compiled.render({})


def test_html_template_escapes_values_and_text_part_keeps_them_literal(tmp_path):
    path = tmp_path / "t.html"
    path.write_text("Subject: Hi {{ first_name }}\n\n<p>Hello {{ first_name }}</p>\n", "utf-8")
    frame = pd.DataFrame({"email": ["a@x.org"], "First Name": ["<script>alert(1)</script>"],
                          "consent": ["yes"]})
    message = merge(frame, ROLES, {"main": load_template(path)}).messages[0]
    assert message.html == "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    assert message.text == "Hello <script>alert(1)</script>\n"
    assert message.subject == "Hi <script>alert(1)</script>"


def test_template_needs_subject_line():
    with pytest.raises(TemplateError, match=r"t.txt, line 1: expected a header line such as "
                                            r"'Subject: \.\.\.'"):
        parse_template("Dear {{ first_name }}\n", origin="t.txt")


def test_line_break_in_subject_value_is_refused():
    tpl = parse_template("Subject: Hi {{ first_name }}\n\nBody\n")
    frame = pd.DataFrame({"email": ["a@x.org"], "First Name": ["Ann\r\nBcc: evil@x.org"],
                          "consent": ["yes"]})
    result = merge(frame, ROLES, {"main": tpl})
    assert result.messages == []
    assert result.left_out[0] == ("message could not be written: the subject would contain a "
                                  "line break")
