"""The ward summary: a ward's (or area's) anonymised counts, trend, hot spots and actions.

The view only asks and shows. It asks for a summary through ``summaryRequested`` (the window
passes that to the engine, which fetches off the UI thread) and shows what comes back: the
charts from ``summary_charts``, tables with the same numbers for screen readers, hexagons or
every ward's total on the map, and a one-page PDF from ``summary_pdf``. Wording of hidden
numbers and periods comes from ``summary_text``; what may be shown is the AIM store's call.
"""

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QHideEvent, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wardapp.client.summaries import Fetched, Review
from wardapp.core.periods import uk_today
from wardapp.core.summary_schemas import AreaList, AreaSummary, Overview
from wardapp.core.wards import WardSet
from wardapp.ui.map_view import MapView
from wardapp.ui.plain_text import plain_label
from wardapp.ui.summary_charts import (
    category_chart,
    category_chart_size,
    period_in_words,
    trend_chart,
)
from wardapp.ui.summary_pdf import (
    PdfExportError,
    anonymisation_note,
    export_summary_pdf,
    total_words,
)
from wardapp.ui.summary_table_model import SORT_ROLE, CellTableModel
from wardapp.ui.summary_text import (
    PERIOD_KINDS,
    action_rows,
    category_rows,
    hotspot_features,
    overview_rows,
    overview_totals,
    period_choices,
    refreshed_text,
    scope_name,
    short_note,
    trend_rows,
)

NO_ACTIONS = "No Task and Finish actions are recorded for this ward yet."
OVERVIEW_HINT = "Tick “Compare every ward on the map” to see every ward's total here."


class WardSummaryView(QWidget):
    """Pickers, status, and four sections: categories, trend, actions, all wards."""

    summaryRequested = Signal(str, str, str)  # "ward" | "area", code, period
    overviewRequested = Signal(str)  # period
    areasRequested = Signal()

    def __init__(
        self,
        wards: WardSet,
        map_view: MapView | None = None,
        today: Callable[[], date] = uk_today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.wards = wards
        self.map_view = map_view
        self.today = today
        self.review: Review | None = None
        self.overview: Fetched[Overview] | None = None
        self._own: list[str] = []
        self._areas: list[tuple[str, str, list[str]]] = []  # code, name, ward codes
        self._wanted: tuple[str, str, str] | None = None
        self._stale = True  # a request waits until the view is first shown
        self._charts: list[QChart] = []
        self._build()
        self._fill_scopes()
        self._fill_periods()
        self._show_nothing("Choose a ward or area and a period.")

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.scope = self._combo("Ward or area", "The ward or neighbourhood area to summarise.")
        self.kind = self._combo("Kind of period", "A month, a quarter or a whole year.")
        for text, key in PERIOD_KINDS:
            self.kind.addItem(text, key)
        self.period = self._combo("Period", "Periods that have ended, newest first.")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, combo in (
            ("Ward or &area", self.scope),
            ("&Kind", self.kind),
            ("&Period", self.period),
        ):
            label = plain_label(text)
            label.setBuddy(combo)
            form.addRow(label, combo)

        self.update_button = QPushButton("&Update")
        self.update_button.setAccessibleName("Update the summary")
        self.update_button.setAccessibleDescription("Fetches it again from the AIM store.")
        self.export_button = QPushButton("E&xport PDF…")
        self.export_button.setAccessibleName("Export the summary as a one-page PDF")
        buttons = QHBoxLayout()
        buttons.addWidget(self.update_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        self.message = self._label("Export and other messages", wrap=True)
        self.message.hide()
        self.compare = QCheckBox("C&ompare every ward on the map")
        self.compare.setAccessibleName("Compare every ward on the map")
        self.compare.setAccessibleDescription(
            "Colours each ward by its total for the period; the numbers are under All wards."
        )

        self.status = self._label("Summary status", wrap=True)
        self.heading = self._label("Summary heading", wrap=True)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.total = self._label("Total reports")
        self.short_note = self._label("Why some numbers are hidden", wrap=True)
        self.note = self._label("How the numbers are protected", wrap=True)

        self.category_model = CellTableModel(["Category", "Reports"], self)
        self.trend_model = CellTableModel(["Month", "Reports"], self)
        self.action_model = CellTableModel(
            ["Action", "Lead agency", "Due", "Progress", "Last update"], self
        )
        self.overview_model = CellTableModel(["Ward", "Reports"], self)
        self.category_table = self._table(self.category_model, "Reports by category")
        self.trend_table = self._table(self.trend_model, "Reports per month")
        self.action_table = self._table(self.action_model, "Task and Finish actions")
        # Five columns in a narrow panel: long titles and notes wrap instead of running off.
        self.action_table.setWordWrap(True)
        self.action_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.action_table.horizontalHeader()
        for column, mode in enumerate(
            (QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Stretch)
            + (QHeaderView.ResizeMode.ResizeToContents,) * 2
            + (QHeaderView.ResizeMode.Stretch,)
        ):
            header.setSectionResizeMode(column, mode)
        self.overview_table = self._table(self.overview_model, "Every ward's total")
        self.category_chart = self._chart_view("Bar chart of reports by category")
        self.trend_chart = self._chart_view("Line chart of reports per month")
        self.action_note = self._label("About the actions", wrap=True)
        self.overview_note = self._label("About every ward's total", wrap=True)

        self.sections = QTabWidget()
        self.sections.setAccessibleName("Summary sections")
        categories = self._page(self.category_chart, self.category_table, self.note)
        self.sections.addTab(categories, "&Categories")
        self.sections.addTab(self._page(self.trend_chart, self.trend_table), "Tr&end")
        self.sections.addTab(self._page(self.action_note, self.action_table), "Act&ions")
        self.sections.addTab(self._page(self.overview_note, self.overview_table), "A&ll wards")
        self.sections.setMinimumHeight(self.fontMetrics().height() * 26)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.total, self.short_note):
            content.addWidget(widget)
        content.addWidget(self.sections, 1)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.compare)
        layout.addWidget(self.status)
        layout.addWidget(self.content, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.scope.currentIndexChanged.connect(lambda _i: self._request())
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.period.currentIndexChanged.connect(lambda _i: self._request())
        self.update_button.clicked.connect(lambda: self._request(force=True))
        self.export_button.clicked.connect(self._export_clicked)
        self.compare.toggled.connect(self._compare_toggled)

    @staticmethod
    def _combo(name: str, description: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setAccessibleDescription(description)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return combo

    @staticmethod
    def _label(name: str, wrap: bool = False) -> QLabel:
        label = plain_label()
        label.setAccessibleName(name)
        label.setWordWrap(wrap)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _table(self, model: CellTableModel, name: str) -> QTableView:
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        table = QTableView()
        table.setModel(proxy)
        # As tall as its rows (there are few), so the section scrolls as one page.
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSizeAdjustPolicy(QTableView.SizeAdjustPolicy.AdjustToContents)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        table.setAccessibleName(name)
        table.setAccessibleDescription("Hover over a cell, or select it, to see what it means.")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setSortingEnabled(True)
        table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the store's order until asked
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table

    @staticmethod
    def _chart_view(name: str) -> QChartView:
        view = QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setAccessibleName(name)
        view.setAccessibleDescription("The same numbers are in the table below the chart.")
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the table is the keyboard's way in
        view.setMinimumHeight(view.fontMetrics().height() * 20)
        return view

    @staticmethod
    def _page(*widgets: QWidget) -> QScrollArea:
        """A section read top to bottom like a page (chart, then its table), scrolling whole:
        its tables are as tall as their rows, so nothing scrolls inside something else."""
        page = QWidget()
        layout = QVBoxLayout(page)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(page)
        return scroll

    # --- pickers ----------------------------------------------------------------------------
    def set_user_wards(self, codes: Sequence[str]) -> None:
        """The user's own wards go first in the picker (and the first is chosen at the start)."""
        self._own = [c for c in codes if self.wards.get(c) is not None]
        self._fill_scopes(choose_own=self.review is None and self._wanted is None)

    def set_areas(self, fetched: Fetched[AreaList]) -> None:
        self._areas = [(a.code, a.name, a.wards) for a in fetched.value.items]
        self._fill_scopes()

    def _fill_scopes(self, choose_own: bool = False) -> None:
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        for code in self._own:
            self.scope.addItem(f"{self._ward_name(code)} (your ward)", f"ward:{code}")
        if self._own:
            self.scope.insertSeparator(self.scope.count())
        others = sorted(
            (w for w in self.wards.wards if w.code not in self._own), key=lambda w: w.name
        )
        for ward in others:
            self.scope.addItem(ward.name, f"ward:{ward.code}")
        if self._areas:
            self.scope.insertSeparator(self.scope.count())
        for code, name, members in self._areas:
            self.scope.addItem(f"{name} area ({len(members)} wards)", f"area:{code}")
        index = -1 if choose_own or current is None else self.scope.findData(current)
        self.scope.setCurrentIndex(max(index, 0))
        self.scope.blockSignals(False)
        if self.scope.currentData() != current:
            self._request()

    def _ward_name(self, code: str) -> str:
        ward = self.wards.get(code)
        return ward.name if ward else code

    def _fill_periods(self) -> None:
        """Closed periods of the chosen kind, newest first, keeping the choice if still there."""
        current = self.period.currentData()
        self.period.blockSignals(True)
        self.period.clear()
        for text, label in period_choices(str(self.kind.currentData()), self.today()):
            self.period.addItem(text, label)
        self.period.setCurrentIndex(max(self.period.findData(current), 0))
        self.period.blockSignals(False)

    def _kind_changed(self) -> None:
        self._fill_periods()
        self._request()

    def choose(self, kind: str, code: str, period: str) -> None:
        """Picks a ward or area and a period in the pickers, then asks once (tests, scripts)."""
        for combo in (self.kind, self.period, self.scope):
            combo.blockSignals(True)
        try:
            self.kind.setCurrentIndex(self.kind.findData(_kind_of(period)))
            self._fill_periods()
            self.period.setCurrentIndex(self.period.findData(period))
            self.scope.setCurrentIndex(self.scope.findData(f"{kind}:{code}"))
        finally:
            for combo in (self.kind, self.period, self.scope):
                combo.blockSignals(False)
        self._request(force=True)

    def chosen(self) -> tuple[str, str, str] | None:
        scope, period = self.scope.currentData(), self.period.currentData()
        if not scope or not period:
            return None
        kind, _, code = str(scope).partition(":")  # item data is text: Qt compares it by value
        return kind, code, str(period)

    # --- asking -------------------------------------------------------------------------------
    def _request(self, force: bool = False) -> None:
        wanted = self.chosen()
        if wanted is None:
            return
        if not self.isVisible():
            self._stale = True  # asked for when the view is shown
            return
        if wanted == self._wanted and not force:
            return
        self._wanted, self._stale = wanted, False
        self._say("")
        self.status.setText(f"Fetching the summary for {period_in_words(wanted[2])}…")
        self.summaryRequested.emit(*wanted)
        if self.compare.isChecked():
            self.overviewRequested.emit(wanted[2])

    def _compare_toggled(self, on: bool) -> None:
        wanted = self.chosen()
        if (
            on
            and wanted is not None
            and (self.overview is None or self.overview.value.period != wanted[2])
        ):
            self.overviewRequested.emit(wanted[2])
        if on:
            self.sections.setCurrentIndex(3)
        self._draw_map()

    # --- answers ------------------------------------------------------------------------------
    def show_review(self, review: Review) -> None:
        """A summary arrived; one for an earlier choice is ignored."""
        if review.request != self._wanted:
            return
        self.review = review
        summary = review.summary
        self.status.setText(
            refreshed_text(review.fetched_at, review.from_cache, review.problem, review.summary)
        )
        self.heading.setText(f"{scope_name(summary)}, {period_in_words(summary.period)}")
        self.total.setText(total_words(summary))
        self.note.setText(anonymisation_note(summary.policy))
        self.short_note.setText(short_note(summary.policy))
        # Tall enough for every category's label; a narrow panel only shortens the names.
        self.category_chart.setMinimumHeight(category_chart_size(summary).height())
        self._set_chart(self.category_chart, category_chart(summary))
        self._set_chart(self.trend_chart, trend_chart(summary))
        self.category_model.set_rows(category_rows(summary))
        self.trend_model.set_rows(trend_rows(summary))
        self.action_model.set_rows(action_rows(review.actions))
        self.action_note.setText(self._actions_text(review))
        self.content.show()
        self.export_button.setEnabled(True)
        self._draw_map(zoom=True)

    def show_overview(self, fetched: Fetched[Overview]) -> None:
        wanted = self.chosen()
        if wanted is None or fetched.value.period != wanted[2]:
            return
        self.overview = fetched
        self.overview_model.set_rows(overview_rows(fetched.value))
        when = refreshed_text(fetched.fetched_at, fetched.from_cache, fetched.problem)
        self.overview_note.setText(
            f"Every ward's reports in {period_in_words(fetched.value.period)}. {when}"
        )
        self._draw_map(zoom=True)

    def show_problem(self, message: str) -> None:
        """Nothing to show for the current choice: the message says why, plainly."""
        if self.review is not None and self.review.request == self._wanted:
            self._say(message)  # the summary stands; something else (the overview) failed
            return
        self._show_nothing(message)

    def _say(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def _show_nothing(self, message: str) -> None:
        self.review = None
        self.status.setText(message)
        self.content.hide()
        self.export_button.setEnabled(False)
        if self.map_view is not None and self.isVisible():
            self.map_view.clear_summary_layers()

    @staticmethod
    def _actions_text(review: Review) -> str:
        if review.actions is None:
            return f"The actions could not be fetched. {review.actions_problem}".strip()
        text = "" if review.actions.items else NO_ACTIONS
        if review.kind == "area" and review.actions.items:
            text = "Actions of every ward in the area."
        return f"{text} {review.actions_problem}".strip()

    def _set_chart(self, view: QChartView, chart: QChart) -> None:
        old = view.chart()
        view.setChart(chart)
        self._charts = [c for c in self._charts if c is not old] + [chart]
        if old is not None:
            old.deleteLater()

    # --- the map ------------------------------------------------------------------------------
    def _draw_map(self, zoom: bool = False) -> None:
        """The hexagons of the summary, or every ward's total when comparing; only while shown."""
        view = self.map_view
        if view is None or not self.isVisible():
            return
        view.clear_summary_layers()
        if self.compare.isChecked():
            fetched = self.overview
            wanted = self.chosen()
            if fetched is not None and wanted is not None and fetched.value.period == wanted[2]:
                title = f"Reports, {period_in_words(fetched.value.period)}"
                unit = fetched.value.policy.rounding
                view.show_choropleth(overview_totals(fetched.value), title, unit)
                if zoom:
                    view.zoom_to_wards([w.code for w in self.wards.wards])
            return
        if self.review is None:
            return
        summary = self.review.summary
        view.show_hotspots(hotspot_features(summary))
        if zoom:
            if isinstance(summary, AreaSummary):
                view.zoom_to_wards([w.code for w in summary.wards])
            else:
                view.zoom_to_ward(summary.ward.code)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._areas:
            self.areasRequested.emit()
        first = self.period.itemData(0)
        self._fill_periods()  # a month may have ended since the list was made
        if self._stale or self.period.itemData(0) != first:
            self._request(force=True)
        self._draw_map()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if self.map_view is not None:
            self.map_view.clear_summary_layers()  # the map is for reports again

    # --- the PDF --------------------------------------------------------------------------------
    def _export_clicked(self) -> None:
        if self.review is None:
            return
        summary = self.review.summary
        name = f"{scope_name(summary)} {summary.period}.pdf".replace("/", "-").replace(" ", "-")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export the summary as PDF", str(Path.home() / name), "PDF files (*.pdf)"
        )
        if path:
            chosen = Path(path)
            self.export_pdf(chosen if chosen.suffix.lower() == ".pdf" else Path(f"{path}.pdf"))

    def export_pdf(self, path: Path) -> bool:
        """The summary on screen, with the map as it is now, as one A4 page at ``path``."""
        review = self.review
        if review is None:
            return False
        image = self.map_view.grab().toImage() if self.map_view is not None else None
        try:
            export_summary_pdf(path, review.summary, review.actions, image, review.fetched_at)
        except PdfExportError as exc:
            self._say(str(exc))
            return False
        self._say(f"Saved the summary as {path}.")
        return True


def _kind_of(period: str) -> str:
    if "Q" in period:
        return "quarter"
    return "month" if "-" in period else "year"
