"""The demo business: a synthetic CRM and sales history with known duplicates and segments.

``generate(outdir, customers, seed)`` writes ``crm.xlsx`` (sheet "Contacts"; ``crm.csv``
when the CRM outgrows a spreadsheet's 1,048,576 rows), ``sales.csv``
and ``truth.csv`` (each CRM record's true person and latent behaviour), the same bytes
for the same seed. All three files are replaced together at the end, or not at all.
"""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path

import numpy as np

from core.atomic import atomic_path
from core.demo.crm import CRM_COLUMNS, Crm
from core.demo.people import add_emails, add_households, make_people
from core.demo.sales import SALES_COLUMNS, Catalogue, Orders, make_orders
from core.demo.spec import iso_days, load_spec
from core.demo.writers import write_csv, write_xlsx
from core.errors import LocalReachError
from core.io.write import XLSX_MAX_ROWS, neutralise_formula
from core.jobs import JobContext, ensure_context

__all__ = ["CRM_COLUMNS", "SALES_COLUMNS", "TRUTH_COLUMNS", "generate"]

TRUTH_COLUMNS = ["customer_id", "person_id", "behaviour"]
CHUNK = 200_000
_DUPLICATE_BOOKING = 0.35  # share of a duplicated person's orders booked on a duplicate record


def generate(
    outdir: str | Path, customers: int = 1000, seed: int = 0, ctx: JobContext | None = None
) -> dict:
    """Write the three demo files into ``outdir``; return what was written (JSON-ready)."""
    ctx = ensure_context(ctx)
    if customers < 1:
        raise LocalReachError("The demo needs at least 1 customer: use --customers 1 or more.")
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise LocalReachError(f"{out} is a file, not a folder: choose a folder for the demo files.")
    spec = load_spec()
    rng = np.random.default_rng(seed)
    ctx.progress(0, 1, "Inventing customers")
    people = make_people(rng, spec, customers)
    households = add_households(rng, spec, people)
    add_emails(rng, spec, people)
    catalogue = Catalogue.from_spec(spec)
    orders = make_orders(rng, spec, people.behaviour, catalogue)
    ctx.check()
    crm = Crm(rng, spec, people, orders.first_day)
    n_records = len(crm)
    perm = rng.permutation(n_records)  # perm[q]: the record written at row q
    position = np.empty(n_records, dtype=np.int64)
    position[perm] = np.arange(n_records)
    ids = np.array([f"C{q + 100001:07d}" for q in range(n_records)], dtype=object)
    booked_on = _booking_records(rng, crm, orders)
    total = 2 * n_records + len(orders)

    def report(offset: int, message: str):
        return lambda done: ctx.progress(offset + done, total, message)

    names = np.array([b["name"] for b in spec["behaviours"]], dtype=object)
    person_rows = crm.person_of()[perm]
    truth = zip(
        ids,
        (f"P{p + 1:07d}" for p in person_rows),
        names[people.behaviour[person_rows]],
        strict=True,
    )
    # a sheet holds 1,048,576 rows: a bigger CRM is written as crm.csv instead
    crm_name = "crm.xlsx" if n_records <= XLSX_MAX_ROWS else "crm.csv"
    paths = {"crm": out / crm_name, "sales": out / "sales.csv", "truth": out / "truth.csv"}
    with contextlib.ExitStack() as stack:
        tmp = {k: stack.enter_context(atomic_path(p)) for k, p in paths.items()}
        rows = ([ids[q], *crm.row(int(perm[q]))] for q in range(n_records))
        if crm_name.endswith(".xlsx"):
            write_xlsx(tmp["crm"], "Contacts", CRM_COLUMNS, rows, report(0, "Writing the CRM"))
        else:  # "+49 ..." must stay text when the CSV is opened in a spreadsheet
            safe = ([neutralise_formula(v) for v in row] for row in rows)
            write_csv(tmp["crm"], CRM_COLUMNS, _batched(safe), report(0, "Writing the CRM"))
        truth_chunks = _batched(truth)
        write_csv(
            tmp["truth"], TRUTH_COLUMNS, truth_chunks, report(n_records, "Writing the truth file")
        )
        sales = _sales_chunks(orders, catalogue, ids[position][booked_on], spec["channels"])
        write_csv(tmp["sales"], SALES_COLUMNS, sales, report(2 * n_records, "Writing the sales"))
        ctx.progress(total, total, "Done")
    behaviour_counts = np.bincount(people.behaviour, minlength=len(names))
    return {
        "people": int(customers),
        "crm_rows": int(n_records),
        "people_with_duplicates": int(len(crm.dup_people)),
        "duplicate_records": int(len(crm.dup_rows)),
        "households": int(households),
        "sales_rows": int(len(orders)),
        "behaviours": {str(n): int(c) for n, c in zip(names, behaviour_counts, strict=True)},
        "files": {k: str(p) for k, p in paths.items()},
    }


def _booking_records(rng: np.random.Generator, crm: Crm, orders: Orders) -> np.ndarray:
    """The CRM record each order is booked on: usually the original, sometimes a duplicate."""
    booked = orders.person.astype(np.int64)
    dup = (crm.dup_count[booked] > 0) & (rng.random(len(orders)) < _DUPLICATE_BOOKING)
    who = booked[dup]
    booked[dup] = crm.dup_start[who] + (rng.random(who.size) * crm.dup_count[who]).astype(np.int64)
    return booked


def _batched(rows):
    """Lists of up to :data:`CHUNK` rows from an iterator of rows."""
    rows = iter(rows)
    return iter(lambda: list(itertools.islice(rows, CHUNK)), [])


def _money(values: np.ndarray) -> list[str]:
    return [f"{v:.2f}" for v in values.tolist()]


def _sales_chunks(orders: Orders, cat: Catalogue, customer_ids: np.ndarray, channels: list[str]):
    """Sales rows as text, a chunk at a time, in :data:`SALES_COLUMNS` order."""
    channel_names = np.array(channels, dtype=object)
    for start in range(0, len(orders), CHUNK):
        sl = slice(start, start + CHUNK)
        product = orders.product[sl]
        n = len(product)
        yield list(zip(
            [f"O{i:08d}" for i in range(start + 1, start + n + 1)],
            customer_ids[sl],
            iso_days(orders.day[sl]).tolist(),
            cat.names[product],
            cat.categories[product],
            channel_names[orders.channel[sl]],
            orders.quantity[sl].astype(str).tolist(),
            _money(cat.prices[product]),
            _money(orders.discount[sl]),
            _money(orders.amount[sl]),
            ["EUR"] * n,
            strict=True,
        ))  # fmt: skip
