"""The cleaning steps by name, the sensible default list, and running a saved step list.

A step list is plain JSON/TOML data -- ``[{"step": "phones", "columns": ["phone"],
"region": <the project's>}, ...]`` -- so the same cleaning can be saved in a recipe, shown in the
GUI and re-run next month on a new export with ``localreach clean --steps``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from core.errors import LocalReachError
from core.jobs import JobContext, ensure_context
from core.normalise.dates import guess_format
from core.quality.base import StepReport, as_text
from core.quality.clustering import ValueMergeConfig, merge_values
from core.quality.contact import EmailConfig, PhoneConfig, standardise_emails, standardise_phones
from core.quality.dates import DateConfig, standardise_dates
from core.quality.impute import ImputeConfig, impute_missing, numeric_columns
from core.quality.money import MoneyConfig, standardise_money
from core.quality.places import (
    CountryConfig,
    PostcodeConfig,
    standardise_countries,
    standardise_postcodes,
)
from core.quality.text import NameCaseConfig, TrimConfig, case_names, trim_spaces
from core.roles import Role


@dataclass(frozen=True)
class StepKind:
    """One kind of cleaning step: its id in step lists, a title for people, config and function."""

    name: str
    title: str
    config: type
    run: Callable


STEPS: dict[str, StepKind] = {
    k.name: k
    for k in (
        StepKind("trim", "Trim spaces", TrimConfig, trim_spaces),
        StepKind("names", "Name casing", NameCaseConfig, case_names),
        StepKind("emails", "E-mail addresses", EmailConfig, standardise_emails),
        StepKind("phones", "Phone numbers", PhoneConfig, standardise_phones),
        StepKind("dates", "Dates", DateConfig, standardise_dates),
        StepKind("money", "Money", MoneyConfig, standardise_money),
        StepKind("countries", "Countries", CountryConfig, standardise_countries),
        StepKind("postcodes", "Postcodes", PostcodeConfig, standardise_postcodes),
        StepKind("merge_values", "Merge spellings", ValueMergeConfig, merge_values),
        StepKind("impute", "Fill gaps in numbers", ImputeConfig, impute_missing),
    )
}
NAME_ROLES = (Role.FIRST_NAME, Role.LAST_NAME, Role.FULL_NAME)
DATE_ROLES = (Role.DATE_OF_BIRTH, Role.ORDER_DATE)


def parse_step(item: dict, position: int = 1) -> tuple[StepKind, object]:
    """``{"step": name, **config}`` -> (kind, config); a bad entry names its position."""
    if not isinstance(item, dict) or item.get("step") not in STEPS:
        name = item.get("step") if isinstance(item, dict) else None
        raise LocalReachError(
            f"Step list: step {position} ('{name}') is not a known step; "
            f"use one of {', '.join(STEPS)}"
        )
    kind = STEPS[item["step"]]
    known = {f.name for f in fields(kind.config)}
    unknown = sorted(set(item) - known - {"step"})
    if unknown:
        raise LocalReachError(
            f"Step list: step {position} ('{kind.name}') has unknown setting '{unknown[0]}'; "
            f"it takes {', '.join(sorted(known))}"
        )
    return kind, kind.config(**{k: v for k, v in item.items() if k != "step"})


def step_dict(name: str, config) -> dict:
    """The JSON form of one step (the inverse of :func:`parse_step`)."""
    return {"step": name, **asdict(config)}


def load_steps(path: str | os.PathLike) -> list[dict]:
    """Read a step list saved as JSON; refuse anything else with one clear line."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LocalReachError(f"Step list {p.name}: file not found; check the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise LocalReachError(
            f"Step list {p.name}: not readable JSON{where}; save it as a JSON list of steps"
        ) from None
    if not isinstance(data, list):
        raise LocalReachError(f"Step list {p.name}: expected a JSON list of steps")
    for i, item in enumerate(data, 1):
        parse_step(item, i)
    return data


def columns_with(roles: dict[str, str], *wanted: Role) -> list[str]:
    return [col for col, role in roles.items() if role in wanted]


def default_steps(df: pd.DataFrame, roles: dict[str, str], region: str | None) -> list[dict]:
    """The sensible cleaning for a file with these column roles (what ``clean`` does).

    ``region`` is the project's (see :mod:`core.region`), None when it is not known.
    """
    roles = {c: r for c, r in roles.items() if c in df.columns}
    steps = [step_dict("trim", TrimConfig())]
    if names := columns_with(roles, *NAME_ROLES):
        steps.append(step_dict("names", NameCaseConfig(names)))
    if emails := columns_with(roles, Role.EMAIL):
        steps.append(step_dict("emails", EmailConfig(emails)))
    countries = columns_with(roles, Role.COUNTRY)
    if phones := columns_with(roles, Role.PHONE):
        steps.append(step_dict("phones", PhoneConfig(phones, region, (countries or [""])[0])))
    if dates := columns_with(roles, *DATE_ROLES):
        formats = {c: guess_format(_distinct_stripped(df[c])) for c in dates}
        steps.append(step_dict("dates", DateConfig(formats)))
    if amounts := columns_with(roles, Role.AMOUNT, Role.UNIT_PRICE):
        currency = columns_with(roles, Role.CURRENCY)
        steps.append(step_dict("money", MoneyConfig(amounts, currency_column=(currency or [""])[0])))
    if countries:
        steps.append(step_dict("countries", CountryConfig(countries)))
    if postcodes := columns_with(roles, Role.POSTCODE):
        cfg = PostcodeConfig(postcodes, (countries or [""])[0], region)
        steps.append(step_dict("postcodes", cfg))
    return steps


def _distinct_stripped(values: pd.Series) -> list[str]:
    """The column's distinct texts, stripped, in order of first appearance: what the date
    format is guessed from (stripping a million sales dates, then walking them one by one
    through a pandas array, took 0.8 CPU-s of a 100k / 1M-line run)."""
    return [v.strip() for v in pd.unique(as_text(values).to_numpy(dtype=object))]


def suggested_steps(df: pd.DataFrame, roles: dict[str, str], region: str | None) -> list[dict]:
    """What the Quality screen offers: the default steps, plus filling numeric gaps if any."""
    steps = default_steps(df, roles, region)
    if numeric_columns(df, roles):
        steps.append(step_dict("impute", ImputeConfig()))
    return steps


def run_step(
    df: pd.DataFrame,
    item: dict,
    ctx: JobContext | None = None,
    roles: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, StepReport]:
    """Run one step from its JSON form (roles reach the steps that guard contact fields)."""
    kind, config = parse_step(item)
    if kind.name == "impute":
        return impute_missing(df, config, ctx, roles=roles)
    return kind.run(df, config, ctx)


def run_steps(
    df: pd.DataFrame,
    steps: list[dict],
    ctx: JobContext | None = None,
    roles: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[StepReport]]:
    """Run a step list in order; every step sees the previous one's output."""
    ctx = ensure_context(ctx)
    for i, item in enumerate(steps, 1):
        parse_step(item, i)
    reports = []
    for item in steps:
        df, report = run_step(df, item, ctx, roles)
        reports.append(report)
    return df, reports
