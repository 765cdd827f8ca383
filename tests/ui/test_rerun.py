"""File > Run this project on new files: the demo project re-run on next month's export."""

import pandas as pd

from core.io import read_table, write_table
from core.resources import resource_path
from ui.widgets.rerun_dialog import RerunDialog


def test_rerun_counts_the_new_people(window, qtbot, tmp_path):
    screen = window.screens["import"]
    screen.load_demo()
    qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=30000)
    window.document.set_state("segments", {"config": {"method": "rfm"}}, "Make groups")

    crm, _ = read_table(resource_path("demo", "crm.xlsx"))
    newcomers = crm.head(3).copy()
    newcomers["customer_id"] = ["N-1", "N-2", "N-3"]
    newcomers["first_name"] = ["Zora", "Ymke", "Xaver"]
    newcomers["last_name"] = ["Quast", "Pohl", "Oster"]
    newcomers["email"] = ["zq@example.org", "yp@example.org", "xo@example.org"]
    newcomers["phone"] = ["", "", ""]
    newcomers["street"] = ["Am Markt 1", "Hafenweg 2", "Lindenallee 3"]
    write_table(pd.concat([crm, newcomers], ignore_index=True), tmp_path / "crm_next.csv")
    before = (tmp_path / "crm_next.csv").read_bytes()

    dialog = RerunDialog(window.document, window.jobs, window)
    dialog.lists[""].edit.setText(str(tmp_path / "crm_next.csv"))
    dialog.sales.edit.setText(str(resource_path("demo", "sales.csv")))
    dialog.outdir.edit.setText(str(tmp_path / "out"))
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=120000)

    changes = dialog.report["changes"]
    assert changes["new_people"] == 3
    assert changes["gone_records"] == 0
    table = dialog.model.frame()
    assert sorted(table.loc[table["change"] == "new", "customer_ids"]) == ["N-1", "N-2", "N-3"]
    assert "3 new people" in dialog.summary.text()
    assert (tmp_path / "out" / "customers.csv").is_file()
    assert (tmp_path / "crm_next.csv").read_bytes() == before  # the new export is only read


def test_rerun_without_an_import_says_what_to_do(window, qtbot, tmp_path):
    dialog = RerunDialog(window.document, window.jobs, window)
    dialog.lists[""].edit.setText(str(tmp_path / "x.csv"))
    dialog.outdir.edit.setText(str(tmp_path / "out"))
    dialog.run_button.click()
    qtbot.waitUntil(lambda: "Import a customer list first" in dialog.summary.text(), timeout=10000)
    assert not (tmp_path / "out").exists()
