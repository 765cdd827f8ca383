"""Fair segments: does a segment hold far more (or fewer) people of one group than the base?

For a sensitive column the user marks -- gender, a date of birth (read as age bands) or a
postcode (read as its area) -- each group's share of every segment is set beside its share
of all customers, counted per person. The largest gap is named in plain words, with
whether a segment of that size could show it by chance, so a campaign aimed at one
segment is seen to reach mostly one gender, age or area before it is exported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from scipy.special import bdtr, bdtrc

from core.errors import ColumnError
from core.privacy.policy import generalise
from core.segment.features import FeatureConfig, clean_text, parse_dates, person_keys

NOT_GIVEN = "(not given)"
ALL = "All customers"
POSTCODE_WORDS = ("postcode", "post_code", "postal", "zip", "plz")
DATE_SHARE = 0.9   # a column this often a date is a date of birth: read as age bands
MAX_GROUPS = 12    # the most common groups get a column each; the rest share "other"
CHANCE = 0.05      # "not chance": rarer than 1 in 20 over all segment-and-group pairs


@dataclass
class FairnessReport:
    """Shares of each group per segment (rows) and for all customers (the last row)."""

    column: str
    reading: str               # how the column was read: "values", "age bands", "postcode areas"
    shares: pd.DataFrame       # segment x group, each row sums to 1; last row: ALL
    people: pd.Series          # people per segment (and ALL)
    gaps: pd.DataFrame         # segment x group: share minus the base's share
    largest: str               # the largest gap in plain words
    flagged: bool = False      # chance alone would rarely give the largest gap


def sensitive_groups(values: pd.Series, column: str, reference: dt.date) -> tuple[pd.Series, str]:
    """Each row's group: an age band for dates of birth, the area for postcodes, else the text."""
    text = clean_text(values)
    given = text.notna()
    if given.any() and parse_dates(text[given]).notna().mean() >= DATE_SHARE:
        bands = generalise(values.fillna("").astype(str), "date_of_birth", "age_band", reference,
                           column)
        return pd.Series(bands, index=values.index).replace("", NOT_GIVEN), "age bands"
    if any(word in column.lower() for word in POSTCODE_WORDS):
        upper = text.str.upper().str.replace(" ", "", regex=False)
        letters = upper.str.extract(r"^([A-Z]+)", expand=False)
        return letters.fillna(upper.str[:2]).fillna(NOT_GIVEN), "postcode areas"
    return text.fillna(NOT_GIVEN), "values"


def fairness_report(segmented: pd.DataFrame, column: str, reference: dt.date,
                    config: FeatureConfig | None = None,
                    segment_column: str = "segment") -> FairnessReport:
    """Each group's share of each segment against all customers, one count per person."""
    for col in (column, segment_column):
        if col not in segmented.columns:
            raise ColumnError(f"The customer file has no column '{col}' to check segments by.")
    keys = person_keys(segmented, config or FeatureConfig()).to_numpy()
    rows = segmented.reset_index(drop=True).groupby(keys, sort=False).head(1)
    groups, reading = sensitive_groups(rows[column], column, reference)
    top = groups.value_counts().index[:MAX_GROUPS - 1]
    if groups.nunique() > MAX_GROUPS:
        groups = groups.where(groups.isin(top), "other")
    counts = pd.crosstab(rows[segment_column].astype(str), groups)
    counts.loc[ALL] = counts.sum()
    people = counts.sum(axis=1)
    shares = counts.div(people, axis=0)
    gaps = shares.drop(index=ALL) - shares.loc[ALL]
    return FairnessReport(column, reading, shares, people, gaps,
                          *_largest(column, gaps, shares.loc[ALL], people))


def _largest(column: str, gaps: pd.DataFrame, base: pd.Series, people: pd.Series
             ) -> tuple[str, bool]:
    """The biggest gap as one sentence, with the segment's size, and whether chance alone
    would rarely give it (then it is flagged)."""
    stacked = gaps.stack()
    if stacked.abs().max() == 0:
        return f"Every segment has the same mix of '{column}' as all customers.", False
    segment, group = stacked.abs().idxmax()
    gap, share, n = float(stacked[(segment, group)]), float(base[group]), int(people[segment])
    text = (f"Largest gap: in '{segment}' ({n:,} people) {share + gap:.0%} are '{group}' "
            f"against {share:.0%} of all customers ({abs(gap) * 100:.0f} points "
            f"{'more' if gap > 0 else 'fewer'}).")
    pairs = len(stacked)
    if chance_of_gap(n, round((share + gap) * n), share) * pairs < CHANCE:
        return text + (f" Chance alone would rarely give a gap this large (under 1 in 20, "
                       f"counting all {pairs} segment-and-group pairs): check what puts "
                       "people in this segment before aiming a campaign at it."), True
    return text + (f" With {pairs} segment-and-group pairs compared, chance alone could give "
                   "a gap like this."), False


def chance_of_gap(people: int, members: int, share: float) -> float:
    """Chance that ``people`` drawn at random hold ``members`` or more of a group with this
    base ``share`` (fewer or as few, when ``members`` is below the expected count)."""
    if members >= people * share:
        return float(bdtrc(members - 1, people, share)) if members > 0 else 1.0
    return float(bdtr(members, people, share))


def report_lines(report: FairnessReport) -> list[str]:
    """The shares table and the flagged gap, for the command line."""
    groups = list(report.shares.columns)
    width = max(len(s) for s in report.shares.index)
    head = f"  {'segment':<{width}} | people | " + " | ".join(groups)
    lines = [f"Share of each '{report.column}' group ({report.reading}) per segment, one count "
             "per person:", head]
    for segment, row in report.shares.iterrows():
        cells = " | ".join(f"{v:>{len(g)}.0%}" for g, v in zip(groups, row, strict=True))
        lines.append(f"  {segment:<{width}} | {report.people[segment]:>6,} | {cells}")
    return [*lines, report.largest]
