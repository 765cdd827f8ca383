"""A customer list with its own `segment` column through Import and Segments: the values
are kept as own_segment, and the screen's summary says so."""

import pandas as pd

from tests.ui.segments_support import import_and_find_groups


def test_own_segment_column_is_kept_and_named(window, qtbot, tmp_path):
    pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["Ann Lee", "Bo Ray"],
                  "segment": ["VIP", "Retail"]}).to_csv(tmp_path / "crm.csv", index=False)
    pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["C1", "C2"],
                  "order_date": ["2024-01-02", "2024-02-02"], "amount": ["10.00", "20.00"]}
                 ).to_csv(tmp_path / "sales.csv", index=False)
    files = {target: tmp_path / f"{target}.csv" for target in ("crm", "sales")}
    assert import_and_find_groups(window, qtbot, files) == []
    segments = window.screens["segments"]
    crm = window.document.frame("crm")
    assert crm["own_segment"].tolist() == ["VIP", "Retail"]
    assert crm["segment"].tolist() == ["Lost", "About to Sleep"]
    assert segments.summary.text() == ("2 people with orders in 2 named segments; 0 without any order. "
                                       "Your own 'segment' column is kept as 'own_segment'.")
