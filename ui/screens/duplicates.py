"""Duplicates screen: people who are in the customer list more than once.

Top: the figures (records, people, possible duplicates to review, merged automatically)
and the one main action, "Merge duplicates", which adds ``cluster_id`` (one value per
person) and ``match_score`` to the customer list as one undoable change. Left: how
records were paired (each rule with its count, switchable), the "how sure" slider with
a live count, and the score histogram. Right: the review queue, most uncertain pair
first, with Y / N / arrow keys, and the golden record the pair's person would get.

State ``duplicates`` = {"config": DedupeConfig as dict, "decisions": [{left, right,
same}], "applied": bool, "golden_rule": str}; every change is a new value through
``set_state``.
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

from core.dedupe.golden import GoldenConfig, golden_records
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
from ui.dedupe_charts import draw_scores
from ui.dedupe_review import ReviewPanel
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.segment_charts import ChartView

OUTPUT_COLUMNS = (CLUSTER_COLUMN, SCORE_COLUMN)
GOLDEN_RULES = {"most_complete": "the value from the most complete record",
                "most_frequent": "the most common value"}


def to_review(n: int) -> str:
    return f"{n:,} possible duplicate{'' if n == 1 else 's'} to review"


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
    def _build_figures(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.figures: dict[str, QLabel] = {}
        for key in ("records", "people", "to_review", "merged", "answered"):
            label = QLabel("–")
            label.setObjectName("figure")
            self.figures[key] = label
            row.addWidget(label)
        row.addStretch(1)
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
        return row

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
        golden_layout.addLayout(keep_row)
        self.golden_table = QTableWidget(0, 2)
        self.golden_table.setHorizontalHeaderLabels(["Column", "Value (taken from record)"])
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
                "golden_rule": value.get("golden_rule", "most_complete")}

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
            return
        df = self._input()
        rows = pair_rows(df, self.scored, k, self._roles(), self.config().id_column)
        chance = self.scored.probability[k]
        self.review.show_pair(rows, f"Pair {self.position + 1} of {len(self.queue):,}: "
                                    f"{chance:.0%} likely the same person")
        self._show_golden(df, k)

    def _show_golden(self, df: pd.DataFrame, k: int) -> None:
        labels = self.grouping.cluster
        a, b = int(self.scored.left[k]), int(self.scored.right[k])
        rows = np.flatnonzero((labels == labels[a]) | (labels == labels[b]))
        rule = self.value()["golden_rule"]
        self.golden_rule.setCurrentIndex(self.golden_rule.findData(rule))
        golden, provenance = golden_records(df.iloc[rows], pd.Series(["1"] * len(rows)),
                                            GoldenConfig(rule=rule))
        source = dict(zip(provenance["column"], provenance["row"], strict=True))
        columns = list(df.columns)
        self.golden_table.setRowCount(len(columns))
        for r, column in enumerate(columns):
            self.golden_table.setItem(r, 0, QTableWidgetItem(str(column)))
            pick = source[column]
            where = "" if pick < 0 else f"  (record {int(rows[pick]) + 1:,})"
            self.golden_table.setItem(r, 1, QTableWidgetItem(f"{golden.at[0, column]}{where}"))

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

