"""Duplicates screen: people who are in the customer list more than once.

Top: the figures (records, people, possible duplicates to review, merged automatically)
and the one main action, "Merge duplicates", which adds ``cluster_id`` (one value per
person) and ``match_score`` to the customer list as one undoable change. Left: how
records were paired (each rule with its count, switchable), the "how sure" slider with
a live count, and the score histogram. Right: the review queue, most uncertain pair
first, with Y / N / arrow keys and S to split the pair's whole group ("none of these are
one person": a "different people" answer between every two of its records), and the
golden record the pair's group would get, each value with the record it was taken from,
by a survivorship rule (most recent, most complete, most common, preferred source).

State ``duplicates`` = {"config": DedupeConfig as dict, "decisions": [{left, right,
same}], "applied": bool, "golden_rule": str, "golden_source": str | None}; every change
is a new value through ``set_state``.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.compose.checks import plural
from core.dedupe.golden import (
    GoldenConfig,
    golden_records,
    record_date_column,
    record_source_column,
    source_preference,
)
from core.dedupe.link import LinkConfig, link_records
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
from core.dedupe.review import pair_rows, review_queue
from core.errors import LocalReachError
from core.roles import Role
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.duplicates.charts import draw_scores
from ui.screens.duplicates.review import ReviewPanel
from ui.widgets.chart_view import ChartView

OUTPUT_COLUMNS = (CLUSTER_COLUMN, SCORE_COLUMN)
GOLDEN_RULES = {"most_complete": "the value from the most complete record",
                "most_recent": "the value from the most recently changed record",
                "most_frequent": "the most common value",
                "preferred_source": "the value from the preferred source"}
NO_DATE = ("“Most recent” needs a column saying when each record was created or changed "
           "(such as created_at or updated); this list has none.")
NO_SOURCE = ("“Preferred source” needs a column saying where each record came from "
             "(such as source or channel); this list has none.")


def to_review(n: int) -> str:
    return f"{plural(n, 'possible duplicate')} to review"


def sales_summary(crm, sales, crm_roles, sales_roles, id_column) -> str:
    """One line on how many sales lines belong to a customer (empty without sales)."""
    if sales is None:
        return ""
    try:
        _, report = link_records(crm, sales, crm_roles, sales_roles, LinkConfig(id_column))
    except LocalReachError as exc:
        return f"Sales lines cannot be linked yet: {exc}"
    return (f"{report['linked']:,} of {report['rows']:,} sales lines belong to a customer; "
            f"{report['unlinked']:,} could not be linked.")


def _decisions(value: dict) -> list[Decision]:
    return [Decision(**d) for d in value.get("decisions", [])]


class Screen(StepScreen):
    STEP = "duplicates"
    TITLE = "Duplicates"
    PROJECT_CACHE = ("scored", "grouping", "_scored_for", "_scoring_for", "_hash_cache", "_golden_columns")
    INTRO = (
        "Find customers who are in your list more than once, check the uncertain ones, "
        "and merge each person's records into one, so nobody gets your letter twice."
    )

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.scored: Scored | None = None
        self.sales_summary = ""
        self.grouping: Grouping | None = None
        self.queue = np.empty(0, dtype=np.int64)
        self.position = 0
        self._scored_for: tuple | None = None
        self._scoring_for: tuple | None = None
        self._hash_cache: tuple[int, int] | None = None
        self._golden_columns: tuple | None = None
        self.body.addLayout(self._build_figures())
        self.sales_line = QLabel("")
        self.sales_line.setObjectName("salesLink")
        self.sales_line.setWordWrap(True)
        self.body.addWidget(self.sales_line)
        splitter = QSplitter()
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_right())
        splitter.setSizes([420, 700])
        self.body.addWidget(splitter, 1)

    # -- layout -------------------------------------------------------------------------
    def _build_figures(self) -> QVBoxLayout:
        """Figures on one line, the two actions on the next (fits at 1280x800)."""
        column = QVBoxLayout()
        figures = QHBoxLayout()
        self.figures: dict[str, QLabel] = {}
        for key in ("records", "people", "to_review", "merged", "answered"):
            label = QLabel("–")
            label.setObjectName("figureSmall")
            self.figures[key] = label
            figures.addWidget(label)
            figures.addSpacing(12)
        figures.addStretch(1)
        column.addLayout(figures)
        row = QHBoxLayout()
        row.addStretch(1)
        column.addLayout(row)
        self.relearn_button = QPushButton("Learn from my answers")
        self.relearn_button.setToolTip("Score every pair again, using your answers as examples.")
        self.relearn_button.clicked.connect(self.relearn)
        row.addWidget(self.relearn_button)
        self.merge_button = QPushButton("Merge duplicates")
        self.merge_button.setDefault(True)
        self.merge_button.setToolTip("Give every person one customer number (cluster_id); "
                                     "no record is deleted and this can be undone.")
        self.merge_button.clicked.connect(self.merge)
        row.addWidget(self.merge_button)
        return column

    def _build_left(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        rules_box = QGroupBox("How records were paired for comparison")
        rules_layout = QVBoxLayout(rules_box)
        self.rules_table = QTableWidget(0, 2)
        self.rules_table.setHorizontalHeaderLabels(["Compare records with…", "Pairs"])
        self.rules_table.setAccessibleName("Pairing rules")
        self.rules_table.verticalHeader().hide()
        self.rules_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rules_table.itemChanged.connect(self._rule_toggled)
        rules_layout.addWidget(self.rules_table)
        layout.addWidget(rules_box)
        sure_box = QGroupBox("How sure before merging automatically")
        sure_layout = QVBoxLayout(sure_box)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(50, 99)
        self.slider.setAccessibleName("How sure before merging")
        self.slider.setToolTip("Match probability from a Fellegi-Sunter model learned on your "
                               "own data (no labels needed).")
        self.slider.valueChanged.connect(self._slider_moved)
        self.slider.sliderReleased.connect(self._commit_threshold)
        self.live = QLabel("")
        self.live.setObjectName("liveCount")
        sure_layout.addWidget(self.slider)
        sure_layout.addWidget(self.live)
        layout.addWidget(sure_box)
        self.chart = ChartView(draw_scores, "Scores of possible duplicates")
        self.chart.setMinimumHeight(240)
        layout.addWidget(self.chart, 1)
        return box

    def _build_right(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        review_box = QGroupBox("Possible duplicates to review")
        review_layout = QVBoxLayout(review_box)
        self.review = ReviewPanel()
        self.review.answered.connect(self.decide)
        self.review.moved.connect(self.move)
        self.review.split.connect(self.split_group)
        review_layout.addWidget(self.review)
        layout.addWidget(review_box, 3)
        golden_box = QGroupBox("The merged record, if they are the same person")
        golden_layout = QVBoxLayout(golden_box)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("Keep for each column:"))
        self.golden_rule = QComboBox()
        self.golden_rule.setAccessibleName("Which value the merged record keeps")
        for rule, words in GOLDEN_RULES.items():
            self.golden_rule.addItem(words, rule)
        self.golden_rule.activated.connect(self._golden_rule_chosen)
        keep_row.addWidget(self.golden_rule, 1)
        self.source_label = QLabel("Prefer records from:")
        keep_row.addWidget(self.source_label)
        self.golden_source = QComboBox()
        self.golden_source.setAccessibleName("Which source the merged record prefers")
        self.golden_source.activated.connect(self._golden_source_chosen)
        keep_row.addWidget(self.golden_source)
        golden_layout.addLayout(keep_row)
        self.golden_note = QLabel("")
        self.golden_note.setObjectName("goldenNote")
        self.golden_note.setWordWrap(True)
        golden_layout.addWidget(self.golden_note)
        self.group_line = QLabel("")
        self.group_line.setObjectName("groupRecords")
        self.group_line.setWordWrap(True)
        golden_layout.addWidget(self.group_line)
        self.golden_table = QTableWidget(0, 3)
        self.golden_table.setHorizontalHeaderLabels(["Column", "Value", "Taken from"])
        self.golden_table.setAccessibleName("Merged record preview")
        self.golden_table.verticalHeader().hide()
        self.golden_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.golden_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        golden_layout.addWidget(self.golden_table)
        layout.addWidget(golden_box, 2)
        return box

    # -- document state -----------------------------------------------------------------
    def value(self) -> dict:
        """This step's state, with defaults for a first visit."""
        value = self.document.state(self.STEP) or {}
        config = value.get("config") or asdict(DedupeConfig(id_column=self._id_column()))
        return {"config": config, "decisions": list(value.get("decisions", [])),
                "applied": bool(value.get("applied", False)),
                "golden_rule": value.get("golden_rule", "most_complete"),
                "golden_source": value.get("golden_source")}

    def config(self) -> DedupeConfig:
        return DedupeConfig(**self.value()["config"])

    def _id_column(self) -> str | None:
        roles = self.document.roles("crm")
        return next((c for c, r in roles.items() if r == Role.CUSTOMER_ID), None)

    def _input(self) -> pd.DataFrame:
        """The customer list without the columns an earlier merge added."""
        df = self.document.frame("crm")
        return df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns])

    def _roles(self) -> dict[str, str]:
        return {c: r for c, r in self.document.roles("crm").items() if c not in OUTPUT_COLUMNS}

    def _key(self) -> tuple:
        """What the scoring depends on: the list's content (not a merge's columns), rules."""
        df = self.document.frame("crm")
        if self._hash_cache is None or self._hash_cache[0] != id(df):
            content = int(pd.util.hash_pandas_object(self._input(), index=False).sum())
            self._hash_cache = (id(df), content)
        config = self.config()
        return (self._hash_cache[1], repr(config.rules), config.id_column, config.max_block,
                repr(sorted(self._roles().items())))

    def set_value(self, value: dict, text: str) -> None:
        self.document.set_state(self.STEP, value, text)

    # -- StepScreen ---------------------------------------------------------------------
    def waiting_for(self) -> str | None:
        if self.document.frame("crm") is None:
            return "Import a customer list first."
        return None

    def status(self) -> tuple[str, str]:
        if self.document.frame("crm") is None or self.grouping is None:
            return NOT_STARTED, ""
        report = self.grouping.report
        if report["to_review"]:
            return NEEDS_ATTENTION, to_review(report["to_review"])
        if self.value()["applied"]:
            return DONE, f"{report['people']:,} people"
        return NEEDS_ATTENTION, f"{report['merged_records']:,} duplicates ready to merge"

    def refresh(self) -> None:
        key = self._key()
        if key == self._scored_for:
            self._regroup()
        elif key != self._scoring_for:
            self._start_scoring(key)

    # -- work ---------------------------------------------------------------------------
    def _start_scoring(self, key: tuple) -> None:
        self._scoring_for = key
        df, roles, config = self._input(), self._roles(), self.config()
        decisions = _decisions(self.value())
        sales, sales_roles = self.document.frame("sales"), self.document.roles("sales")

        def work(ctx):
            return score_records(df, roles, config, decisions, ctx), sales_summary(
                df, sales, roles, sales_roles, config.id_column)

        def done(result: tuple[Scored, str]) -> None:
            scored, self.sales_summary = result
            self.sales_line.setText(self.sales_summary)
            self.scored, self._scored_for, self._scoring_for = scored, key, None
            self.position = 0
            self._show_rules()
            self._regroup()
            self.statusChanged.emit()

        def failed(exc: Exception) -> None:
            self._scoring_for = None
            self.show_error(exc)

        self.run_job(work, done, "Looking for people who are in the list twice…", failed)

    def _regroup(self, threshold: float | None = None) -> None:
        if self.scored is None:
            return
        value, config = self.value(), self.config()
        threshold = config.threshold if threshold is None else threshold
        self.grouping = group_records(self.scored, threshold, config.review_threshold,
                                      _decisions(value))
        report = self.grouping.report
        self.figures["records"].setText(f"{report['records']:,} records")
        self.figures["people"].setText(f"{report['people']:,} people")
        self.figures["to_review"].setText(to_review(report["to_review"]))
        self.figures["merged"].setText(f"{report['merged_records']:,} merged automatically")
        self.figures["answered"].setText(f"{report['reviewed']:,} answered by you")
        self.live.setText(f"At {threshold:.0%} sure: {report['people']:,} people, "
                          f"{report['to_review']:,} pairs to review")
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(round(threshold * 100))
            self.slider.blockSignals(False)
        self.chart.show_data((self.scored.probability, config.review_threshold, threshold))
        self.queue = review_queue(self.scored, threshold, config.review_threshold,
                                  _decisions(value))
        self.position = min(self.position, max(len(self.queue) - 1, 0))
        self._show_pair()

    def _show_rules(self) -> None:
        self.rules_table.blockSignals(True)
        rules = rules_for(self.scored.features, self.config())
        counts = {c["rule"]: c["pairs"] for c in self.scored.rule_counts}
        self.rules_table.setRowCount(len(rules))
        for r, rule in enumerate(rules):
            item = QTableWidgetItem(rule.label)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
            self.rules_table.setItem(r, 0, item)
            count = counts.get(rule.label)
            cell = QTableWidgetItem("off" if count is None else f"{count:,}")
            cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.rules_table.setItem(r, 1, cell)
        self.rules_table.blockSignals(False)

    def current_pair(self) -> int | None:
        """Index (into the scored pairs) of the pair on show, if any."""
        return int(self.queue[self.position]) if len(self.queue) else None

    def _show_pair(self) -> None:
        k = self.current_pair()
        if k is None:
            self.review.show_pair(None, "Nothing left to review: every possible duplicate "
                                        "is either sure enough or answered.")
            self.golden_table.setRowCount(0)
            self.group_line.setText("")
            return
        df = self._input()
        rows = pair_rows(df, self.scored, k, self._roles(), self.config().id_column)
        chance = self.scored.probability[k]
        self.review.show_pair(rows, f"Pair {self.position + 1} of {len(self.queue):,}: "
                                    f"{chance:.0%} likely the same person")
        self._show_golden(df, k)

    def group_of(self, k: int) -> np.ndarray:
        """Row positions of the records in pair ``k``'s two groups (the suggested person)."""
        labels = self.grouping.cluster
        a, b = int(self.scored.left[k]), int(self.scored.right[k])
        return np.flatnonzero((labels == labels[a]) | (labels == labels[b]))

    def golden_columns(self, df: pd.DataFrame) -> tuple[str | None, str | None]:
        """(date column, source column) the survivorship rules can use, None if missing."""
        roles = self._roles()
        key = (id(self.document.frame("crm")), repr(sorted(roles.items())))
        if self._golden_columns is None or self._golden_columns[0] != key:
            found = record_date_column(df, roles), record_source_column(df, roles)
            self._golden_columns = (key, found)
        return self._golden_columns[1]

    def golden_config(self, df: pd.DataFrame) -> GoldenConfig:
        """The chosen rule, falling back to 'most complete' when its column is missing."""
        value = self.value()
        date_column, source_column = self.golden_columns(df)
        rule = value["golden_rule"]
        if (rule == "most_recent" and date_column is None) or (
                rule == "preferred_source" and source_column is None):
            rule = "most_complete"
        order = [] if source_column is None else source_preference(df[source_column],
                                                                   value["golden_source"])
        return GoldenConfig(rule=rule, date_column=date_column, source_column=source_column,
                            source_order=order)

    def _show_golden_choices(self, df: pd.DataFrame, config: GoldenConfig) -> None:
        model = self.golden_rule.model()
        notes = []
        for rule, column, note in (("most_recent", config.date_column, NO_DATE),
                                   ("preferred_source", config.source_column, NO_SOURCE)):
            item = model.item(self.golden_rule.findData(rule))
            item.setEnabled(column is not None)
            item.setToolTip(note if column is None else f"Uses the column “{column}”.")
            if column is None:
                notes.append(note)
        self.golden_note.setText(" ".join(notes))
        self.golden_note.setVisible(bool(notes))
        self.golden_rule.setCurrentIndex(self.golden_rule.findData(config.rule))
        preferring = config.rule == "preferred_source"
        self.golden_source.clear()
        for source in config.source_order:
            self.golden_source.addItem(source, source)
        if config.source_order:
            self.golden_source.setCurrentIndex(0)
        self.source_label.setVisible(preferring)
        self.golden_source.setVisible(preferring)

    def _show_golden(self, df: pd.DataFrame, k: int) -> None:
        rows = self.group_of(k)
        config = self.golden_config(df)
        self._show_golden_choices(df, config)
        numbers = [f"{int(r) + 1:,}" for r in rows]
        self.group_line.setText(f"This group: records {', '.join(numbers[:-1])} and "
                                f"{numbers[-1]}" if len(numbers) > 1 else "")
        golden, provenance = golden_records(df.iloc[rows], pd.Series(["1"] * len(rows)), config)
        source = dict(zip(provenance["column"], provenance["row"], strict=True))
        columns = list(df.columns)
        self.golden_table.setRowCount(len(columns))
        for r, column in enumerate(columns):
            self.golden_table.setItem(r, 0, QTableWidgetItem(str(column)))
            self.golden_table.setItem(r, 1, QTableWidgetItem(str(golden.at[0, column])))
            pick = source[column]
            where = QTableWidgetItem("no record has a value" if pick < 0
                                     else f"record {int(rows[pick]) + 1:,}")
            where.setToolTip(f"Chosen as {GOLDEN_RULES[config.rule]}.")
            self.golden_table.setItem(r, 2, where)

    # -- user actions -------------------------------------------------------------------
    def relearn(self) -> None:
        """Score again with the review answers as labelled examples."""
        if self._scoring_for is None:
            self._start_scoring(self._key())

    def decide(self, same: bool) -> None:
        k = self.current_pair()
        if k is None:
            return
        a, b = int(self.scored.left[k]), int(self.scored.right[k])
        value = self.value()
        decision = {"left": a, "right": b, "same": bool(same)}
        new = dict(value, decisions=[*value["decisions"], decision])
        words = "Same person" if same else "Different people"
        self.set_value(new, f"{words}: records {a + 1:,} and {b + 1:,}")

    def split_group(self) -> None:
        """The pair's whole group is not one person: 'different people' between every two."""
        k = self.current_pair()
        if k is None:
            return
        members = [int(r) for r in self.group_of(k)]
        inside = set(members)
        value = self.value()
        kept = [d for d in value["decisions"]
                if not (d["left"] in inside and d["right"] in inside)]
        split = [{"left": i, "right": j, "same": False}
                 for n, i in enumerate(members) for j in members[n + 1:]]
        numbers = [f"{m + 1:,}" for m in members]
        self.set_value(dict(value, decisions=kept + split),
                       f"Split group: records {', '.join(numbers[:-1])} and {numbers[-1]} "
                       f"are different people")

    def _golden_source_chosen(self, index: int) -> None:
        source = self.golden_source.itemData(index)
        value = self.value()
        if source != value["golden_source"]:
            self.set_value(dict(value, golden_source=source),
                           f"Merged record prefers records from {source}")

    def _golden_rule_chosen(self, index: int) -> None:
        rule = self.golden_rule.itemData(index)
        value = self.value()
        if rule != value["golden_rule"]:
            self.set_value(dict(value, golden_rule=rule), f"Merged record keeps {GOLDEN_RULES[rule]}")

    def move(self, step: int) -> None:
        if len(self.queue):
            self.position = (self.position + step) % len(self.queue)
            self._show_pair()

    def _slider_moved(self, percent: int) -> None:
        self._regroup(percent / 100)
        if not self.slider.isSliderDown():
            self._commit_threshold()

    def _commit_threshold(self) -> None:
        threshold = self.slider.value() / 100
        value = self.value()
        if abs(value["config"]["threshold"] - threshold) > 1e-9:
            config = dict(value["config"], threshold=threshold)
            self.set_value(dict(value, config=config), f"Merge when {threshold:.0%} sure")

    def _rule_toggled(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or self.scored is None:
            return
        rules = rules_for(self.scored.features, self.config())
        rules[item.row()].enabled = item.checkState() == Qt.CheckState.Checked
        value = self.value()
        config = dict(value["config"], rules=[asdict(r) for r in rules])
        words = "Use" if rules[item.row()].enabled else "Stop using"
        self.set_value(dict(value, config=config), f"{words} pairing rule: {rules[item.row()].label}")

    def merge(self) -> None:
        """Add cluster_id and match_score to the customer list: one undoable change."""
        if self.grouping is None:
            return
        df = self._input()
        out = df.copy()
        out[CLUSTER_COLUMN] = (self.grouping.cluster + 1).astype(str)
        out[SCORE_COLUMN] = [f"{s:.4f}" for s in self.grouping.score]
        value = self.value()
        report = self.grouping.report
        stack = self.document.undo_stack
        stack.beginMacro(f"Merge duplicates: {report['records']:,} records, "
                         f"{report['people']:,} people")
        self.document.set_frame("crm", out, "Merge duplicates", roles=self._roles())
        self.set_value(dict(value, applied=True), "Merge duplicates")
        stack.endMacro()
        params = dict(value["config"], reviewed=len(value["decisions"]), people=report["people"])
        self.document.audit("dedupe", params, len(df), len(out), df, out)

