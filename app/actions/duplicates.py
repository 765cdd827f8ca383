"""What the user does on the Duplicates screen: one function per action.

The screen only draws what these return and forwards clicks. Finding duplicates runs
the engine on the job runner; every other action is a quick, undoable change of the
step's state (key ``duplicates``) or a read of what to show:

``{"config": DedupeConfig as dict, "decisions": [{left, right, same}], "applied": bool,
"golden_rule": str, "golden_source": str | None}``

``left`` / ``right`` of an answer are record identities (``core.dedupe.review.
record_keys``: the id column, else a hash of the normalised fields, after the record's
list name when the list has a list or source column), never row positions, so answers
survive a re-import of the list in another order. Projects saved with row positions
still load.

With several customer lists (Import's "Add another customer list") the screen reviews
the records the lists were stacked from, as the link step compares them
(:func:`core.dedupe.people.stack_lists`, the link's settings): pairs within and across
lists, each record with its list's name and its row there. An answer is keyed by the
link's record keys (list name, then the list's own id, else a hash of the fields) and
links the lists again into the person table (:func:`app.actions.imports.link_lists`, in
a job): one undo step, one audit row; ``localreach run`` reads the answers from
``[steps.link] decisions``.

When the Privacy step has already put codes in the list and its key opens, the records
are compared and shown with their real values from the vault (one audited reveal per
search); the customer list itself keeps its codes.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from app.actions import Action, imports
from app.actions.imports import LISTS_STATE
from app.document import Document
from app.sales_match import link_sales
from core.compose.checks import plural
from core.dedupe.explain import explain_pair
from core.dedupe.golden import (
    GoldenConfig,
    golden_records,
    record_date_column,
    record_source_column,
    source_preference,
)
from core.dedupe.people import stack_lists
from core.dedupe.pipeline import (
    CLUSTER_COLUMN,
    SCORE_COLUMN,
    Decision,
    DedupeConfig,
    Grouping,
    Scored,
    group_records,
    rules_for,
    score_records,
)
from core.dedupe.review import (
    FieldRow,
    char_diff,
    keyed_decisions,
    pair_rows,
    positional_decisions,
    record_keys,
    review_queue,
)
from core.errors import LocalReachError
from core.privacy.keystore import KeyRef, unlock
from core.privacy.tokens import TOKEN_RE
from core.privacy.vault import Vault, reveal, reveal_audit_args
from core.roles import Role
from core.steps.link import LinkStepConfig, people_config

STEP = "duplicates"
OUTPUT_COLUMNS = (CLUSTER_COLUMN, SCORE_COLUMN)
GOLDEN_RULES = {"most_complete": "the value from the most complete record",
                "most_recent": "the value from the most recently changed record",
                "most_frequent": "the most common value",
                "preferred_source": "the value from the preferred source"}
NO_DATE = ("“Most recent” needs a column saying when each record was created or changed "
           "(such as created_at or updated); this list has none.")
NO_SOURCE = ("“Preferred source” needs a column saying where each record came from "
             "(such as source or channel); this list has none.")
PAIR_KINDS = {"all": "All pairs", "within": "Within one list", "across": "Across lists"}
CODES_LOCKED = ("Names and addresses show as codes: unlock the project's key to compare and "
                "review the real ones.")
CODES_NO_VAULT = ("Names and addresses show as codes, and this project has no vault to read "
                  "the real ones from.")


def lists_note(document: Document) -> str:
    """With several lists, what the screen reviews (else "")."""
    entries = linked_lists(document)
    if not entries:
        return ""
    names = ", ".join(e["name"] for e in entries)
    return (f"These are the records of your {len(entries)} customer lists ({names}) as they were "
            "linked into one person table; each answer links the lists again. How sure, the "
            "pairing rules and the merged record are the link's own.")


def to_review(n: int) -> str:
    return f"{plural(n, 'possible duplicate')} to review"


# -- reading the document -------------------------------------------------------------
def state(document: Document) -> dict:
    """The step's state, with defaults for a first visit."""
    value = document.state(STEP) or {}
    config = value.get("config") or asdict(DedupeConfig(id_column=id_column(document)))
    return {"config": config, "decisions": list(value.get("decisions", [])),
            "applied": bool(value.get("applied", False)),
            "golden_rule": value.get("golden_rule", "most_complete"),
            "golden_source": value.get("golden_source")}


def config(document: Document) -> DedupeConfig:
    """The stored settings; with several lists the link's, which the screen cannot change."""
    if linked_lists(document):
        return people_config(LinkStepConfig())
    return DedupeConfig(**state(document)["config"])


def linked_lists(document: Document) -> list[dict] | None:
    """The customer lists when the project links several (their records are reviewed)."""
    entries = (document.state(LISTS_STATE) or {}).get("lists") or []
    return entries if len(entries) > 1 else None


def id_column(document: Document) -> str | None:
    return next((c for c, r in document.roles("crm").items() if r == Role.CUSTOMER_ID), None)


def input_frame(document: Document) -> pd.DataFrame:
    """The customer list without the columns an earlier merge added."""
    df = document.frame("crm")
    return df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns])


def input_roles(document: Document) -> dict[str, str]:
    return {c: r for c, r in document.roles("crm").items() if c not in OUTPUT_COLUMNS}


_content: dict[str, tuple] = {}  # one entry: (weak reference to the frame, its hash)


def _content_hash(df: pd.DataFrame, slot: str, drop=()) -> str:
    """A frame's content hash (without ``drop`` columns), once per frame (a frame is
    replaced, never edited). Row order counts: the scored pairs are row positions, so a
    list re-imported in another order is scored again."""
    ref, value = _content.get(slot, (None, ""))
    if ref is None or ref() is not df:
        kept = df.drop(columns=[c for c in drop if c in df.columns])
        rows = pd.util.hash_pandas_object(kept, index=False).to_numpy()
        value = hashlib.blake2b(rows.tobytes(), digest_size=16).hexdigest()
        _content[slot] = (weakref.ref(df), value)
    return value


def scoring_key(document: Document) -> tuple:
    """What the scoring depends on: the list's content (not a merge's columns), the
    pairing rules, and whether the key that shows real values is open. With several
    lists: each list's content and roles, and the answers (the link learns from them)."""
    entries = linked_lists(document)
    if entries:
        return (tuple((e["name"], _content_hash(e["frame"], f"list {e['name']}"),
                       repr(sorted(e["roles"].items()))) for e in entries),
                repr(imports.list_decisions(document)))
    cfg = config(document)
    vault = (document.state("privacy") or {}).get("vault")
    return (_content_hash(document.frame("crm"), "crm", OUTPUT_COLUMNS), repr(cfg.rules), cfg.id_column, cfg.max_block,
            repr(sorted(input_roles(document).items())), 0 if vault is None else len(vault))


# -- finding duplicates ---------------------------------------------------------------
@dataclass
class Found:
    """One search's results; ``shown`` is the list as compared and shown (real values
    where the vault revealed codes) with its ``roles``, ``keys`` each record's identity,
    ``lists`` its list's name (when there are lists), ``numbers`` its number as shown
    (1-based; with several linked lists its row in its own list)."""

    key: tuple
    scored: Scored
    shown: pd.DataFrame
    keys: np.ndarray
    lists: np.ndarray | None
    sales_summary: str
    codes_note: str
    reveals: list[dict]
    roles: dict[str, str] | None = None
    numbers: np.ndarray | None = None
    review: Review | None = None  # grouped in the job at the stored threshold (see :func:`group`)
    bins: np.ndarray | None = None  # pairs per SCORE_BINS bin, for the chart
    golden_columns: tuple[str | None, str | None] | None = None  # (date, source): golden_config


def sales_summary(crm, sales, crm_roles, sales_roles, id_col, records=None) -> str:
    """One line on how many sales lines belong to a customer (empty without sales);
    with several lists (``records``) by each list's own ids, as the segment step counts."""
    if sales is None:
        return ""
    try:
        _, report = link_sales(crm, sales, crm_roles, sales_roles, records, id_column=id_col)
    except LocalReachError as exc:
        return f"Sales lines cannot be linked yet: {exc}"
    return (f"{report['linked']:,} of {report['rows']:,} sales lines belong to a customer; "
            f"{report['unlinked']:,} could not be linked.")


def _has_codes(df: pd.DataFrame) -> bool:
    return any(df[c].astype(str).head(200).str.match(TOKEN_RE.pattern).any() for c in df.columns)


def review_vault(document: Document, passphrase: str | None = None) -> tuple[Vault | None, str]:
    """(the vault that shows real values, or None, and why not in plain words).

    The key opens without asking when it lives in the OS keyring; a key file needs its
    passphrase. A list without codes needs no vault ("").
    """
    if not _has_codes(input_frame(document)):
        return None, ""
    privacy = document.state("privacy") or {}
    if not privacy.get("key") or privacy.get("vault") is None or not len(privacy["vault"]):
        return None, CODES_NO_VAULT
    ref = KeyRef(**privacy["key"])
    if ref.key_file and passphrase is None:
        return None, CODES_LOCKED
    return Vault.from_frame(unlock(ref, passphrase), privacy["vault"]), ""


def needs_passphrase(document: Document) -> bool:
    """Whether real values are one passphrase away (the key lives in a key file)."""
    key = (document.state("privacy") or {}).get("key") or {}
    return bool(key.get("key_file")) and review_vault(document)[1] == CODES_LOCKED


def _revealed(df: pd.DataFrame, vault: Vault | None, audit) -> pd.DataFrame:
    """``df`` with every code the vault knows replaced by its original: one reveal."""
    if vault is None:
        return df
    text = df.astype(str)
    stacked = pd.concat([text[c] for c in text.columns], ignore_index=True)
    values = reveal(vault, stacked, purpose="duplicate review", audit=audit).to_numpy()
    out = pd.DataFrame(values.reshape(len(text.columns), len(text)).T, columns=df.columns)
    return out.set_axis(df.index)


def find_duplicates(document: Document, passphrase: str | None = None, kind: str = "all") -> Action:
    """Score every candidate pair; the result (a :class:`Found`) has its reveals audited,
    its pairs grouped at the stored threshold (``kind`` as in :func:`group`) and binned
    for the chart: at 100k records grouping takes seconds, which the window must not wait.
    Everything is read from the document now, on the GUI thread."""
    key = scoring_key(document)
    df, roles, cfg = input_frame(document), input_roles(document), config(document)
    stored = answers(document)
    sales, sales_roles = document.frame("sales"), document.roles("sales")
    records = (document.state(LISTS_STATE) or {}).get("records")
    entries = linked_lists(document)
    id_col = id_column(document) if entries else cfg.id_column
    vault, note = (None, "") if entries else review_vault(document, passphrase)

    def work(ctx) -> Found:
        reveals: list[dict] = []
        summary = sales_summary(df, sales, roles, sales_roles, id_col, records)  # codes on both sides
        if entries:  # the records the lists were stacked from, as the link compares them
            stacked = stack_lists([(e["name"], e["frame"]) for e in entries], [e["roles"] for e in entries])
            shown, shown_roles, keys, lists = stacked.union, stacked.roles, stacked.keys, stacked.lists
        else:
            shown, shown_roles = _revealed(df, vault, reveals.append), roles
            source = record_source_column(shown, roles)
            lists = None if source is None else shown[source].astype(str).to_numpy(dtype=object)
            keys = record_keys(shown, roles, cfg.id_column, lists)
        decisions = positional(stored, keys)
        scored = score_records(shown, shown_roles, cfg, decisions, ctx)
        numbers = stacked.row if entries else np.arange(1, len(shown) + 1)
        found = Found(key, scored, shown, keys, lists, summary, note, reveals, shown_roles, numbers,
                      bins=np.histogram(scored.probability, SCORE_BINS)[0],
                      golden_columns=None if entries else (record_date_column(shown, roles), source))
        found.review = _review(found, cfg, cfg.threshold, decisions, kind)
        return found

    def apply(found: Found) -> Found:
        for entry in found.reveals:  # counts only, never a value
            params, rows, revealed, fp = reveal_audit_args(entry)
            document.audit(STEP, params, rows, revealed, key_fingerprint=fp)
        return found

    return Action("Looking for people who are in the list twice…", work, apply)


def answers(document: Document) -> list[dict]:
    """The stored answers; with several lists those by record key (the link's)."""
    if linked_lists(document):
        return imports.list_decisions(document) or []
    return state(document)["decisions"]


def positional(stored: list[dict], keys: np.ndarray) -> list[Decision]:
    """Stored answers as decisions on this table's rows (old projects stored rows)."""
    rows = [d for d in stored if isinstance(d["left"], int)]
    keyed = [d for d in stored if not isinstance(d["left"], int)]
    return [Decision(**d) for d in rows] + positional_decisions(keyed, keys)


# -- what the screen shows ------------------------------------------------------------
SCORE_BINS = np.linspace(0, 1, 21)  # the chart's bars: 5% wide


@dataclass
class Review:
    """People at one threshold and the queue of pairs to review, most uncertain first;
    ``merged`` the groups merged automatically in each of :data:`GROUP_ORDERS`."""

    grouping: Grouping
    queue: np.ndarray
    threshold: float
    merged: dict[str, list[MergedGroup]] = field(default_factory=dict)


def group(document: Document, found: Found, threshold: float | None = None,
          kind: str = "all") -> Review:
    """Group at ``threshold`` (the stored one by default) with the user's answers;
    ``kind`` narrows the queue to pairs within one list or across lists."""
    return regroup(document, found, threshold, kind).run()


def regroup(document: Document, found: Found, threshold: float | None = None,
            kind: str = "all") -> Action:
    """:func:`group` as a job on a thread (the found pairs live in this process): the
    screen regroups after every answer and slider move."""
    cfg, stored = config(document), answers(document)
    threshold = cfg.threshold if threshold is None else threshold
    return Action("Grouping the records…",
                  lambda ctx: _review(found, cfg, threshold, positional(stored, found.keys), kind))


def _review(found: Found, cfg: DedupeConfig, threshold: float, decisions: list[Decision],
            kind: str) -> Review:
    grouping = group_records(found.scored, threshold, cfg.review_threshold, decisions)
    queue = review_queue(found.scored, threshold, cfg.review_threshold, decisions)
    if kind != "all" and found.lists is not None and len(queue):
        across = found.lists[found.scored.left[queue]] != found.lists[found.scored.right[queue]]
        queue = queue[across == (kind == "across")]
    review = Review(grouping, queue, threshold)
    review.merged = {order: merged_groups(found, review, order) for order in GROUP_ORDERS}
    return review


def rule_rows(document: Document, found: Found) -> list[tuple[str, bool, str]]:
    """Each pairing rule as (label, switched on, pairs it made or "off")."""
    counts = {c["rule"]: c["pairs"] for c in found.scored.rule_counts}
    return [(r.label, r.enabled, "off" if counts.get(r.label) is None
             else f"{counts[r.label]:,}") for r in rules_for(found.scored.features,
                                                             config(document))]


@dataclass
class PairView:
    rows: list[FieldRow]
    diffs: list[tuple[list, list]]  # per row, each side as (text, differs) runs
    heading: str
    lists: tuple[str, str] | None  # each record's list name, when there are lists


def pair_view(document: Document, found: Found, review: Review, position: int) -> PairView:
    """The pair at ``position`` in the queue, every column side by side."""
    k = int(review.queue[position])
    i, j = int(found.scored.left[k]), int(found.scored.right[k])
    rows = pair_rows(found.shown, found.scored, k, found.roles, config(document).id_column)
    heading = (f"Pair {position + 1} of {len(review.queue):,}: "
               f"{found.scored.probability[k]:.0%} likely the same person")
    lists = None
    if found.lists is not None:
        lists = (str(found.lists[i]), str(found.lists[j]))
        heading += (f", both in {lists[0]}" if lists[0] == lists[1]
                    else f", across lists: {lists[0]} and {lists[1]}")
    return PairView(rows, [char_diff(r.left, r.right) for r in rows], heading, lists)


def explain(found: Found, review: Review, position: int) -> str:
    """Why the pair at ``position`` is (not) one person, in plain words."""
    k = int(review.queue[position])
    why = explain_pair(found.scored, int(found.scored.left[k]), int(found.scored.right[k]))
    return f"{why.probability:.0%} likely the same person. {why.text().capitalize()}."


def group_of(found: Found, review: Review, position: int) -> np.ndarray:
    """Row positions of the records in the pair's two groups (the suggested person)."""
    k = int(review.queue[position])
    labels = review.grouping.cluster
    a, b = int(found.scored.left[k]), int(found.scored.right[k])
    return np.flatnonzero((labels == labels[a]) | (labels == labels[b]))


# -- the groups the machine merged on its own --------------------------------------------
GROUP_ORDERS = {"largest": "Largest first", "least_sure": "Least certain first"}


@dataclass
class MergedGroup:
    """Records the machine put together (row positions, in list order); ``sureness`` is
    the least sure record's likelihood of being the same as its closest group-mate."""

    members: np.ndarray
    sureness: float


def merged_groups(found: Found, review: Review, order: str = "largest") -> list[MergedGroup]:
    """The groups of two or more records that at least one pair sure enough to merge
    holds together (not only the user's 'same person' answers): the largest first, or
    the least certain first."""
    labels, score = review.grouping.cluster, review.grouping.score
    a, b, p = found.scored.left, found.scored.right, found.scored.probability
    automatic = np.unique(labels[a[(labels[a] == labels[b]) & (p >= review.threshold)]])
    if not len(automatic):
        return []
    sizes = np.bincount(labels)
    least = np.ones(len(sizes))
    np.minimum.at(least, labels, score)
    rows = np.flatnonzero(np.isin(labels, automatic))
    rows = rows[np.argsort(labels[rows], kind="stable")]
    members = np.split(rows, np.flatnonzero(np.diff(labels[rows])) + 1)
    size, sure = -sizes[automatic], least[automatic]  # lexsort: the last key sorts first
    ranked = np.lexsort((automatic, sure, size) if order == "largest" else (automatic, size, sure))
    return [MergedGroup(members[k], float(least[automatic[k]])) for k in ranked]


@dataclass
class GroupView:
    heading: str
    columns: list[str]  # "Record", "List" when there are lists, the list's columns
    rows: list[list[str]]  # one per record


def group_view(found: Found, groups: list[MergedGroup], position: int) -> GroupView:
    """The group at ``position``, one row per record with its list's name."""
    merged = groups[position]
    shown = found.shown.iloc[merged.members]
    lists = [] if found.lists is None else ["List"]
    columns = ["Record", *lists, *map(str, shown.columns)]
    rows = [[f"{_number(found, r):,}", *([] if found.lists is None else [str(found.lists[r])]),
             *map(str, values)] for r, values in zip(merged.members, shown.to_numpy(), strict=True)]
    sure = "over 99%" if merged.sureness > 0.99 else f"at least {merged.sureness:.0%}"
    heading = (f"Group {position + 1:,} of {len(groups):,}: {len(merged.members)} records "
               f"merged automatically; each is {sure} likely the same person as one of the others")
    return GroupView(heading, columns, rows)


def explain_record(found: Found, members, record: int) -> str:
    """Why ``record`` is in its group: the evidence between it and the group's record it
    is likeliest the same person as."""
    whys = [(explain_pair(found.scored, min(record, int(o)), max(record, int(o))), int(o))
            for o in members if int(o) != record]
    why, other = max(whys, key=lambda w: w[0].probability)
    return (f"Records {_listed(_numbers(found, sorted((record, other))))}: "
            f"{why.probability:.0%} likely the same person. {why.text().capitalize()}.")


def _number(found: Found, row) -> int:
    """A record's number as shown (1-based; with several lists its row in its list)."""
    return int(row) + 1 if found.numbers is None else int(found.numbers[row])


def _numbers(found: Found, rows) -> list[str]:
    """Record numbers, each with its list's name when there are lists."""
    if found.lists is None:
        return [f"{_number(found, r):,}" for r in rows]
    return [f"{_number(found, r):,} ({found.lists[r]})" for r in rows]


def _listed(numbers: list[str]) -> str:
    return f"{', '.join(numbers[:-1])} and {numbers[-1]}" if len(numbers) > 1 else numbers[0]


def golden_config(document: Document, df: pd.DataFrame,
                  columns: tuple[str | None, str | None] | None = None) -> GoldenConfig:
    """The chosen rule, falling back to 'most complete' when its column is missing; with
    several lists the link's (the person table's golden records). ``columns``: the date
    and source columns when known (a search finds them: reading 100k dates takes long)."""
    if linked_lists(document):
        return GoldenConfig()
    value, roles = state(document), input_roles(document)
    date_column, source_column = columns or (record_date_column(df, roles),
                                             record_source_column(df, roles))
    rule = value["golden_rule"]
    if (rule == "most_recent" and date_column is None) or (
            rule == "preferred_source" and source_column is None):
        rule = "most_complete"
    order = [] if source_column is None else source_preference(df[source_column],
                                                               value["golden_source"])
    return GoldenConfig(rule=rule, date_column=date_column, source_column=source_column,
                        source_order=order)


@dataclass
class GoldenPreview:
    config: GoldenConfig
    group_line: str
    rows: list[tuple[str, str, str]]  # column, value, which record it was taken from
    missing: list[tuple[str, str]] = field(default_factory=list)  # rule, why it is off


def golden_preview(document: Document, found: Found, review: Review, position: int) -> GoldenPreview:
    """The merged record the pair's group would get, each value with its record."""
    df = found.shown
    rows = group_of(found, review, position)
    cfg = golden_config(document, df, found.golden_columns)
    golden, provenance = golden_records(df.iloc[rows], pd.Series(["1"] * len(rows)), cfg)
    source = dict(zip(provenance["column"], provenance["row"], strict=True))
    numbers = _numbers(found, rows)
    line = f"This group: records {_listed(numbers)}" if len(rows) > 1 else ""
    table = [(str(c), str(golden.at[0, c]),
              "no record has a value" if source[c] < 0 else f"record {numbers[source[c]]}")
             for c in df.columns]
    missing = [(rule, note) for rule, column, note in (("most_recent", cfg.date_column, NO_DATE),
                                                        ("preferred_source", cfg.source_column,
                                                         NO_SOURCE)) if column is None]
    return GoldenPreview(cfg, line, table, missing)


def status(document: Document, review: Review | None) -> tuple[str, str]:
    """(state, one figure) for the sidebar: "" state when nothing was found yet."""
    if review is None:
        return "", ""
    report = review.grouping.report
    if report["to_review"]:
        return "review", to_review(report["to_review"])
    if state(document)["applied"] or linked_lists(document):  # linked lists: the link merged them
        return "done", f"{report['people']:,} people"
    return "merge", f"{report['merged_records']:,} duplicates ready to merge"


# -- changes (each one undoable step) -------------------------------------------------
def _set(document: Document, value: dict, text: str) -> str:
    document.set_state(STEP, value, text)
    return text


def _answer(document: Document, found: Found, review: Review, value: dict, text: str,
            counts: dict | None = None) -> str | Action:
    """Keep the answers in ``value``: one undo step, and with ``counts`` one audit row
    with the people before and after (counts only). With several lists the lists are
    linked again with the answers: the returned Action does it (one undo step, one audit
    row); else returns the undo text."""
    before = review.grouping.report["people"]
    entries = linked_lists(document)
    if entries:
        again, fixes_at_link = imports.fixes_since_link(document)
        decisions = [d for d in value["decisions"] if isinstance(d["left"], str)]

        def work(ctx):
            return imports.link_lists(entries, again, ctx, decisions)

        def apply(linked) -> str:
            document.undo_stack.beginMacro(text)
            document.set_state(STEP, value, text)
            answered = {("answered_records" if k == "records" else k): v for k, v in counts.items()}
            people = imports.store_link(document, linked, fixes_at_link, text, STEP,
                                        **answered, people_before=before).people
            document.undo_stack.endMacro()
            return f"{text}: {people:,} people"

        return Action("Linking the lists again with your answer…", work, apply, process=True)
    _set(document, value, text)
    if counts is not None:
        after = group(document, found, review.threshold).grouping.report["people"]
        document.audit(STEP, {**counts, "people_before": before, "people_after": after},
                       len(found.keys), len(found.keys))
    return text


def answer_pair(document: Document, found: Found, review: Review, position: int,
                same: bool) -> str | Action:
    """Store the user's answer about the pair at ``position`` (see :func:`_answer`)."""
    k = int(review.queue[position])
    a, b = int(found.scored.left[k]), int(found.scored.right[k])
    value = state(document)
    answer = keyed_decisions([Decision(a, b, bool(same))], found.keys)
    words = "Same person" if same else "Different people"
    counts = {"answer": words.lower(), "records": 2, "pairs": 1} if linked_lists(document) else None
    return _answer(document, found, review, dict(value, decisions=[*value["decisions"], *answer]),
                   f"{words}: records {_listed(_numbers(found, (a, b)))}", counts)


def split_group(document: Document, found: Found, review: Review, position: int) -> str | Action:
    """The pair's whole group is not one person: 'different people' between every two."""
    members = [int(r) for r in group_of(found, review, position)]
    return _keep_apart(document, found, review, _every_pair(members),
                       f"Split group: records {_listed(_numbers(found, members))} are different people")


def not_the_same(document: Document, found: Found, review: Review, members) -> str | Action:
    """A group the machine merged is not one person: 'different people' between every two."""
    members = [int(r) for r in members]
    return _keep_apart(document, found, review, _every_pair(members),
                       f"Not the same person: records {_listed(_numbers(found, members))}")


def take_out(document: Document, found: Found, review: Review, members, record: int) -> str | Action:
    """``record`` is not the person the rest of its group is: 'different people' between
    it and each of the others (they stay together as far as their own links hold)."""
    others = [int(m) for m in members if int(m) != record]
    twins = [o for o in others if found.keys[o] == found.keys[record]]
    if twins:
        raise LocalReachError(f"Record {_numbers(found, [record])[0]} is the same as record "
                              f"{_numbers(found, twins[:1])[0]} in every detail, so the two cannot "
                              "be told apart; give the list an id column to keep them apart.")
    return _keep_apart(document, found, review, [(record, o) for o in others],
                       f"Take record {_numbers(found, [record])[0]} out: not the same person "
                       f"as records {_listed(_numbers(found, others))}")


def _every_pair(members: list[int]) -> list[tuple[int, int]]:
    return [(i, j) for n, i in enumerate(members) for j in members[n + 1:]]


def _keep_apart(document: Document, found: Found, review: Review,
                pairs: list[tuple[int, int]], text: str) -> str | Action:
    """'Different people' for ``pairs`` (replacing earlier answers about them): one undo
    step and one audit row (see :func:`_answer`)."""
    keys = found.keys
    apart = {frozenset((str(keys[i]), str(keys[j]))) for i, j in pairs}
    value = state(document)
    kept = [d for d in value["decisions"]
            if frozenset((_key_of(d["left"], keys), _key_of(d["right"], keys))) not in apart]
    records = len({r for pair in pairs for r in pair})
    answered = dict(value, decisions=kept + keyed_decisions(
        [Decision(i, j, False) for i, j in pairs], keys))
    return _answer(document, found, review, answered, text,
                   {"answer": "different people", "records": records, "pairs": len(pairs)})


def _key_of(side, keys: np.ndarray) -> str:
    """A stored answer's record identity (old projects stored the row position)."""
    return str(keys[side]) if isinstance(side, int) else side


def choose_golden_rule(document: Document, rule: str) -> str | None:
    value = state(document)
    if rule == value["golden_rule"]:
        return None
    return _set(document, dict(value, golden_rule=rule), f"Merged record keeps {GOLDEN_RULES[rule]}")


def choose_golden_source(document: Document, source: str) -> str | None:
    value = state(document)
    if source == value["golden_source"]:
        return None
    return _set(document, dict(value, golden_source=source),
                f"Merged record prefers records from {source}")


def set_threshold(document: Document, threshold: float) -> str | None:
    value = state(document)
    if abs(value["config"]["threshold"] - threshold) <= 1e-9:
        return None
    return _set(document, dict(value, config=dict(value["config"], threshold=threshold)),
                f"Merge when {threshold:.0%} sure")


def switch_rule(document: Document, found: Found, row: int, enabled: bool) -> str:
    """Switch pairing rule ``row`` on or off (the next search uses it)."""
    rules = rules_for(found.scored.features, config(document))
    rules[row].enabled = enabled
    value = state(document)
    words = "Use" if enabled else "Stop using"
    return _set(document, dict(value, config=dict(value["config"], rules=[asdict(r) for r in rules])),
                f"{words} pairing rule: {rules[row].label}")


def merge_duplicates(document: Document, review: Review) -> dict:
    """Add cluster_id and match_score to the customer list: one undoable change;
    returns the grouping's report."""
    df = input_frame(document)
    out = df.copy()
    out[CLUSTER_COLUMN] = (review.grouping.cluster + 1).astype(str)
    out[SCORE_COLUMN] = [f"{s:.4f}" for s in review.grouping.score]
    value, report = state(document), review.grouping.report
    stack = document.undo_stack
    stack.beginMacro(f"Merge duplicates: {report['records']:,} records, "
                     f"{report['people']:,} people")
    document.set_frame("crm", out, "Merge duplicates", roles=input_roles(document))
    document.set_state(STEP, dict(value, applied=True), "Merge duplicates")
    stack.endMacro()
    params = dict(value["config"], reviewed=len(value["decisions"]), people=report["people"])
    document.audit(STEP, params, len(df), len(out), df, out)
    return report
