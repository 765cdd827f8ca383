"""Several customer lists in the window: every sales line a list's own id names keeps its
customer (issue 15).

The person table keeps one row per person, but a sales line carries the id of the record
it was sold to -- maybe a duplicate merged into someone else's row. The window looks
each line's id up among every list's records, as ``localreach run`` with ``[[sources]]``
does, so adding a list never loses a line, and both give each person the same orders
and spend.
"""

from __future__ import annotations

import pandas as pd

from app.actions import imports, segments
from app.document import Document
from core.io import read_table
from core.recipe import load_recipe, run_recipe
from core.resources import resource_path

NEWS = {"first_name": "First name", "last_name": "Surname", "email": "Email", "city": "Town"}


def _lists(folder) -> tuple:
    """Two more lists of the demo's people: a newsletter (no ids, other headers) and a
    till's loyalty cards with their own card numbers."""
    crm = read_table(resource_path("demo", "crm.xlsx"))[0]
    news = crm.iloc[::3][list(NEWS)].rename(columns=NEWS)
    till = crm.iloc[1::4][["first_name", "last_name", "postcode", "phone"]]
    till.insert(0, "card", [f"T{9000 + i}" for i in range(len(till))])
    paths = folder / "news.csv", folder / "till.csv"
    news.to_csv(paths[0], index=False)
    till.to_csv(paths[1], index=False)
    return paths


def _matched(doc: Document) -> int:
    """Sales lines the segment step gives to a customer of the list."""
    customers, lines, engine = segments.resolved_inputs(*segments.step_inputs(doc))
    ids = set(customers[engine.id_column].astype(str))
    return int(lines[engine.sales_id_column].astype(str).isin(ids).sum())


def test_adding_lists_keeps_every_sales_line_and_run_gives_each_person_the_same(tmp_path):
    news, till = _lists(tmp_path)
    doc = Document()
    imports.load_demo(doc).run()
    counts = [_matched(doc)]
    for path, name in ((news, "news"), (till, "till")):
        imports.add_customer_list(doc, path, {}, {}, name).run()
        counts.append(_matched(doc))
    # Before the fix: 3,363 and then 3,134 (a merged duplicate's own id matched nobody).
    assert counts == [3363, 3363, 3363] == [len(doc.frame("sales"))] * 3
    segments.find_groups(doc).run()
    window = doc.frame("crm").set_index("person_id")

    (tmp_path / "r.toml").write_text(
        f'name = "Three lists"\n[[sources]]\nname = "crm"\nfile = "{resource_path("demo", "crm.xlsx")}"\n'
        f'[[sources]]\nname = "news"\nfile = "{news}"\n[[sources]]\nname = "till"\nfile = "{till}"\n'
        f'[sales]\nfile = "{resource_path("demo", "sales.csv")}"\n[steps.link]\n[steps.segment]\n',
        encoding="utf-8")
    recipe, base = load_recipe(tmp_path / "r.toml")
    run_recipe(recipe, tmp_path / "out", base=base)
    run = read_table(tmp_path / "out" / "customers.csv")[0].set_index("person_id")
    assert len(run) == len(window) == 400
    for column in ("frequency", "monetary"):
        got = pd.to_numeric(window[column]).fillna(0)
        want = pd.to_numeric(run[column]).fillna(0).reindex(got.index)
        assert (got.round(2) == want.round(2)).all(), column
    assert pd.to_numeric(window["frequency"]).sum() > 0
