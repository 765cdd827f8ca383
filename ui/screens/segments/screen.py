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

from app.engine_inputs import engine_inputs
from core.segment import rfm
from core.segment.features import parse_numbers
from core.segment.holdout import holdout_figure
from core.segment.pipeline import (
    NO_PURCHASES,
    OUTPUT_COLUMNS,
    SegmentConfig,
    check_forecast,
    segment_customers,
)
from ui.screens.base import DONE, NEEDS_ATTENTION, NOT_STARTED, StepScreen
from ui.screens.segments.rules import RuleEditor
from ui.widgets.chart_view import (
    ChartView,
    draw_dendrogram,
    draw_k_choice,
    draw_map,
    draw_rfm_grid,
    draw_sizes,
)

METHOD_LABELS = {
    "rfm": "Named segments (how recently, how often, how much)",
    "kmeans": "Groups found in the data (quick)",
    "gmm": "Groups found in the data (overlapping groups)",
    "hierarchical": "Groups found in the data (family tree)",
}
METHOD_TIPS = {
    "rfm": "The 11 classic RFM segments from 1-5 scores, with rules you can edit.",
    "kmeans": "k-means with k-means++ starts.",
    "gmm": "Gaussian mixture; its BIC is shown under Advanced.",
    "hierarchical": "Ward hierarchical clustering; a dendrogram is shown under Advanced.",
}
TIE_LABELS = {"together": "Equal values get the same score",
              "first": "Break ties by customer id (equal-sized scores)"}
FEATURE_LABELS = {
    "recency_days": "Days since last order", "frequency": "Number of orders",
    "monetary": "Total spend", "avg_order_value": "Spend per order",
    "tenure_days": "Time as a customer", "mean_days_between": "Days between orders",
    "discount_share": "Orders with a discount", "peak_season_share": "Orders in the busiest weeks",
    "channel_mix": "Where they buy (channels)", "category_mix": "What they buy (categories)",
    "age": "Age",
}
AUTO = 1  # the spin box's lowest value reads "Automatic"
FROM_CRM = Qt.ItemDataRole.UserRole + 1  # marks a feature that is a customer-list column
# Columns never offered as features: who someone is, not how they behave.
NOT_FEATURES = {"customer_id", "first_name", "last_name", "full_name", "email", "phone",
                "street", "postcode", "date_of_birth", "consent", "opt_out", "company"}
MAX_CHOICES = 50  # a text column with more distinct values is not a useful feature


def crm_feature_columns(crm: pd.DataFrame, roles: dict[str, str]) -> list[str]:
    """Customer-list columns worth offering: numbers, or text with few distinct values."""
    added = set(OUTPUT_COLUMNS) | {"cluster_id", "match_score"}
    out = []
    for col in crm.columns:
        if col in added or col in NOT_FEATURES or roles.get(col) in NOT_FEATURES:
            continue
        values = crm[col].head(5000)
        if values.nunique() <= MAX_CHOICES or parse_numbers(values).notna().mean() >= 0.9:
            out.append(str(col))
    return out


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
        self.summary = QLabel()
        self.summary.setObjectName("summaryFigure")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        splitter = QSplitter()
        splitter.addWidget(self._settings_panel())
        splitter.addWidget(self._pictures_panel())
        splitter.setStretchFactor(1, 3)
        self.body.addWidget(splitter, 1)

    # -- building ---------------------------------------------------------------------
    def _settings_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout()
        self.method = QComboBox()
        self.method.setAccessibleName("How to group")
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
        for key, label in TIE_LABELS.items():
            self.ties.addItem(label, key)
        self.ties.currentIndexChanged.connect(self._settings_edited)
        self.tie_rule = QLabel()
        self.tie_rule.setWordWrap(True)
        self.features = QListWidget()
        self.features.setAccessibleName("What the groups are based on")
        self.features.setToolTip("Skewed figures (orders, spend, days) are log-transformed and "
                                 "every feature is scaled; a mix of categories or channels, or "
                                 "a text column, counts as one feature.")
        self._offered: list[str] = []
        self.features.itemChanged.connect(self._settings_edited)
        form.addRow("How to group", self.method)
        form.addRow("Number of groups", self.k)
        form.addRow("Equal values", self.ties)
        form.addRow("", self.tie_rule)
        form.addRow("Based on", self.features)
        self.find = QPushButton("Find customer groups")
        self.find.setDefault(True)
        self.find.clicked.connect(self.find_groups)
        layout = QVBoxLayout(panel)
        layout.addLayout(form)
        layout.addWidget(self.find)
        layout.addStretch(1)
        return panel

    def _pictures_panel(self) -> QWidget:
        self.tabs = QTabWidget()
        self.sizes_chart = ChartView(draw_sizes, "People in each group")
        self.k_chart = ChartView(draw_k_choice, "How many groups")
        self.k_reason = QLabel()
        self.k_reason.setWordWrap(True)
        k_page = QWidget()
        k_layout = QVBoxLayout(k_page)
        k_layout.addWidget(self.k_chart, 1)
        k_layout.addWidget(self.k_reason)
        self.map_chart = ChartView(draw_map, "Map of groups")
        self.grid_chart = ChartView(draw_rfm_grid, "RFM grid")
        self.rules = RuleEditor()
        self.rules.rulesEdited.connect(self._rules_edited)
        self.map_chart.setToolTip("Each dot is a person, placed so that people who buy alike "
                                  "sit close together; the two directions mix all the features.")
        self.tabs.addTab(self.sizes_chart, "Group sizes")
        self.tabs.addTab(k_page, "How many groups")
        self.tabs.addTab(self.grid_chart, "Recency and spend")
        self.tabs.addTab(self.rules, "Segment rules")
        self.tabs.addTab(self._forecast_page(), "Forecast check")
        self.tabs.addTab(self._advanced_page(), "Advanced")
        return self.tabs

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
        self.forecast_chart = ChartView(lambda fig, check: holdout_figure(check, fig),
                                        "Forecast against what happened")
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
        self.dendrogram = ChartView(draw_dendrogram, "How groups merge")
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
        from app.sales_customers import customer_key

        crm, sales = self.document.frame("crm"), self.document.frame("sales")
        if sales is None:
            if crm is None:
                return "Import a customer list and a sales file first (a sales file alone will do)."
            return "Import a sales file first: groups are based on what people bought."
        if crm is None and customer_key(self.document.roles("sales")) is None:
            return ("The sales file has no column marked as customer ID or e-mail, so its lines "
                    "cannot be told apart by customer: mark one on the Import screen.")
        return None

    def config(self) -> SegmentConfig:
        state = self.document.state(self.STEP) or {}
        return SegmentConfig(**state["config"]) if "config" in state else SegmentConfig()

    def result(self) -> dict | None:
        return (self.document.state(self.STEP) or {}).get("result")

    def status(self) -> tuple[str, str]:
        result = self.result()
        if self.waiting_for() or result is None:
            return NOT_STARTED, ""
        groups = result["report"]["sizes"]
        n = int((groups["segment"] != NO_PURCHASES).sum())
        if result["config"] != asdict(self.config()):
            return NEEDS_ATTENTION, "settings changed: find groups again"
        word = "segments" if result["config"]["method"] == "rfm" else "groups"
        return DONE, f"{n} {word}"

    def _offer_features(self) -> None:
        """Behaviour features plus the customer-list columns that can describe people."""
        crm = self.document.frame("crm")
        if crm is None:  # a sales file alone: behaviour features only
            crm = pd.DataFrame()
        behaviour = [k for k in FEATURE_LABELS if k != "age" or "date_of_birth" in crm.columns]
        offered = behaviour + crm_feature_columns(crm, self.document.roles("crm"))
        if offered == self._offered:
            return
        self._offered = offered
        self.features.clear()
        for key in offered:
            from_crm = key not in FEATURE_LABELS
            item = QListWidgetItem(f"Customer list: {key}" if from_crm else FEATURE_LABELS[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setData(FROM_CRM, from_crm)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.features.addItem(item)

    def refresh(self) -> None:
        cfg = self.config()
        for widget in (self.method, self.k, self.ties, self.features):
            widget.blockSignals(True)
        self._offer_features()
        self.method.setCurrentIndex(self.method.findData(cfg.method))
        self.k.setValue(cfg.k or AUTO)
        self.k.setEnabled(cfg.method != "rfm")
        self.features.setEnabled(cfg.method != "rfm")
        self.ties.setCurrentIndex(self.ties.findData(cfg.ties))
        for i in range(self.features.count()):
            item = self.features.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in cfg.features
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for widget in (self.method, self.k, self.ties, self.features):
            widget.blockSignals(False)
        self.tie_rule.setText(rfm.TIE_RULES[cfg.ties])
        result = self.result()
        report = result["report"] if result else None
        counts = (dict(zip(report["rfm"]["rules"]["rule"], report["rfm"]["rules"]["people"],
                           strict=True)) if report else None)
        self.rules.show_rules(cfg.rules or rfm.rules_to_dicts(rfm.CLASSIC_RULES), counts)
        self._show_report(report, result["config"] if result else None)

    def _show_report(self, report: dict | None, used: dict | None) -> None:
        if report is None:
            self.summary.setText("Press “Find customer groups” to start.")
        else:
            groups = int((report["sizes"]["segment"] != NO_PURCHASES).sum())
            word = "named segments" if used["method"] == "rfm" else "groups"
            text = (f"{report['buyers']:,} people with orders in {groups} {word}; "
                    f"{report['no_purchases']:,} without any order.")
            if used != asdict(self.config()):
                text += " Settings changed: press “Find customer groups” to update."
            self.summary.setText(text)
        self.sizes_chart.show_data(report["sizes"] if report else None)
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

    # -- user actions -------------------------------------------------------------------
    def _store_config(self, cfg: SegmentConfig, text: str) -> None:
        state = dict(self.document.state(self.STEP) or {})
        if state.get("config") == asdict(cfg):
            return
        state["config"] = asdict(cfg)
        self.document.set_state(self.STEP, state, text)

    def _settings_edited(self, *_args) -> None:
        ticked = [self.features.item(i) for i in range(self.features.count())
                  if self.features.item(i).checkState() == Qt.CheckState.Checked]
        features = [item.data(Qt.ItemDataRole.UserRole) for item in ticked]
        crm_columns = [item.data(Qt.ItemDataRole.UserRole) for item in ticked
                       if item.data(FROM_CRM)]
        cfg = self.config()
        new = SegmentConfig(**{**asdict(cfg), "method": self.method.currentData(),
                               "k": None if self.k.value() == AUTO else self.k.value(),
                               "ties": self.ties.currentData(), "features": features,
                               "crm_columns": crm_columns})
        self._store_config(new, "Change how customers are grouped")

    def _rules_edited(self, rules: list) -> None:
        classic = rules == rfm.rules_to_dicts(rfm.CLASSIC_RULES)
        cfg = SegmentConfig(**{**asdict(self.config()), "rules": None if classic else rules})
        self._store_config(cfg, "Edit the segment rules")

    def find_groups(self) -> None:
        if not self.config().features and self.config().method != "rfm":
            self.summary.setText("Tick at least one thing to base the groups on.")
            return
        if self.waiting_for():
            return
        if self.document.frame("crm") is None:
            self._customers_from_sales()
        id_column, crm, sales = engine_inputs(self.document, self.config().id_column)
        cfg = replace(self.config(), id_column=id_column)
        self.run_job(lambda ctx: segment_customers(crm, sales, cfg, ctx),
                     lambda result: self._apply(cfg, crm, result), "Finding customer groups…")

    def check_forecast(self) -> None:
        if self.waiting_for():
            return
        if self.document.frame("crm") is None:
            self._customers_from_sales()
        id_column, crm, sales = engine_inputs(self.document, self.config().id_column)
        cfg = replace(self.config(), id_column=id_column)
        self.run_job(lambda ctx: check_forecast(crm, sales, cfg, ctx), self._show_forecast,
                     "Checking the forecast…")

    def _show_forecast(self, check) -> None:
        self.forecast_verdict.setText(check.verdict)
        self.forecast_chart.show_data(check)

    def _customers_from_sales(self) -> None:
        """No customer list: the people are the ones the sales lines name (one undo step)."""
        from app.sales_customers import customers_from_sales

        doc = self.document
        frame, roles = customers_from_sales(doc.frame("sales"), doc.roles("sales"))
        source = {**(doc.source("sales") or {}), "from_sales": True}
        doc.set_source("crm", frame, source, roles, "Take the customers from the sales file")

    def _apply(self, cfg: SegmentConfig, crm: pd.DataFrame, result) -> None:
        from app.group_names import group_names, rename_groups

        out, report = result
        rename_groups(out, report, group_names(out))
        doc = self.document
        state = {"config": asdict(cfg), "result": {"config": asdict(cfg), "report": report}}
        doc.undo_stack.beginMacro("Find customer groups")
        doc.set_frame("crm", out, "Add customer groups", roles=doc.roles("crm"))
        doc.set_state(self.STEP, state, "Store customer groups")
        doc.undo_stack.endMacro()
        doc.audit(self.STEP, asdict(cfg), len(crm), len(out), crm, out)

