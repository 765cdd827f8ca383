"""The quality report's counts on small files with known problems."""

import json

import pandas as pd
import pytest

from core.quality.report import ReportConfig, quality_report

CRM = pd.DataFrame(
    {
        "customer_id": [str(i) for i in range(1, 11)],
        "email": ["a@b.de", "broken", "", "c@d.org", "e@f.com", "g@h.de", "i@j.de", "k@l.de", "m@n.de", "o@p.de"],
        "phone": ["0151 12345678", "123", "", "+49 30 1234567", "", "", "", "", "", ""],
        "date_of_birth": ["01.02.1980", "31.12.2090", "13.13.1990", "", "", "", "", "", "", ""],
        "country": ["DE", "Germany", "Narnia", "", "", "", "", "", "", ""],
        "postcode": ["10115", "ABCDE", "", "", "", "", "", "", "", ""],
    }
)
SALES = pd.DataFrame(
    {
        "customer_id": ["1", "2", "99", "3", "4", "5", "6", "7", "8", ""],
        "amount": ["10,00 €", "$5", "-3", "12,00 €", "11,00 €", "9,00 €", "10,50 €", "12,50 €", "9,50 €", "9000,00 €"],
        "quantity": ["1", "2.5", "0", "1", "1", "1", "1", "1", "1", "1"],
        "order_date": ["2024-01-01", "2030-01-01", "2024-02-02", "x", "", "", "", "", "", ""],
    }
)
ROLES = {
    "crm": {c: c for c in CRM.columns},
    "sales": {"customer_id": "customer_id", "amount": "amount", "quantity": "quantity", "order_date": "order_date"},
}


@pytest.fixture(scope="module")
def report():
    return quality_report({"crm": CRM, "sales": SALES}, ROLES, ReportConfig(region="DE", today="2026-01-01"))


def column(report, file, name):
    return next(c for c in report.files[file].columns if c.column == name)


def test_column_counts(report):
    email = column(report, "crm", "email")
    assert (email.rows, email.missing, email.distinct, email.invalid, email.invalid_examples) == (10, 1, 9, 1, [1])
    phone = column(report, "crm", "phone")
    assert (phone.missing, phone.invalid, phone.invalid_examples) == (7, 1, [1])
    dob = column(report, "crm", "date_of_birth")  # the future and 13th month are invalid
    assert (dob.invalid, dob.invalid_examples) == (2, [1, 2])
    assert column(report, "crm", "country").invalid_examples == [2]
    assert column(report, "crm", "postcode").invalid_examples == [1]
    assert column(report, "crm", "customer_id").kind == "whole number"


def test_sales_rules(report):
    assert column(report, "sales", "amount").invalid_examples == [2]  # negative
    assert column(report, "sales", "quantity").invalid_examples == [1, 2]  # 2.5 and 0
    assert column(report, "sales", "order_date").invalid_examples == [1, 3]  # future, unreadable
    amount = column(report, "sales", "amount")
    # IQR fences ~4.3..17.3 catch 5, -3 and 9000; robust z (median 10.75, MAD 1.5) only -3 and 9000
    assert (amount.outliers_iqr, amount.outliers_z, amount.outlier_examples) == (3, 2, [1, 2, 9])


def test_score_is_share_of_filled_valid_cells(report):
    crm = report.files["crm"]
    # 60 cells; empty: 1+7+7+7+8 = 30; invalid: 1+1+2+1+1 = 6
    assert (crm.cells, crm.valid_cells) == (60, 24)
    assert crm.score_text() == "40% of cells valid"


def test_issues_point_at_rows_and_carry_no_values(report):
    by_kind = {(i.file, i.column, i.kind): i for i in report.issues}
    assert by_kind[("crm", "email", "invalid")].message == "1 value in 'email': not a valid e-mail address"
    assert by_kind[("crm", "phone", "missing")].rows == [2, 4, 5, 6, 7, 8, 9]
    orphan = by_kind[("sales", "customer_id", "not in CRM")]
    assert (orphan.count, orphan.rows) == (1, [2])
    mixed = by_kind[("sales", "amount", "mixed currencies")]
    assert mixed.message == (
        "'amount' mixes 2 currencies: 1 row not in EUR; amounts cannot be added up as they are"
    )
    assert mixed.rows == [1]
    text = json.dumps(report.to_dict())
    for value in ("broken", "Narnia", "a@b.de", "0151", "ABCDE"):
        assert value not in text


def test_a_column_that_is_mostly_one_number_has_no_unusual_values():
    sales = pd.DataFrame({"discount": ["0"] * 12 + ["5", "10"], "amount": ["10"] * 14})
    roles = {"sales": {"discount": "discount", "amount": "amount"}}
    cols = quality_report({"sales": sales}, roles).files["sales"].columns
    assert [(c.outliers_iqr, c.outliers_z) for c in cols] == [(0, 0), (0, 0)]


def test_only_discounts_far_from_the_other_discounts_are_unusual():
    # 60% of lines without discount; the discounts given are 1..8 and one of 80
    given = [str(1 + i % 8) for i in range(39)] + ["80"]
    sales = pd.DataFrame({"discount": ["0"] * 60 + given})
    col = quality_report({"sales": sales}, {"sales": {"discount": "discount"}}).files["sales"].columns[0]
    assert (col.outliers_iqr, col.outliers_z, col.outlier_examples) == (1, 1, [99])


def test_the_e_mail_steps_flag_column_does_not_lower_the_score():
    from core.quality.contact import EmailConfig, standardise_emails

    crm = pd.DataFrame({"customer_id": ["1", "2", "3", "4"],
                        "email": ["A@b.de ", "c@d.org", "broken", "e@f.com"]})
    roles = {"crm": {"customer_id": "customer_id", "email": "email"}}
    before = quality_report({"crm": crm}, roles).files["crm"]
    cleaned, _ = standardise_emails(crm, EmailConfig(["email"]))
    assert list(cleaned.columns) == ["customer_id", "email", "email_invalid"]
    after = quality_report({"crm": cleaned}, roles).files["crm"]
    assert (before.cells, before.valid_cells) == (after.cells, after.valid_cells) == (8, 7)
    flag = after.columns[2]
    assert (flag.kind, flag.missing) == ("flag", 0)
    assert not [i for i in after.issues if i.column == "email_invalid"]
