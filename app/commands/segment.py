"""`localreach segment FILE [--sales SALES] [--events EVENTS] -o OUT [--method ...] [--k auto|N]`:
customer groups, with each person's behaviour from an events file."""

from __future__ import annotations

from pathlib import Path

from app.commands import constant
from core.errors import LocalReachError

NAME = "segment"
HELP = "Put every customer in a group (RFM segments or clusters) and predict their value."


def add_arguments(parser) -> None:
    features = {name: constant("core.segment.features", name)
                for name in ("BASE_FEATURES", "DEFAULT_MODEL_FEATURES", "MIXES")}
    parser.add_argument("file", help="customer list (.csv/.tsv/.txt/.xlsx); a `cluster_id` "
                        "column from `localreach dedupe` counts several records as one person")
    parser.add_argument("--sales", help="sales lines linked by customer id (or `matched_id` "
                        "from `localreach link`, or e-mail); without it FILE must hold them")
    parser.add_argument("--events", help="events file (a GA4 or Matomo export, a shop's abandoned "
                        "checkouts...) joined by customer id or e-mail: adds sessions_<N>d, "
                        "product_views_<N>d, carts_abandoned_<N>d, last_abandoned_product, "
                        "last_event_date and days_since_last_event as of the analysis date; "
                        "they are clustering features only when --features names them")
    parser.add_argument("--activity-days", default="7,30", help="the events' windows in days, "
                        "comma-separated (default: 7,30)")
    parser.add_argument("-o", "--output", required=True, help="output .csv/.xlsx: every input "
                        "row and column, in order, plus: " + "; ".join(
                            f"{k} = {v}" for k, v in constant("core.segment.pipeline", "OUTPUT_COLUMNS").items()))
    parser.add_argument("--method", choices=constant("core.segment.pipeline", "METHODS"), default="rfm",
                        help="rfm: the 11 classic named segments; kmeans / gmm / hierarchical: "
                        "groups found in the data (default: rfm)")
    parser.add_argument("--k", default="auto", help="number of groups for clustering, or "
                        "'auto' to use the proposed number (default: auto)")
    parser.add_argument("--features",
                        help="comma-separated features for clustering (default: those the files "
                        "can give, of " + ",".join(features["DEFAULT_MODEL_FEATURES"]) + "), from: "
                        + ", ".join(features["BASE_FEATURES"] + tuple(features["MIXES"])) + ", age (from date of "
                        "birth), or any column of FILE (numbers, or text with a few values)")
    parser.add_argument("--ties", choices=("together", "first"), default="together",
                        help="RFM scores for equal values: 'together' gives them the same "
                        "score, 'first' breaks ties by customer id (default: together)")
    parser.add_argument("--id-column", help="customer id column in FILE (default: the column "
                        "whose role is customer id)")
    parser.add_argument("--as-of", help="analysis date YYYY-MM-DD: later orders are left "
                        "out (default: the day after the last order)")
    parser.add_argument("--horizon-days", type=int, help="also add expected_orders_<N>d and "
                        "value_<N>d: expected orders and spend over the next N days")
    parser.add_argument("--check-until", help="holdout check: fit on the orders up to "
                        "--as-of, then compare the forecast with the orders really placed up "
                        "to this date YYYY-MM-DD, per group of repeat buyers")
    parser.add_argument("--propensity-days", type=int, help="also add buy_probability_<N>d: "
                        "the chance each customer orders in the next N days (a gradient-"
                        "boosting model learnt from earlier periods, checked on the last N "
                        "days with AUC and lift against recency alone)")
    parser.add_argument("--fairness", action="append", default=[], metavar="COLUMN",
                        help="print each group's share of every segment against all "
                        "customers for this column of FILE (gender; a date of birth is read as "
                        "age bands, a postcode as its area), largest gap flagged; repeatable")
    parser.add_argument("--seed", type=int, default=0, help="random seed for clustering")


def _k(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        return int(text)
    except ValueError:
        raise LocalReachError(f"--k must be 'auto' or a whole number, not '{text}'.") from None


def _days(text: str) -> list[int]:
    try:
        return [int(d) for d in text.split(",") if d.strip()]
    except ValueError:
        raise LocalReachError(f"--activity-days must be whole numbers like 7,30, not '{text}'.") from None


def run(args) -> int:
    from app.commands._common import roles_of, run_step
    from app.terminal import cli_context
    from core.io import read_table, write_table
    from core.roles import Role

    out = Path(args.output)
    sources = [Path(p) for p in (args.file, args.sales, args.events) if p]
    if out.suffix.lower() not in (".csv", ".tsv", ".txt", ".xlsx"):
        raise LocalReachError(f"Output '{out.name}' must end in .csv, .tsv, .txt or .xlsx.")
    if any(s.exists() and out.exists() and out.resolve() == s.resolve() for s in sources):
        raise LocalReachError(f"Output '{out.name}' is an input file; choose another name "
                              "(source files are never changed).")
    features = [f.strip() for f in args.features.split(",") if f.strip()] if args.features else None
    settings = {"method": args.method, "k": _k(args.k), "ties": args.ties, "features": features,
                "id_column": args.id_column, "as_of": args.as_of, "seed": args.seed,
                "horizon_days": args.horizon_days, "check_until": args.check_until,
                "propensity_days": args.propensity_days, "activity_days": _days(args.activity_days)}
    ctx = cli_context()
    crm, _ = read_table(args.file, ctx=ctx)
    roles = {"crm": roles_of(crm)}
    if args.sales:
        sales = read_table(args.sales, ctx=ctx)[0]
        roles["sales"] = roles_of(sales)
    elif Role.ORDER_DATE.value not in roles["crm"].values():
        raise LocalReachError(f"'{Path(args.file).name}' holds no orders (no 'order_date' "
                              "column); give the sales file with --sales.")
    else:  # the file's lines name the people, as the window groups them
        sales, roles["sales"] = _not_segmented(crm), roles["crm"]
        crm, roles["crm"] = _customers(sales, roles["sales"], Path(args.file).name)
    for column in args.fairness:
        if column not in crm.columns:
            raise LocalReachError(f"--fairness {column}: '{Path(args.file).name}' has no such "
                                  "column.")
    frames = {"crm": crm, "sales": sales}
    if args.events:
        from core.steps.activity import EVENTS, events_roles

        frames[EVENTS] = read_table(args.events, ctx=ctx)[0]
        roles[EVENTS] = events_roles(frames[EVENTS])
    frames, step_report, _ = run_step("segment", frames, roles, settings, ctx)
    result, report = frames["crm"], step_report.details
    write_table(result if args.sales else _on_lines(sales, crm, result, roles["sales"], report), out, ctx=ctx)
    print(summary(report))
    for column in args.fairness:
        print("\n".join(_fairness_lines(result, column, report["as_of"], report["config"])))
    return 0


def _not_segmented(lines):
    """The lines without an earlier segmentation's columns (its output, segmented again),
    so none is taken for the user's own."""
    from core.segment.pipeline import OUTPUT_COLUMNS, segmented_before

    if not segmented_before(lines.columns):
        return lines
    return lines.drop(columns=[c for c in lines.columns if c in OUTPUT_COLUMNS])


def _customers(sales, roles: dict[str, str], name: str):
    """(one row per customer the sales lines name, its roles): lines without a customer
    id or e-mail are no one (a till's walk-in sales: a quarter of the UCI Online Retail
    lines), not a person of their own."""
    from app.sales_customers import customer_key, customers_from_sales

    if customer_key(roles) is None:
        raise LocalReachError(f"'{name}' names no customer (no customer id or e-mail column); "
                              "give the customer list as FILE and the sales file with --sales.")
    return customers_from_sales(sales, roles)


def _on_lines(sales, customers, result, roles: dict[str, str], report: dict):
    """Every sales line with its customer's segment and figures (blank for a line that
    names no one): the output keeps every input row, and each of its columns an output
    would overwrite as ``own_<column>`` (the segment step's names for the list's)."""
    import pandas as pd

    from app.sales_customers import customer_key
    from core.lookup import id_positions
    from core.segment.pipeline import own_names

    key = customer_key(roles)
    kept = report.get("kept_own", {})
    added = [c for c in result.columns
             if (c not in customers.columns or c in kept) and c not in kept.values()]
    found = id_positions(result[key], sales[key])
    figures = result[added].reset_index(drop=True).astype(object)
    figures.loc[len(figures)] = ""  # position -1: no one
    clash = {c: kept.get(c, new) for c, new in own_names(sales.columns, added).items()}
    report["kept_own"] = {**kept, **clash}  # the summary names them
    lines = sales.rename(columns=clash).reset_index(drop=True)
    return pd.concat([lines, figures.iloc[found].reset_index(drop=True)], axis=1)


def _fairness_lines(result, column: str, as_of: str | None, config) -> list[str]:
    import datetime as dt

    from core.segment.fairness import fairness_report, report_lines

    reference = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    return report_lines(fairness_report(result, column, reference, config.feature_config()))


def summary(report: dict) -> str:
    """A few plain lines: people, groups and their sizes, and why this many groups."""
    from app.actions.segments import summary_notes
    from core.quality.base import count

    lines = [f"{report['people']:,} people, {report['buyers']:,} with orders."]
    if "k_choice" in report:
        lines.append(report["k_choice"]["reason"])
    for row in report["sizes"].itertuples():
        lines.append(f"  {row.segment}: {row.people:,} ({row.share:.0%})")
    if "holdout" in report:
        check = report["holdout"]
        lines.append(check["verdict"])
        lines.append("  repeat orders before | people | expected after | placed after")
        lines += [f"  {r.group:>20} | {r.people:>6,} | {r.predicted:>14.2f} | {r.actual:>12.2f}"
                  for r in check["table"].itertuples()]
    if "propensity" in report:
        lines += _propensity_lines(report["propensity"])
    lines += summary_notes(report)
    if report["unmatched_sales_lines"]:
        lines.append(f"{count(report['unmatched_sales_lines'], 'sales line')} matched no customer.")
    lines += report.get("orders_counted") or []  # a tool's export: refunds, voids set aside
    lines += report.get("activity") or []
    return "\n".join(lines)


def _propensity_lines(check: dict) -> list[str]:
    """The forecast's verdict and its lift per tenth of customers, ours beside recency's."""
    lines = [check["verdict"], "  tenth | people | ordered: model | recency alone"]
    lines += [f"  {r.decile:>5} | {r.people:>6,} | {r.rate:>14.0%} | {r.baseline_rate:>13.0%}"
              for r in check["lift"].itertuples()]
    return lines
