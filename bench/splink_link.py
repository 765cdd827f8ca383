"""Splink 5 with DuckDB on the lists bench/link_bench.py writes (not a test, not a dependency).

Run it from its own virtual environment, never the project's:

    python3 -m venv /tmp/splink-venv && /tmp/splink-venv/bin/pip install splink duckdb
    .venv/bin/python bench/link_bench.py 1000000 --files /tmp/linkbench
    /tmp/splink-venv/bin/python bench/splink_link.py /tmp/linkbench 1000000

A model like LocalReach's: names with term frequencies, birthday, e-mail, phone, street,
town and postcode; u from random pairs, m by EM, the same kind of blocking rules; links
at probability 0.9, one per loyalty record and per shop record (strongest first).
Prints time, CPU, peak memory and precision/recall/F1 against the truth.
"""

from __future__ import annotations

import resource
import sys
import time

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def main(folder: str, n: int) -> None:
    shop = pd.read_csv(f"{folder}/shop_{n}.csv", dtype=str)
    loyalty = pd.read_csv(f"{folder}/loyalty_{n}.csv", dtype=str)
    truth = loyalty.pop("true_shop_id").fillna("")
    start, cpu = time.perf_counter(), time.process_time()
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="customer_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("street", 2),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("postcode", 1),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phone"),
            block_on("last_name", "postcode"),
            block_on("first_name", "date_of_birth"),
            block_on("last_name", "date_of_birth"),
            block_on("first_name", "last_name"),
            block_on("street", "postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    tables = [db.register(shop, table_name="shop"), db.register(loyalty, table_name="loyalty")]
    linker = Linker(tables, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth"), block_on("email")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("last_name", "postcode"))
    pairs = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    pairs = pairs.sort_values("match_weight", ascending=False)
    left = "customer_id_l" if pairs["source_dataset_l"].iloc[0] == "shop" else "customer_id_r"
    right = "customer_id_r" if left == "customer_id_l" else "customer_id_l"
    # One-to-one, strongest link first.
    best = pairs.drop_duplicates(right).drop_duplicates(left)
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = loyalty["customer_id"].map(best.set_index(right)[left]).fillna("")
    linked = found != ""
    tp = int((linked & (found == truth)).sum())
    precision, recall = tp / max(int(linked.sum()), 1), tp / max(int((truth != "").sum()), 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n== Splink (DuckDB) link {len(shop):,} x {len(loyalty):,}, one-to-one")
    print(f"  time {secs:.1f} s (CPU {cpu:.1f} s), peak memory {peak:,.0f} MB, "
          f"pairs at 0.9: {len(pairs):,}")
    print(f"  precision {precision:.4f}  recall {recall:.4f}  "
          f"F1 {2 * precision * recall / max(precision + recall, 1e-12):.4f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
