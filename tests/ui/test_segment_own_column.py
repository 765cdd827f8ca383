"""A customer list with its own `segment` column through Import and Segments: the values
are kept as own_segment, and the screen's summary says so."""

import pandas as pd


def test_own_segment_column_is_kept_and_named(window, qtbot, tmp_path):
    pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["Ann Lee", "Bo Ray"],
                  "segment": ["VIP", "Retail"]}).to_csv(tmp_path / "crm.csv", index=False)
    pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["C1", "C2"],
                  "order_date": ["2024-01-02", "2024-02-02"], "amount": ["10.00", "20.00"]}
                 ).to_csv(tmp_path / "sales.csv", index=False)
    imports = window.screens["import"]
    for target in ("crm", "sales"):
        imports.preview_file(target, tmp_path / f"{target}.csv")
        qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=30000)
        imports.import_pending()
        qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=30000)
    errors = []
    segments = window.screens["segments"]
    segments.show_error = errors.append
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None or bool(errors), timeout=30000)
    assert errors == []
    crm = window.document.frame("crm")
    assert crm["own_segment"].tolist() == ["VIP", "Retail"]
    assert crm["segment"].tolist() == ["Lost", "About to Sleep"]
    assert segments.summary.text() == ("2 people with orders in 2 named segments; 0 without any order. "
                                       "Your own 'segment' column is kept as 'own_segment'.")
