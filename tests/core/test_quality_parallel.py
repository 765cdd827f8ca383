"""Long lists of costly values go to two worker processes; the result must not change."""

import pandas as pd

from core.quality import base
from core.quality.contact import EmailConfig, PhoneConfig, standardise_emails, standardise_phones
from core.quality.report import quality_report


def test_worker_processes_give_the_same_cells_and_counts(monkeypatch):
    monkeypatch.setattr(base, "PARALLEL_MIN", 10)
    monkeypatch.setattr(base, "CHUNK", 7)
    n = 40
    df = pd.DataFrame(
        {
            "phone": [f"0151 {12345600 + i}" for i in range(n)] + ["nope"],
            "email": [f" User{i}@Example.COM" for i in range(n)] + ["broken"],
            "country": ["GB"] * 3 + ["DE"] * (n - 2),
        }
    )
    out, report = standardise_phones(df, PhoneConfig(["phone"], "DE", "country"))
    assert out["phone"].tolist()[3:n] == [f"+49151{12345600 + i}" for i in range(3, n)]
    assert out["phone"].tolist()[:3] == df["phone"].tolist()[:3]  # not UK numbers: kept
    assert (report.changed_cells, report.failed, report.failed_rows) == (n - 3, 4, [0, 1, 2, n])
    out, report = standardise_emails(df, EmailConfig(["email"]))
    assert out["email"].tolist() == [f"user{i}@example.com" for i in range(n)] + ["broken"]
    assert out["email_invalid"].tolist() == [""] * n + ["yes"]
    roles = {"crm": {"phone": "phone", "email": "email", "country": "country"}}
    crm = quality_report({"crm": df}, roles).files["crm"]
    assert {c.column: c.invalid for c in crm.columns} == {"phone": 4, "email": 1, "country": 0}
