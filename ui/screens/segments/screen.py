"""Segments screen: choose how to group customers, see the groups, edit the RFM rules.

Settings on the left, pictures on the right. Every settings change is one undoable change
of the ``segments`` state; "Find customer groups" runs the engine in the background and
then, as one undo step, adds the group columns to the customer list and stores the
report (the pictures are drawn from it, so a reopened project shows them again).
"""

from __future__ import annotations

from dataclasses import asdict, replace

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.actions import segments as actions
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.segments.fairness import FairnessPage
from ui.screens.segments.rules import RuleEditor
from ui.widgets.actions import run_action
from ui.widgets.chart_view import (
    draw_dendrogram,
    draw_k_choice,
    draw_map,
    draw_rfm_grid,
    draw_sizes,
)
from ui.widgets.picture import Picture

# Short enough to show whole in the closed box at 1366 pixels; the tooltips say more.
METHOD_LABELS = {
    "rfm": "Named segments (RFM)",
    "kmeans": "Found groups: quick",
    "gmm": "Found groups: overlapping",
    "hierarchical": "Found groups: family tree",
}
METHOD_TIPS = {
    "rfm": "Named segments by how recently, how often and how much people buy: the 11 "
           "classic RFM segments from 1-5 scores, with rules you can edit.",
    "kmeans": "Groups found in the data, quickly: k-means with k-means++ starts.",
    "gmm": "Groups found in the data that may overlap: a Gaussian mixture; its BIC is "
           "shown under Advanced.",
    "hierarchical": "Groups found in the data as a family tree: Ward hierarchical "
                    "clustering; a dendrogram is shown under Advanced.",
}
TIE_LABELS = {"together": "Equal values get the same score",
              "first": "Break ties by customer id (equal-sized scores)"}
AUTO = 1  # the spin box's lowest value reads "Automatic"
OFF = 0  # the purchase-forecast spin box's lowest value reads "Off"
FROM_CRM = Qt.ItemDataRole.UserRole + 1
PRESS = "Press “Find customer groups” to see "  # marks a feature that is a customer-list column


# The measures table's columns in plain words; the statistician's name stays in the tooltip.
MEASURE_LABELS = {
    "k": ("Groups", "number of groups"),
    "spread": ("Spread inside groups", "within-cluster sum of squares (elbow): lower is tighter"),
    "silhouette": ("How well apart", "silhouette, on a sample: higher is better (-1 to 1)"),
    "calinski_harabasz": ("Apart vs. spread", "Calinski-Harabasz index: higher is better"),
    "davies_bouldin": ("Overlap", "Davies-Bouldin index: lower is better"),
    "bic": ("Fit of the mixture", "Bayesian information criterion: lower is better"),
    "gain_next": ("Gain of one more group",
                  "share of all differences between people that one more group would explain"),
}


def _fill_table(table: QTableWidget, frame: pd.DataFrame, decimals: int = 3,
                labels: dict[str, tuple[str, str]] | None = None) -> None:
    table.setRowCount(len(frame))
    table.setColumnCount(len(frame.columns))
    for c, name in enumerate(frame.columns):
        label, tip = (labels or {}).get(str(name), (str(name), ""))
        header = QTableWidgetItem(label)
        header.setToolTip(f"{tip} ({name})" if tip else "")
        table.setHorizontalHeaderItem(c, header)
    for r, row in enumerate(frame.itertuples(index=False)):
        for c, value in enumerate(row):
            text = f"{value:,.{decimals}f}" if isinstance(value, float) else f"{value}"
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, c, item)


class Screen(StepScreen):
    STEP = "segments"
    TITLE = "Segments"
    INTRO = ("Put your customers into groups by how they buy, so each group can get the "
             "message that suits it.")

    def __init__(self, document, jobs, parent=None) -> None:
        super().__init__(document, jobs, parent)
        self._held = False  # a result is being stored: refresh once it all is
        self.summary = QLabel()
        self.summary.setObjectName("summaryFigure")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        splitter = QSplitter()
        splitter.addWidget(self._settings_panel())
        splitter.addWidget(self._pictures_panel())
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([360, 1000])  # the pictures get the room; the settings stay readable
        self.body.addWidget(splitter, 1)

    # -- building ---------------------------------------------------------------------
    def _settings_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout()
        self.method = QComboBox()
        self.method.setAccessibleName("How to group")
        self.method.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.method.setMinimumContentsLength(22)  # long choices show whole in the open list
        for key, label in METHOD_LABELS.items():
            self.method.addItem(label, key)
            self.method.setItemData(self.method.count() - 1, METHOD_TIPS[key],
                                    Qt.ItemDataRole.ToolTipRole)
        self.method.currentIndexChanged.connect(self._settings_edited)
        self.k = QSpinBox()
        self.k.setAccessibleName("Number of groups")
        self.k.setRange(AUTO, 15)
        self.k.setSpecialValueText("Automatic (proposed)")
        self.k.valueChanged.connect(self._settings_edited)
        self.ties = QComboBox()
        self.ties.setAccessibleName("Equal values in scores")
        self.ties.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.ties.setMinimumContentsLength(22)
        for key, label in TIE_LABELS.items():
            self.ties.addItem(label, key)
        self.ties.currentIndexChanged.connect(self._settings_edited)
        self.tie_rule = QLabel()
        self.tie_rule.setWordWrap(True)
        self.propensity_days = QSpinBox()
        self.propensity_days.setAccessibleName("Chance to buy within")
        self.propensity_days.setRange(OFF, 730)
        self.propensity_days.setSingleStep(30)
        self.propensity_days.setSpecialValueText("Off")
        self.propensity_days.setSuffix(" days")
        self.propensity_days.setToolTip(
            "Adds each person's chance of ordering within this many days (a merge field), "
            "learnt from the history before and checked on the most recent days against "
            "ranking by days since the last order. Needs twice this much sales history.")
        self.propensity_days.valueChanged.connect(self._settings_edited)
        self.features = QListWidget()
        self.features.setAccessibleName("What the groups are based on")
        self.features.setToolTip("Skewed figures (orders, spend, days) are log-transformed and "
                                 "every feature is scaled; a mix of categories or channels, or "
                                 "a text column, counts as one feature.")
        self._offered: list = []
        self.features.itemChanged.connect(self._settings_edited)
        form.addRow("How to group", self.method)
        form.addRow("Number of groups", self.k)
        form.addRow("Equal values", self.ties)
        form.addRow("", self.tie_rule)
        form.addRow("Chance to buy within", self.propensity_days)
        self.find = QPushButton("Find customer groups")
        self.find.setDefault(True)
        self.find.clicked.connect(self.find_groups)
        layout = QVBoxLayout(panel)
        based_on = QLabel("Based on")
        based_on.setBuddy(self.features)
        layout.addLayout(form)
        layout.addWidget(based_on)
        layout.addWidget(self.features, 1)  # takes the height left: all its choices in sight
        layout.addWidget(self.find)
        return panel

    def _pictures_panel(self) -> QWidget:
        self.tabs = QTabWidget()
        self.sizes_chart = Picture(draw_sizes, "People in each group",
                                     empty=PRESS + "how many people each group has.")
        self.names = QTableWidget(0, 2)
        self.names.setHorizontalHeaderLabels(["Group (click to rename)", "People"])
        self.names.setAccessibleName("Group names")
        self.names.setToolTip("Groups are named from their figures; type a name of your own.")
        self.names.itemChanged.connect(self._name_edited)
        sizes_page = QSplitter(Qt.Orientation.Vertical)
        sizes_page.addWidget(self.sizes_chart)
        sizes_page.addWidget(self.names)
        self.k_chart = Picture(draw_k_choice, "How many groups", empty=(
            "Named segments need no number of groups. Choose one of the “Found groups” and "
            "find groups to see how many suit your customers."))
        self.k_reason = QLabel()
        self.k_reason.setWordWrap(True)
        k_page = QWidget()
        k_layout = QVBoxLayout(k_page)
        k_layout.addWidget(self.k_chart, 1)
        k_layout.addWidget(self.k_reason)
        self.map_chart = Picture(draw_map, "Map of groups", empty=(
            "Choose one of the “Found groups” and find groups to see them on a map."))
        self.grid_chart = Picture(draw_rfm_grid, "RFM grid",
                                    empty=PRESS + "people by how recently and how often they buy.")
        self.rules = RuleEditor(actions.classic_rules(), actions.rule_problems, actions.UNASSIGNED)
        self.rules.rulesEdited.connect(self._rules_edited)
        self.map_chart.setToolTip("Each dot is a person, placed so that people who buy alike "
                                  "sit close together; the two directions mix all the features.")
        self.fairness = FairnessPage()
        self.fairness.markedChanged.connect(self._sensitive_marked)
        self.fairness.check.clicked.connect(self.check_fairness)
        # Short tab titles, so all eight fit beside the settings at 1366 pixels; the tooltip
        # says what each tab holds.
        for page, title, tip in (
                (sizes_page, "Groups", "People in each group, and the groups' names"),
                (k_page, "How many", "How many groups to make, and why this number"),
                (self.grid_chart, "Recency", "People by how recently and how often they buy"),
                (self.rules, "Rules", "The rules that name the segments, editable"),
                (self._propensity_page(), "Who buys next", "Each person's chance to order soon"),
                (self.fairness, "Fairness", "Are the groups fair to gender, age, area?"),
                (self._forecast_page(), "Forecast", "The value forecast against what happened"),
                (self._advanced_page(), "Advanced", "The map of groups and the statistics")):
            self.tabs.setTabToolTip(self.tabs.addTab(page, title), tip)
        return self.tabs

    def _propensity_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.propensity_verdict = QLabel()
        self.propensity_verdict.setWordWrap(True)
        self.lift_chart = Picture(actions.draw_lift, "Who bought: model against recency")
        layout.addWidget(self.propensity_verdict)
        layout.addWidget(self.lift_chart, 1)
        return page

    def _forecast_page(self) -> QWidget:
        """The holdout check: the value model fitted on older orders against the newest."""
        page = QWidget()
        layout = QVBoxLayout(page)
        self.check = QPushButton("Check the forecast")
        self.check.setToolTip("Fit the purchase model on all but the last third of the sales "
                              "history (at most a year) and compare its forecast with the "
                              "orders really placed since.")
        self.check.clicked.connect(self.check_forecast)
        self.forecast_verdict = QLabel("Press “Check the forecast” to see how well expected "
                                       "orders would have matched what happened.")
        self.forecast_verdict.setWordWrap(True)
        self.forecast_chart = Picture(actions.draw_forecast, "Forecast against what happened")
        layout.addWidget(self.check)
        layout.addWidget(self.forecast_verdict)
        layout.addWidget(self.forecast_chart, 1)
        return page

    def _advanced_page(self) -> QWidget:
        """The map and the statistics, for those who want them: one tab each."""
        measures = QWidget()
        layout = QVBoxLayout(measures)
        self.stability = QLabel()
        self.stability.setWordWrap(True)
        self.stability.setToolTip("Mean adjusted Rand index between the groups and groups "
                                  "found again on bootstrap resamples of the people.")
        self.measures = QTableWidget()
        self.measures.setAccessibleName("Measures per number of groups")
        self.measures.setToolTip("How tight and how far apart the groups are for each number "
                                 "of groups; point at a column title for what it measures.")
        self.crosstab = QTableWidget()
        self.crosstab.setAccessibleName("Groups against named segments")
        self.dendrogram = Picture(draw_dendrogram, "How groups merge", empty=(
            "Choose “Found groups: family tree” and find groups to see how they merge."))
        layout.addWidget(self.stability)
        layout.addWidget(QLabel("Measures for each number of groups"))
        layout.addWidget(self.measures, 1)
        layout.addWidget(QLabel("Groups against the named RFM segments (people)"))
        layout.addWidget(self.crosstab, 1)
        pages = QTabWidget()
        pages.setAccessibleName("Advanced")
        pages.addTab(self.map_chart, "Map of groups")
        pages.addTab(measures, "Measures")
        pages.addTab(self.dendrogram, "How groups merge")
        return pages

    # -- the document -------------------------------------------------------------------
    def waiting_for(self) -> str | None:
        return actions.waiting_for(self.document)

    def config(self):
        return actions.config(self.document)

    def result(self) -> dict | None:
        return actions.result(self.document)

    def status(self) -> tuple[str, str]:
        result = self.result()
        if self.waiting_for() or result is None:
            return NOT_STARTED, ""
        if result["config"] != asdict(self.config()):
            return NEEDS_ATTENTION, "settings changed: find groups again"
        word = "segments" if result["config"]["method"] == "rfm" else "groups"
        return DONE, f"{actions.groups_found(result['report'])} {word}"

    def _offer_features(self) -> None:
        offered = actions.offered_features(self.document)
        if offered == self._offered:
            return
        self._offered = offered
        self.features.clear()
        for feature in offered:
            item = QListWidgetItem(feature.label)
            item.setData(Qt.ItemDataRole.UserRole, feature.key)
            item.setData(FROM_CRM, feature.from_crm)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.features.addItem(item)

    def refresh(self) -> None:
        cfg = self.config()
        widgets = (self.method, self.k, self.ties, self.features, self.propensity_days)
        for widget in widgets:
            widget.blockSignals(True)
        self._offer_features()
        self.method.setCurrentIndex(self.method.findData(cfg.method))
        self.method.setToolTip(METHOD_TIPS[cfg.method])
        self.k.setValue(cfg.k or AUTO)
        self.k.setEnabled(cfg.method != "rfm")
        self.features.setEnabled(cfg.method != "rfm")
        self.ties.setCurrentIndex(self.ties.findData(cfg.ties))
        self.propensity_days.setValue(cfg.propensity_days or OFF)
        for i in range(self.features.count()):
            item = self.features.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in cfg.features
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for widget in widgets:
            widget.blockSignals(False)
        self.tie_rule.setText(actions.RULES[cfg.ties])
        result = self.result()
        report = result["report"] if result else None
        counts = (dict(zip(report["rfm"]["rules"]["rule"], report["rfm"]["rules"]["people"],
                           strict=True)) if report else None)
        self.rules.show_rules(cfg.rules or actions.classic_rules(), counts)
        self.fairness.show_checks(actions.sensitive_candidates(self.document),
                           actions.sensitive_columns(self.document),
                           actions.fairness(self.document), result is not None)
        self._show_report(report, result["config"] if result else None)

    def _show_report(self, report: dict | None, used: dict | None) -> None:
        if report is None:
            self.summary.setText("Press “Find customer groups” to start.")
        else:
            word = "named segments" if used["method"] == "rfm" else "groups"
            text = (f"{report['buyers']:,} people with orders in "
                    f"{actions.groups_found(report)} {word}; "
                    f"{report['no_purchases']:,} without any order.")
            text = " ".join([text, *actions.summary_notes(report)])
            if used != asdict(self.config()):
                text += " Settings changed: press “Find customer groups” to update."
            self.summary.setText(text)
        self.sizes_chart.show_data(report["sizes"] if report else None)
        self._show_names(report["sizes"] if report else None)
        choice = report.get("k_choice") if report else None
        self.k_chart.show_data((choice["table"], choice["proposed"], report["k"])
                               if choice else None)
        self.k_reason.setText(choice["reason"] if choice else
                              "Named segments need no choice of number: the rules decide.")
        self.map_chart.show_data(report.get("map") if report else None)
        self.grid_chart.show_data(report["rfm"]["grid"] if report else None)
        self.dendrogram.show_data(report.get("dendrogram") if report else None)
        self.stability.setText(
            f"Groups found again on resampled customers: {report['stability']:.2f} "
            "(1.00 = always the same groups; below 0.60 the groups are fragile)."
            if report and "stability" in report else "")
        _fill_table(self.measures, choice["table"] if choice else pd.DataFrame(), labels=MEASURE_LABELS)
        cross = report.get("crosstab") if report else None
        _fill_table(self.crosstab, cross.reset_index() if cross is not None else pd.DataFrame())
        check = actions.propensity(report)
        self.propensity_verdict.setText(
            check.verdict if check else "Set “Chance to buy within” (for example 90 days) and "
            "find groups again: each person gets the chance that they order in that time, "
            "checked against ranking by days since the last order.")
        self.lift_chart.show_data(check)

    def _show_names(self, sizes: pd.DataFrame | None) -> None:
        self.names.blockSignals(True)
        rows = [] if sizes is None else list(sizes.itertuples(index=False))
        self.names.setRowCount(len(rows))
        for r, row in enumerate(rows):
            name = QTableWidgetItem(str(row.segment))
            name.setData(Qt.ItemDataRole.UserRole, str(row.segment))
            people = QTableWidgetItem(f"{int(row.people):,}")
            people.setFlags(people.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.names.setItem(r, 0, name)
            self.names.setItem(r, 1, people)
        self.names.resizeColumnsToContents()
        self.names.blockSignals(False)

    def _document_changed(self, name: str) -> None:
        if not self._held:
            super()._document_changed(name)

    def _refreshed_once(self, apply):
        """``apply`` with one refresh after it, not one per change it makes (the list,
        then the report: each refresh re-reads the customer list)."""
        def applied(found):
            self._held = True
            try:
                return apply(found)
            finally:
                self._held = False
                self._document_changed(self.STEP)
        return applied

    # -- user actions -------------------------------------------------------------------
    def _settings_edited(self, *_args) -> None:
        ticked = [self.features.item(i) for i in range(self.features.count())
                  if self.features.item(i).checkState() == Qt.CheckState.Checked]
        actions.change_settings(
            self.document, method=self.method.currentData(),
            k=None if self.k.value() == AUTO else self.k.value(), ties=self.ties.currentData(),
            features=[item.data(Qt.ItemDataRole.UserRole) for item in ticked],
            crm_columns=[item.data(Qt.ItemDataRole.UserRole) for item in ticked
                         if item.data(FROM_CRM)],
            propensity_days=self.propensity_days.value() or None)

    def _rules_edited(self, rules: list) -> None:
        actions.change_settings(self.document, "Edit the segment rules", rules=rules)

    def _name_edited(self, item: QTableWidgetItem) -> None:
        if not actions.rename_group(self.document, item.data(Qt.ItemDataRole.UserRole), item.text()):
            self._show_names(self.result()["report"]["sizes"] if self.result() else None)

    def _sensitive_marked(self, columns: list) -> None:
        actions.mark_sensitive(self.document, columns)

    def find_groups(self) -> None:
        if self.config().method != "rfm" and not self.config().features:
            self.summary.setText("Tick at least one thing to base the groups on.")
        elif action := actions.find_groups(self.document):  # None: still waiting for files
            run_action(self, replace(action, apply=self._refreshed_once(action.apply)))

    def check_forecast(self) -> None:
        if action := actions.check_the_forecast(self.document):
            run_action(self, action, self._show_forecast)

    def check_fairness(self) -> None:
        if action := actions.check_fairness(self.document):
            run_action(self, action)

    def _show_forecast(self, check) -> None:
        self.forecast_verdict.setText(check.verdict)
        self.forecast_chart.show_data(check)

