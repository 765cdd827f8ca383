"""The check is the export: on the demo, after merging duplicates, the pre-export check's
messages, files and people left out are exactly what Export writes, one message per
person; people skipped for an empty field are warned about, never a tick next to 0."""

import email
from email import policy

import pandas as pd

from app.actions import compose as compose_actions
from core.compose.campaign import Campaign
from core.compose.template import Template


def _idle(window, qtbot, step, timeout=60000):
    qtbot.waitUntil(lambda: not window.jobs.is_running(step), timeout=timeout)


def _demo_with_duplicates_merged(window, qtbot):
    doc = window.document
    window.screens["import"].demo_button.click()
    qtbot.waitUntil(lambda: doc.frame("crm") is not None and doc.frame("sales") is not None,
                    timeout=30000)
    dupes = window.screens["duplicates"]
    window.go_to("duplicates")
    qtbot.waitUntil(lambda: dupes.grouped is not None, timeout=60000)
    dupes.merge_button.click()
    qtbot.waitUntil(lambda: "cluster_id" in doc.frame("crm").columns, timeout=60000)
    segments = window.screens["segments"]
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None, timeout=60000)


def test_the_check_counts_what_export_writes_after_merging_duplicates(window, qtbot, tmp_path):
    _demo_with_duplicates_merged(window, qtbot)
    doc = window.document
    crm = doc.frame("crm")
    people = crm["cluster_id"].nunique()
    assert people < len(crm)  # the demo has duplicates, now one person each
    compose = window.screens["compose"]
    window.go_to("compose")
    campaign = compose_actions.starter(doc)
    text = campaign.templates["A"].text.replace("Thank you", "We may call you on {{ phone }}. Thank you")
    doc.set_state("compose", Campaign({"A": Template(campaign.templates["A"].subject, text)},
                                      campaign.config).to_state(), "Write")
    compose.run_check()
    qtbot.waitUntil(lambda: compose.checks is not None, timeout=60000)
    summary = compose.check_summary
    lines = [c.text for c in compose.checks]
    no_phone = summary["reasons"].get("message could not be written: the field phone is empty "
                                      "and has no default", 0)
    assert no_phone > 0 and lines[0] == (
        f"{no_phone} {'person' if no_phone == 1 else 'people'} will get no message: the field "
        "phone is empty and has no default. Add a default or fill the field.")
    assert compose.status()[0] == "needs attention"  # people skipped: no tick

    export = window.screens["export"]
    window.go_to("export")
    _idle(window, qtbot, "export")
    assert export.plan["written"] == summary["written"] and export.plan["files"] == summary["files"]
    out = tmp_path / "out"
    export.folder.setText(str(out))
    export.export_button.click()
    qtbot.waitUntil(lambda: doc.state("export") is not None, timeout=60000)
    written = sorted(out.glob("*.eml"))
    left_out = pd.read_csv(out / "left_out.csv", dtype=str, keep_default_na=False)
    assert len(written) == summary["written"] > 0
    assert len(list(out.iterdir())) == summary["files"] == len(written) + 1
    assert len(left_out) == summary["left_out"]
    assert left_out["reason"].value_counts().to_dict() == summary["reasons"]
    to = [email.message_from_bytes(p.read_bytes(), policy=policy.default)["To"] for p in written]
    assert len(set(to)) == len(to)  # one message per person, duplicates merged
    assert summary["written"] + summary["left_out"] == people
    assert (f"Export will write {summary['files']:,} files (.eml) and leave out "
            f"{summary['left_out']:,} people.") in lines


def test_no_tick_next_to_no_message(window, qtbot):
    doc = window.document
    doc.set_frame("crm", pd.DataFrame({"email": ["a@example.org", "b@example.org"],
                                       "consent": ["no", "no"]}),
                  "Import", roles={"email": "email", "consent": "consent"})
    compose = window.screens["compose"]
    window.go_to("compose")
    compose.commit()
    compose.run_check()
    qtbot.waitUntil(lambda: compose.checks is not None, timeout=30000)
    assert compose.check_summary["written"] == 0
    assert compose.checks[0].text.startswith("No message will be written")
    assert compose.status()[0] == "needs attention"
