"""The import step reads a recipe's files side by side (core.steps.importing.read_tables):
each file gives what reading it alone gives, a bad file's own message still reaches the
user, and cancel stops the reading."""

from __future__ import annotations

import pandas as pd
import pytest

from core.errors import FileImportError
from core.io import ImportOptions, read_table
from core.jobs import Cancelled, JobContext
from core.steps.importing import read_tables


@pytest.fixture
def files(tmp_path):
    crm = pd.DataFrame({"customer_id": [f"C{i}" for i in range(300)],
                        "email": [f"p{i}@example.org" for i in range(300)]})
    crm.to_excel(tmp_path / "crm.xlsx", index=False)
    lines = [f"O{i},C{i % 300},2024-01-{1 + i % 28:02d},{i % 50}.50" for i in range(5000)]
    (tmp_path / "sales.csv").write_text("order_id,customer_id,order_date,amount\n"
                                        + "\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text("customer_id,event\nC1,open\n", encoding="utf-8")
    return {"crm": tmp_path / "crm.xlsx", "sales": tmp_path / "sales.csv",
            "events": tmp_path / "events.csv"}


def _options(paths) -> dict[str, ImportOptions]:
    return {name: ImportOptions() for name in paths}


def test_each_file_as_reading_it_alone_gives_in_the_order_given(files):
    read = read_tables(files, _options(files), JobContext())
    assert list(read) == ["crm", "sales", "events"]
    for name, path in files.items():
        alone, report = read_table(path)
        assert read[name][0].equals(alone), name
        assert read[name][1].sha256 == report.sha256
    assert read["sales"][0].shape == (5000, 4) and read["crm"][0]["email"].iloc[299] == "p299@example.org"


def test_a_bad_file_read_beside_the_largest_says_what_is_wrong(files):
    files["events"].write_text('customer_id,event\nC1,"open\n', encoding="utf-8")
    with pytest.raises(FileImportError, match='events.csv, line 2: a quoted value is never closed'):
        read_tables(files, _options(files), JobContext())


def test_the_largest_files_error_is_raised_and_cancel_stops_both(files):
    files["sales"].write_text("order_id,amount\n1,2,3\n" + "4,5\n" * 20000, encoding="utf-8")
    with pytest.raises(FileImportError, match="sales.csv, line 2: this row has 3 fields"):
        read_tables(files, _options(files), JobContext())
    stopped = JobContext()
    stopped.cancel()
    with pytest.raises(Cancelled):
        read_tables({"crm": files["crm"], "events": files["events"]}, _options(files), stopped)
