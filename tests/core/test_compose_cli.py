"""`localreach merge`: the CLI contract (exit 2 and nothing written on bad input)."""

import email
from email import policy

import pandas as pd

from app.cli import main

TEMPLATE = ("Subject: Hello {{ first_name | default('there') }}\n\n"
            "Dear {{ first_name | default('customer') }},\n"
            "{% if recommendations %}Try: {{ recommendations | join(', ') }}\n{% endif %}")


def _files(tmp_path, template=TEMPLATE, **columns):
    data = {"customer_id": ["c1", "c2", "c3"], "first_name": ["Ann", "", "Cy"],
            "email": ["ann@example.org", "bob@example.org", "cy@example.org"],
            "consent": ["yes", "yes", "no"]}
    data.update(columns)
    pd.DataFrame(data).to_csv(tmp_path / "crm.csv", index=False)
    pd.DataFrame({"customer_id": ["c1", "c2", "c2"], "product": ["Tea", "Tea", "Mug"]}).to_csv(
        tmp_path / "sales.csv", index=False)
    (tmp_path / "t.txt").write_text(template, "utf-8")


def test_merge_writes_contactable_people_with_recommendations(tmp_path, capsys):
    _files(tmp_path)
    code = main(["merge", str(tmp_path / "crm.csv"), "--template", str(tmp_path / "t.txt"),
                 "--sales", str(tmp_path / "sales.csv"), "-o", str(tmp_path / "out"),
                 "--format", "eml"])
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"Wrote 2 messages as .eml to {tmp_path / 'out'} (3 files).",
        f"Left out 1 person: 1 said no to being contacted. Rows and reasons: "
        f"{tmp_path / 'out' / 'left_out.csv'}",
    ]
    msgs = [email.message_from_bytes((tmp_path / "out" / f"message-0000{i}.eml").read_bytes(),
                                     policy=policy.default) for i in (1, 2)]
    assert [m.get_content() for m in msgs] == ["Dear Ann,\nTry: Mug\n", "Dear customer,\n"]


def test_unknown_field_exits_2_and_writes_nothing(tmp_path, capsys):
    _files(tmp_path, template="Subject: Hi\n\nDear {{ frist_name }}\n")
    code = main(["merge", str(tmp_path / "crm.csv"), "--template", str(tmp_path / "t.txt"),
                 "-o", str(tmp_path / "out"), "--format", "csv"])
    assert code == 2
    assert capsys.readouterr().err == ("localreach merge: text body: unknown merge field "
                                       "frist_name; did you mean first_name?\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.csv", "sales.csv", "t.txt"]


def test_unsafe_template_exits_2(tmp_path, capsys):
    _files(tmp_path, template="Subject: Hi\n\n{{ cycler.__init__.__globals__.os.popen('id').read() }}")
    code = main(["merge", str(tmp_path / "crm.csv"), "--template", str(tmp_path / "t.txt"),
                 "-o", str(tmp_path / "out"), "--format", "eml"])
    assert code == 2
    assert "unsafe template: access to __globals__ is not allowed" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_no_email_column_exits_2(tmp_path, capsys):
    pd.DataFrame({"name": ["Ann"]}).to_csv(tmp_path / "crm.csv", index=False)
    (tmp_path / "t.txt").write_text("Subject: Hi\n\nHello\n", "utf-8")
    code = main(["merge", str(tmp_path / "crm.csv"), "--template", str(tmp_path / "t.txt"),
                 "-o", str(tmp_path / "out"), "--format", "eml"])
    assert code == 2
    assert capsys.readouterr().err == (
        "localreach merge: the data has no e-mail column; mark one as E-mail on the Import step "
        "or name it 'email'\n")
    assert not (tmp_path / "out").exists()
