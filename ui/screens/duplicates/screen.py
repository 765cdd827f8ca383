"""Duplicates screen: people who are in the customer list more than once.

Top: the figures (records, people, possible duplicates to review, merged automatically)
and the one main action, "Merge duplicates", which adds ``cluster_id`` (one value per
person) and ``match_score`` to the customer list as one undoable change. Left: how
records were paired (each rule with its count, switchable), the "how sure" slider with
a live count, and the score histogram. Right: the review queue, most uncertain pair
first (all pairs, within one list or across lists when the records carry their list's
name), with Y / N / arrow keys, E to explain the match in plain words and S to split the
pair's whole group; beside it, the groups merged automatically, largest or least certain
first, where a group (or one record of it) is said not to be the same person; and the
golden record the pair's group would get, each value with the record it was taken from,
by a survivorship rule.

With several customer lists the screen reviews the lists' records as the link compared
them (each with its list's name and row there): an answer links the lists again in a
job, there is nothing left to merge, and the link's settings stand.

Every action is one call into :mod:`app.actions.duplicates`, which owns the state and
the engine; this module only draws.
"""

from __future__ import annotations

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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.actions import Action
from app.actions import duplicates as actions
from app.actions.duplicates import GOLDEN_RULES, PAIR_KINDS, Found
from core.errors import LocalReachError
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.duplicates.charts import draw_scores
from ui.screens.duplicates.merged import MergedPanel
from ui.screens.duplicates.review import ReviewPanel
from ui.widgets import passphrase
from ui.widgets.picture import Picture

GROUP_SLOT = "duplicates grouping"  # regrouping after an answer or a slider move
STATES = {"": NOT_STARTED, "review": NEEDS_ATTENTION, "merge": NEEDS_ATTENTION, "done": DONE}


class Screen(StepScreen):
    STEP = "duplicates"
    TITLE = "Duplicates"
    PROJECT_CACHE = ("found", "grouped", "_scoring_for", "_passphrase")
    INTRO = (
        "Find customers who are in your list more than once, check the uncertain ones, "
        "and merge each person's records into one, so nobody gets your letter twice."
    )

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self.found: Found | None = None
        self.grouped: actions.Review | None = None
        self.position = 0
        self.merged_groups: list[actions.MergedGroup] = []
        self.group_position = 0
        self._scoring_for: tuple | None = None
        self._passphrase: str | None = None
        self._wanted: tuple | None = None  # (threshold,) asked while a regrouping ran
        self.body.addLayout(self._build_figures())
        self.sales_line = QLabel("")
        self.sales_line.setObjectName("salesLink")
        self.sales_line.setWordWrap(True)
        self.body.addWidget(self.sales_line)
        codes_row = QHBoxLayout()
        self.codes_line = QLabel("")
        self.codes_line.setObjectName("codesNote")
        self.codes_line.setWordWrap(True)
        codes_row.addWidget(self.codes_line, 1)
        self.unlock_button = QPushButton("Unlock the key…")
        self.unlock_button.setToolTip("Type the key file's passphrase to see real names here.")
        self.unlock_button.clicked.connect(self.unlock)
        codes_row.addWidget(self.unlock_button)
        self.body.addLayout(codes_row)
        self.lists_line = QLabel("")
        self.lists_line.setObjectName("listsNote")
        self.lists_line.setWordWrap(True)
        self.body.addWidget(self.lists_line)
        splitter = QSplitter()
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_right())
        splitter.setSizes([420, 700])
        self.body.addWidget(splitter, 1)
        self._show_codes_note("")

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
        self.chart = Picture(draw_scores, "Scores of possible duplicates")
        self.chart.setMinimumHeight(240)
        layout.addWidget(self.chart, 1)
        return box

    def _build_right(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        review_box = QWidget()
        review_layout = QVBoxLayout(review_box)
        kind_row = QHBoxLayout()
        self.kind_label = QLabel("Show:")
        kind_row.addWidget(self.kind_label)
        self.pair_kind = QComboBox()
        self.pair_kind.setAccessibleName("Which pairs to review")
        for kind, words in PAIR_KINDS.items():
            self.pair_kind.addItem(words, kind)
        self.pair_kind.activated.connect(lambda _: self._regroup())
        kind_row.addWidget(self.pair_kind)
        kind_row.addStretch(1)
        review_layout.addLayout(kind_row)
        self.review = ReviewPanel()
        self.review.answered.connect(self.decide)
        self.review.moved.connect(self.move)
        self.review.split.connect(self.split_group)
        self.review.explain.connect(self.explain)
        review_layout.addWidget(self.review)
        self.tabs.addTab(review_box, "Possible duplicates to review")
        self.merged = MergedPanel()
        self.merged.moved.connect(self.move_group)
        self.merged.reordered.connect(self._first_group)
        self.merged.not_same.connect(self.not_same)
        self.merged.take_out.connect(self.take_out)
        self.merged.explain.connect(self.explain_merged)
        self.tabs.addTab(self.merged, "Merged automatically")
        layout.addWidget(self.tabs, 3)
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
        for widget in (self.source_label, self.golden_source):
            widget.hide()  # until the rule "prefer a source" is chosen (an empty box said nothing)
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

    # -- StepScreen ---------------------------------------------------------------------
    def waiting_for(self) -> str | None:
        if self.document.frame("crm") is None:
            return "Import a customer list first."
        return None

    def status(self) -> tuple[str, str]:
        if self.document.frame("crm") is None:
            return NOT_STARTED, ""
        kind, text = actions.status(self.document, self.grouped)
        return STATES[kind], text

    def refresh(self) -> None:
        """Group again when the search on show still fits the document, else search; a
        search started for a state that is gone (an undo and a redo) is cancelled."""
        key = actions.scoring_key(self.document)
        if self.found is not None and key == self.found.key:
            if self._scoring_for is not None:
                self.jobs.cancel(self.STEP)
                self._scoring_for = None
            self._regroup()
        elif key != self._scoring_for:
            self._start_scoring()

    # -- work ---------------------------------------------------------------------------
    def _start_scoring(self) -> None:
        def failed(exc: Exception) -> None:
            self._scoring_for = None
            self.show_error(exc)

        try:
            action = actions.find_duplicates(self.document, self._passphrase,
                                             self.pair_kind.currentData())
        except LocalReachError as exc:  # a wrong passphrase: asked again next time
            self._passphrase = None
            self.show_error(exc)
            return
        self.progress.begin(action.message)
        self._scoring_for = actions.scoring_key(self.document)
        action.start(self.jobs, self.STEP, self._found, failed)

    def _found(self, found: Found) -> None:
        self.found, self._scoring_for, self.position = found, None, 0
        self.sales_line.setText(found.sales_summary)
        self._show_codes_note(found.codes_note)
        self._show_lists_mode()
        self._show_rules()
        self._show_review(found.review)

    def _show_codes_note(self, note: str) -> None:
        self.codes_line.setText(note)
        self.codes_line.setVisible(bool(note))
        self.unlock_button.setVisible(bool(note) and actions.needs_passphrase(self.document))
        has_lists = self.found is not None and self.found.lists is not None
        self.kind_label.setVisible(has_lists)
        self.pair_kind.setVisible(has_lists)

    def _show_lists_mode(self) -> None:
        """With several lists the link merges: no merge button, its settings fixed."""
        note = actions.lists_note(self.document)
        self.lists_line.setText(note)
        self.lists_line.setVisible(bool(note))
        for widget in (self.merge_button, self.relearn_button):
            widget.setVisible(not note)
        for widget in (self.slider, self.rules_table, self.golden_rule):
            widget.setEnabled(not note)

    def _change(self, answer) -> None:
        """Make an answer; with several lists it links them again in a job, one at a time
        (an answer while it works is not taken: the pairs on show are about to change)."""
        linked = actions.linked_lists(self.document) is not None
        if self.regrouping() or (linked and self.jobs.is_running(self.STEP)):
            return  # the pairs on show are about to change
        result = answer()
        if isinstance(result, Action):
            self.progress.begin(result.message)
            result.start(self.jobs, self.STEP, None, self.show_error)

    def regrouping(self) -> bool:
        """Whether the groups on show are about to change (a regrouping job runs)."""
        return self.jobs.is_running(GROUP_SLOT)

    def _regroup(self, threshold: float | None = None) -> None:
        """Group again in a job (seconds at 100k records); one at a time, the newest
        threshold asked for meanwhile next."""
        if self.found is None:
            return
        if self.regrouping():
            self._wanted = (threshold,)
            return
        action = actions.regroup(self.document, self.found, threshold, self.pair_kind.currentData())
        found = self.found
        action.start(self.jobs, GROUP_SLOT, lambda review: self._regrouped(found, review),
                     self.show_error)

    def _regrouped(self, found: Found, review: actions.Review) -> None:
        if found is self.found:  # not a search that came meanwhile
            self._show_review(review)
        if self._wanted is not None:
            (threshold,), self._wanted = self._wanted, None
            self._regroup(threshold)

    def _show_review(self, grouped: actions.Review) -> None:
        self.grouped = grouped
        report = grouped.grouping.report
        self.figures["records"].setText(f"{report['records']:,} records")
        self.figures["people"].setText(f"{report['people']:,} people")
        self.figures["to_review"].setText(actions.to_review(report["to_review"]))
        self.figures["merged"].setText(f"{report['merged_records']:,} merged automatically")
        self.figures["answered"].setText(f"{report['reviewed']:,} answered by you")
        self.live.setText(f"At {grouped.threshold:.0%} sure: {report['people']:,} people, "
                          f"{report['to_review']:,} pairs to review")
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(round(grouped.threshold * 100))
            self.slider.blockSignals(False)
        self.chart.show_data((self.found.bins, actions.config(self.document).review_threshold,
                              grouped.threshold))
        self.position = min(self.position, max(len(grouped.queue) - 1, 0))
        self._show_pair()
        self._show_merged_group()
        self.statusChanged.emit()

    def _show_rules(self) -> None:
        self.rules_table.blockSignals(True)
        rows = actions.rule_rows(self.document, self.found)
        self.rules_table.setRowCount(len(rows))
        for r, (label, enabled, count) in enumerate(rows):
            item = QTableWidgetItem(label)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked)
            self.rules_table.setItem(r, 0, item)
            cell = QTableWidgetItem(count)
            cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.rules_table.setItem(r, 1, cell)
        self.rules_table.blockSignals(False)

    def current_pair(self) -> int | None:
        """Position in the review queue of the pair on show, if any."""
        return self.position if self.grouped is not None and len(self.grouped.queue) else None

    def _show_pair(self) -> None:
        at = self.current_pair()
        if at is None:
            self.review.show_pair(None, "Nothing left to review: every possible duplicate "
                                        "is either sure enough or answered.")
            self.golden_table.setRowCount(0)
            self.group_line.setText("")
            return
        view = actions.pair_view(self.document, self.found, self.grouped, at)
        self.review.show_pair(view)
        self._show_golden(actions.golden_preview(self.document, self.found, self.grouped, at))

    def _show_merged_group(self) -> None:
        """The merged group at ``group_position`` in the chosen order."""
        self.merged_groups = self.grouped.merged[self.merged.order.currentData()]
        count = len(self.merged_groups)
        # groups, not records: the figure above counts the records merged into others
        self.tabs.setTabText(1, f"Merged automatically ({count:,} group{'' if count == 1 else 's'})")
        if not count:
            self.merged.show_group(None, "No records were merged automatically at this "
                                         "threshold.")
            return
        self.group_position = min(self.group_position, count - 1)
        self.merged.show_group(actions.group_view(self.found, self.merged_groups,
                                                  self.group_position))

    def _merged_members(self):
        return self.merged_groups[self.group_position].members if self.merged_groups else None

    def _show_golden(self, preview: actions.GoldenPreview) -> None:
        model = self.golden_rule.model()
        missing = dict(preview.missing)
        for rule, column in (("most_recent", preview.config.date_column),
                             ("preferred_source", preview.config.source_column)):
            item = model.item(self.golden_rule.findData(rule))
            item.setEnabled(rule not in missing)
            item.setToolTip(missing.get(rule) or f"Uses the column “{column}”.")
        self.golden_note.setText(" ".join(missing.values()))
        self.golden_note.setVisible(bool(missing))
        self.golden_rule.setCurrentIndex(self.golden_rule.findData(preview.config.rule))
        preferring = preview.config.rule == "preferred_source"
        self.golden_source.clear()
        for source in preview.config.source_order:
            self.golden_source.addItem(source, source)
        self.source_label.setVisible(preferring)
        self.golden_source.setVisible(preferring)
        self.group_line.setText(preview.group_line)
        self.golden_table.setRowCount(len(preview.rows))
        for r, (column, value, where) in enumerate(preview.rows):
            self.golden_table.setItem(r, 0, QTableWidgetItem(column))
            self.golden_table.setItem(r, 1, QTableWidgetItem(value))
            taken = QTableWidgetItem(where)
            taken.setToolTip(f"Chosen as {GOLDEN_RULES[preview.config.rule]}.")
            self.golden_table.setItem(r, 2, taken)

    # -- user actions -------------------------------------------------------------------
    def relearn(self) -> None:
        """Score again with the review answers as labelled examples."""
        if self._scoring_for is None:
            self._start_scoring()

    def unlock(self) -> None:
        """Ask the key file's passphrase, then compare and show the real values."""
        typed = passphrase.ask_passphrase(
            self, "Unlock the key", "Type the passphrase that protects this project's key "
            "file: the duplicate review then shows real names and addresses.", False)
        if typed is not None:
            self._passphrase = typed
            self._start_scoring()

    def decide(self, same: bool) -> None:
        if self.current_pair() is not None:
            self._change(lambda: actions.answer_pair(self.document, self.found, self.grouped,
                                                     self.position, same))

    def split_group(self) -> None:
        """The pair's whole group is not one person: 'different people' between every two."""
        if self.current_pair() is not None:
            self._change(lambda: actions.split_group(self.document, self.found, self.grouped,
                                                     self.position))

    def explain(self) -> None:
        if self.current_pair() is not None:
            self.review.show_explanation(actions.explain(self.found, self.grouped, self.position))

    def _first_group(self) -> None:
        self.group_position = 0
        self._show_merged_group()

    def move_group(self, step: int) -> None:
        if self.merged_groups:
            self.group_position = (self.group_position + step) % len(self.merged_groups)
            self._show_merged_group()

    def not_same(self) -> None:
        """The merged group on show is not one person."""
        members = self._merged_members()
        if members is not None:
            self._change(lambda: actions.not_the_same(self.document, self.found, self.grouped,
                                                      members))

    def take_out(self, row: int) -> None:
        """The record at ``row`` of the merged group on show is someone else."""
        members = self._merged_members()
        if members is None:
            return
        try:
            self._change(lambda: actions.take_out(self.document, self.found, self.grouped,
                                                  members, int(members[row])))
        except LocalReachError as exc:
            self.show_error(exc)

    def explain_merged(self, row: int) -> None:
        members = self._merged_members()
        if members is not None:
            self.merged.show_explanation(actions.explain_record(self.found, members,
                                                                int(members[row])))

    def _golden_source_chosen(self, index: int) -> None:
        actions.choose_golden_source(self.document, self.golden_source.itemData(index))

    def _golden_rule_chosen(self, index: int) -> None:
        actions.choose_golden_rule(self.document, self.golden_rule.itemData(index))

    def move(self, step: int) -> None:
        if self.current_pair() is not None:
            self.position = (self.position + step) % len(self.grouped.queue)
            self._show_pair()

    def _slider_moved(self, percent: int) -> None:
        self._regroup(percent / 100)
        if not self.slider.isSliderDown():
            self._commit_threshold()

    def _commit_threshold(self) -> None:
        actions.set_threshold(self.document, self.slider.value() / 100)

    def _rule_toggled(self, item: QTableWidgetItem) -> None:
        if item.column() == 0 and self.found is not None:
            actions.switch_rule(self.document, self.found, item.row(),
                                item.checkState() == Qt.CheckState.Checked)

    def merge(self) -> None:
        """Add cluster_id and match_score to the customer list: one undoable change."""
        if self.grouped is not None:
            actions.merge_duplicates(self.document, self.grouped)
