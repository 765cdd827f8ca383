"""A/B tests: seeded, stratified assignment with a hold-out group, and the results.

Assignment shuffles each segment on its own with a generator seeded from the campaign
seed and the segment name, gives the hold-out share of it to ``control`` (nobody in it is
sent anything) and deals the rest round-robin over the variants: every segment is split
the same way, and the same seed gives the same people the same variant.

Results compare each variant's rate against the control group with a pooled
two-proportion z-test, Wilson 95 % intervals for each rate and a Newcombe-style interval
for the difference, and say in plain words what it means.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import ColumnError

CONTROL = "control"
TRUE_WORDS = {"1", "yes", "y", "true", "x", "ja", "oui", "si", "opened", "clicked", "converted"}
Z95 = 1.959963984540054


@dataclass(frozen=True)
class ABConfig:
    variants: tuple[str, ...] = ("A", "B")
    holdout: float = 0.1
    seed: int = 1
    stratify_by: str = "segment"

    @classmethod
    def from_dict(cls, d: dict) -> ABConfig:
        return cls(**{**d, "variants": tuple(d.get("variants", cls.variants))})


def assign(frame: pd.DataFrame, config: ABConfig) -> pd.Series:
    """The variant (or ``control``) of each row, aligned to ``frame.index``."""
    if not 0 <= config.holdout < 1:
        raise ValueError("the hold-out share must be at least 0 and below 1")
    if config.stratify_by and config.stratify_by in frame.columns:
        strata = frame[config.stratify_by].astype(str)
    else:
        strata = pd.Series("", index=frame.index)
    out = pd.Series("", index=frame.index, dtype=object)
    for name, rows in strata.groupby(strata, sort=True).groups.items():
        digest = hashlib.sha256(f"{config.seed}\x00{name}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        order = rng.permutation(len(rows))
        n_control = round(len(rows) * config.holdout)
        labels = np.empty(len(rows), dtype=object)
        labels[:n_control] = CONTROL
        rest = len(rows) - n_control
        labels[n_control:] = [config.variants[i % len(config.variants)] for i in range(rest)]
        out.loc[rows[order]] = labels
    return out


def parse_flags(values: pd.Series) -> pd.Series:
    """``yes/1/true/x`` -> True; anything else (``""``, ``no``, ``0``) -> False."""
    return values.astype(str).str.strip().str.lower().isin(TRUE_WORDS)


def join_results(assignment: pd.DataFrame, results: pd.DataFrame, key: str) -> pd.DataFrame:
    """Assignment rows (key, variant, segment) with the result flags; missing -> False.

    ``key`` is the e-mail or token column present in both frames; e-mails are matched
    without regard to case and surrounding spaces.
    """
    for frame, label in ((assignment, "assignment"), (results, "results file")):
        if key not in frame.columns:
            raise ColumnError(f"the {label} has no column '{key}'; name the e-mail or token column")
    norm_key = lambda s: s.astype(str).str.strip().str.lower()  # noqa: E731
    res = results.assign(_key=norm_key(results[key])).drop_duplicates("_key").set_index("_key")
    joined = assignment.assign(_key=norm_key(assignment[key]))
    for metric in ("opened", "clicked", "converted"):
        if metric in res.columns:
            flags = parse_flags(res[metric])
            joined[metric] = joined["_key"].map(flags).fillna(False).astype(bool)
    return joined.drop(columns="_key")


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def z_test(s1: int, n1: int, s2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test of group 1 against group 2: ``(z, two-sided p)``."""
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan)
    pooled = (s1 + s2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return (0.0, 1.0)
    z = (s1 / n1 - s2 / n2) / se
    return (z, math.erfc(abs(z) / math.sqrt(2)))  # 2 * normal survival of |z|, without scipy


def analyse(joined: pd.DataFrame, metric: str = "converted", by: str | None = None) -> pd.DataFrame:
    """Per variant (and per ``by`` group): people, successes, rate, 95 % interval,
    difference to control with its interval, z, p and a plain-words verdict."""
    if metric not in joined.columns:
        raise ColumnError(f"the results have no '{metric}' column; add opened, clicked or converted")
    rows = []
    for group_key, group in (joined.groupby(by, sort=True) if by else [("", joined)]):
        counts = group.groupby("variant")[metric].agg(["size", "sum"])
        c_n, c_s = (int(counts.loc[CONTROL, "size"]), int(counts.loc[CONTROL, "sum"])) \
            if CONTROL in counts.index else (0, 0)
        for variant, (n, s) in counts.iterrows():
            n, s = int(n), int(s)
            lo, hi = wilson(s, n)
            row = {"variant": variant, "people": n, metric: s, "rate": s / n if n else math.nan,
                   "rate_low": lo, "rate_high": hi}
            if by:
                row = {by: group_key, **row}
            if variant != CONTROL and c_n:
                row.update(_against_control(s, n, c_s, c_n, variant, metric))
            rows.append(row)
    return pd.DataFrame(rows)


def _against_control(s: int, n: int, c_s: int, c_n: int, variant: str, metric: str) -> dict:
    diff = s / n - c_s / c_n
    lo1, hi1 = wilson(s, n)
    lo2, hi2 = wilson(c_s, c_n)
    p1, p2 = s / n, c_s / c_n
    diff_low = diff - math.sqrt((p1 - lo1) ** 2 + (hi2 - p2) ** 2)
    diff_high = diff + math.sqrt((hi1 - p1) ** 2 + (p2 - lo2) ** 2)
    z, p = z_test(s, n, c_s, c_n)
    return {"uplift": diff, "uplift_low": diff_low, "uplift_high": diff_high,
            "relative_uplift": diff / p2 if p2 else math.nan, "z": z, "p_value": p,
            "verdict": verdict(variant, diff, p, metric)}


def verdict(variant: str, diff: float, p: float, metric: str) -> str:
    per100 = abs(diff) * 100
    direction = "more" if diff > 0 else "fewer"
    what = {"opened": "opens", "clicked": "clicks", "converted": "purchases"}.get(metric, metric)
    if math.isnan(p):
        return f"Variant {variant}: not enough people to compare."
    if per100 < 0.05:
        return f"Variant {variant} did exactly as well as the control group (p = {p:.2f})."
    if p < 0.05:
        return (f"Variant {variant} got {per100:.1f} {direction} {what} per 100 people than the "
                f"control group; a difference this large is unlikely to be chance "
                f"(p {'< 0.001' if p < 0.001 else f'= {p:.3f}'}).")
    return (f"Variant {variant} got {per100:.1f} {direction} {what} per 100 people than the "
            f"control group, but this could easily be chance (p = {p:.2f}); do not draw a "
            "conclusion yet.")


def results_figure(table: pd.DataFrame, metric: str = "converted"):
    """Bars of each version's rate with its 95 % interval; the control group in grey."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 3), layout="constrained")
    ax = fig.add_subplot()
    rates = table["rate"].to_numpy() * 100
    errors = np.clip([rates - table["rate_low"].to_numpy() * 100,
                      table["rate_high"].to_numpy() * 100 - rates], 0, None)  # rounding at 0 / 100 %
    colours = ["#9a9a9a" if v == CONTROL else "#1f5fbf" for v in table["variant"]]
    ax.bar(table["variant"].astype(str), rates, yerr=errors, capsize=6, color=colours,
           edgecolor="black")
    what = {"opened": "opened", "clicked": "clicked", "converted": "bought"}.get(metric, metric)
    ax.set_title(f"People who {what}, per 100, with the likely range")
    ax.set_xlabel("Version (control = got nothing)")
    ax.set_ylabel(f"{what.capitalize()} per 100 people")
    return fig


WHAT = {"opened": "opens", "clicked": "clicks", "converted": "purchases"}
HATCHES = ("", "//", "..", "xx", "\\\\", "++")


def plain_verdict(group: str, variant: str, diff: float, p: float, metric: str) -> str:
    """One group's result in words, without statistics terms (those go in tooltips)."""
    what = WHAT.get(metric, metric)
    if math.isnan(p):
        return f"{group}: too few people to compare version {variant} with the control group."
    per100 = abs(diff) * 100
    if per100 < 0.05:
        return f"{group}: version {variant} did as well as the control group."
    direction = "more" if diff > 0 else "fewer"
    said = f"{group}: version {variant} got {per100:.1f} {direction} {what} per 100 people than " \
           "the control group"
    if p < 0.05:
        return f"{said}; very likely a real difference."
    return f"{said}, but this could easily be chance; wait for more results before deciding."


def segment_figure(table: pd.DataFrame, metric: str = "converted", by: str = "segment"):
    """Grouped bars: for each customer group, each version's rate with its 95 % interval;
    the control group grey, versions told apart by hatching as well as colour."""
    from matplotlib.figure import Figure

    groups = [str(g) for g in dict.fromkeys(table[by])]
    versions = [CONTROL] + sorted(v for v in set(table["variant"]) if v != CONTROL)
    versions = [v for v in versions if v in set(table["variant"])]
    fig = Figure(figsize=(max(5, 1.4 * len(groups) + 2), 3.2), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(versions))
    palette = ["#1f5fbf", "#d9822b", "#2a9d55", "#8e44ad", "#c0392b"]
    for k, version in enumerate(versions):
        sub = table[table["variant"] == version]
        rows = sub.set_index(sub[by].astype(str)).reindex(groups)
        rates = rows["rate"].to_numpy(dtype=float) * 100
        errors = np.clip([rates - rows["rate_low"].to_numpy(dtype=float) * 100,
                          rows["rate_high"].to_numpy(dtype=float) * 100 - rates], 0, None)
        x = np.arange(len(groups)) + (k - (len(versions) - 1) / 2) * width
        colour = "#9a9a9a" if version == CONTROL else palette[(k - 1) % len(palette)]
        label = "control (got nothing)" if version == CONTROL else f"version {version}"
        ax.bar(x, np.nan_to_num(rates), width, yerr=np.nan_to_num(errors), capsize=4, color=colour,
               edgecolor="black", hatch=HATCHES[k % len(HATCHES)], label=label)
    ax.set_xticks(np.arange(len(groups)), groups)
    what = {"opened": "opened", "clicked": "clicked", "converted": "bought"}.get(metric, metric)
    ax.set_title(f"People who {what}, per 100, in each customer group, with the likely range")
    ax.set_xlabel("Customer group")
    ax.set_ylabel(f"{what.capitalize()} per 100 people")
    ax.legend(fontsize="small")
    return fig
