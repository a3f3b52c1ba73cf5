"""The councillor's own reports: where each one is, what the analyst said, what to do next.

The panel only shows and asks; correcting, withdrawing and showing on the map are the
window's work, requested through signals with the report's id.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wardapp.client.reports import MyReport
from wardapp.core.taxonomy import Taxonomy
from wardapp.ui.my_reports_model import (
    DATE,
    NOTE,
    STATUS_FILTERS,
    MyReportsModel,
    ReportFilter,
    nice_date,
    status_text,
)
from wardapp.ui.plain_text import ask, plain_label
from wardapp.ui.report_rows import ReportsSnapshot, make_snapshot

# Wire-format field names as the councillor knows them, for the server's "what to fix".
FIELD_NAMES: dict[str, str] = {
    "category": "Category",
    "occurred_on": "Date",
    "occurred_time": "Time",
    "time_band": "Time of day",
    "lat": "Place",
    "lon": "Place",
    "observed_by": "Who saw it",
    "description": "What happened",
    "resident_contact": "Resident contact",
}
_WHO = {"councillor": "I saw it myself", "resident": "A resident told me"}


class MyReportsPanel(QWidget):
    """A filterable table of the councillor's reports and the details of the chosen one."""

    showOnMap = Signal(str)
    correctRequested = Signal(str)
    withdrawRequested = Signal(str)
    reportSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = False
        self._fitted: tuple[frozenset[str], ...] | None = None  # texts the columns fit
        self.confirm: Callable[[str], bool] = self._ask
        self.model = MyReportsModel(self)
        self.proxy = ReportFilter(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._refill(self.ward_filter, "All wards", {})
        self._refill(self.category_filter, "All categories", {})
        self.proxy.sort(DATE, Qt.SortOrder.DescendingOrder)
        self._fit_columns()
        self._show_details(None)
        self._count()

    def _build(self) -> None:
        self.status_filter = self._combo("Status filter", "Show only reports in this state.")
        for text, key in STATUS_FILTERS:
            self.status_filter.addItem(text, key)
        self.ward_filter = self._combo("Ward filter", "Show only reports in this ward.")
        self.category_filter = self._combo("Category filter", "Show only this kind of issue.")
        filters = QGridLayout()
        for column, (text, combo) in enumerate(
            (
                ("&Status", self.status_filter),
                ("W&ard", self.ward_filter),
                ("Ca&tegory", self.category_filter),
            )
        ):
            label = plain_label(text)
            label.setBuddy(combo)
            filters.addWidget(label, 0, column)
            filters.addWidget(combo, 1, column)
        self.count_label = plain_label()

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("My reports")
        self.table.setAccessibleDescription("Newest first. Choose one to see its details below.")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # one line per report; the full text is shown below
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Sized to fit every text (``_fit_columns``), not ResizeToContents: that measures 200
        # rows' cells again on every change of data, tens of ms of the UI thread each time.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
        table_label = plain_label("Your reports")
        table_label.setBuddy(self.table)

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setTabChangesFocus(True)
        self.details.setAccessibleName("Details of the chosen report")
        self.map_button = QPushButton("Sh&ow on map")
        self.correct_button = QPushButton("&Correct…")
        self.withdraw_button = QPushButton("W&ithdraw…")
        self.map_button.setAccessibleName("Show on map")
        self.correct_button.setAccessibleName("Correct report")
        self.withdraw_button.setAccessibleName("Withdraw report")
        self.map_button.setAccessibleDescription("Moves the map to this report.")
        self.correct_button.setAccessibleDescription("Opens the report in the form to fix it.")
        self.withdraw_button.setAccessibleDescription("Tells the partnership it no longer stands.")
        buttons = QHBoxLayout()
        for button in (self.map_button, self.correct_button, self.withdraw_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        detail_box = QGroupBox("Chosen report")
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.addWidget(self.details, 1)
        detail_layout.addLayout(buttons)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(filters)
        top_layout.addWidget(self.count_label)
        top_layout.addWidget(table_label)
        top_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(detail_box)
        QVBoxLayout(self).addWidget(splitter)

        for combo in (self.status_filter, self.ward_filter, self.category_filter):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _index: self._request(self.showOnMap))
        self.proxy.modelReset.connect(self._count)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.rowsRemoved.connect(self._count)
        self.proxy.layoutChanged.connect(self._count)
        self.map_button.clicked.connect(lambda: self._request(self.showOnMap))
        self.correct_button.clicked.connect(lambda: self._request(self.correctRequested))
        self.withdraw_button.clicked.connect(self._withdraw_clicked)

    @staticmethod
    def _combo(name: str, description: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setAccessibleDescription(description)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return combo

    # -- public API -------------------------------------------------------------------------

    def set_reports(
        self, reports: Sequence[MyReport], ward_names: Mapping[str, str], taxonomy: Taxonomy
    ) -> None:
        """Shows a fresh list; the chosen report stays chosen while it is still there."""
        self.set_snapshot(make_snapshot(reports, ward_names, taxonomy))

    def set_snapshot(self, snapshot: ReportsSnapshot) -> None:
        """Shows reports prepared off the UI thread; what is chosen stays chosen if still there.

        The same reports in the same order only change their texts in place (a status after a
        sync); the filters are refilled only when what they offer has changed.
        """
        chosen = self.selected_id()
        self._quiet = True
        try:
            previous = self.model.snapshot
            self.model.set_snapshot(snapshot)
            if snapshot.wards != previous.wards:
                self._refill(self.ward_filter, "All wards", snapshot.wards)
            if snapshot.categories != previous.categories:
                self._refill(self.category_filter, "All categories", snapshot.categories)
            self._apply_filters()
            self._fit_columns()
            if chosen is not None and self.selected_id() != chosen:
                self._select(chosen)
        finally:
            self._quiet = False
        self._show_details(self.selected())

    def select_report(self, report_id: str) -> None:
        """Chooses a report (say, clicked on the map), clearing filters that hide it."""
        if self.model.row_of(report_id) is None:
            return
        if self._proxy_index(report_id) is None:
            for combo in (self.status_filter, self.ward_filter, self.category_filter):
                combo.setCurrentIndex(0)
        self._quiet = True
        try:
            self._select(report_id)
        finally:
            self._quiet = False
        self._show_details(self.selected())

    def selected_id(self) -> str | None:
        chosen = self.selected()
        return chosen.id if chosen is not None else None

    def selected(self) -> MyReport | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.report(self.proxy.mapToSource(rows[0]).row())

    # -- behaviour --------------------------------------------------------------------------

    def _fit_columns(self, again: bool = False) -> None:
        """Each column as wide as its widest text (or its heading), measured only when the
        texts shown in it have changed: a few dozen distinct texts, not thousands of cells."""
        distinct = self.model.snapshot.distinct
        fitted = self._fitted if self._fitted is not None and not again else ()
        self._fitted = distinct
        metrics = self.table.fontMetrics()
        style = self.table.style()
        margin = 2 * (
            style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table) + 1
        )
        grid = 1 if self.table.showGrid() else 0
        header = self.table.horizontalHeader()
        for column, texts in enumerate(distinct):
            if column == NOTE or (column < len(fitted) and fitted[column] == texts):
                continue  # stretched over the rest of the width; or already fitted
            widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
            header.resizeSection(
                column, max(widest + margin + grid, header.sectionSizeHint(column))
            )

    def changeEvent(self, event: QEvent) -> None:
        """Larger or smaller text (the text-size setting) needs wider or narrower columns."""
        super().changeEvent(event)
        fitted = self._fitted is not None  # not before the table is built
        if fitted and event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_columns(again=True)

    def _refill(self, combo: QComboBox, everything: str, items: Mapping[Any, str]) -> None:
        """New choices for a filter, keeping the current one if it is still offered."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for key, text in sorted(items.items(), key=lambda item: item[1].casefold()):
            combo.addItem(text, key)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _apply_filters(self) -> None:
        self.proxy.set_filters(
            self.status_filter.currentData(),
            self.ward_filter.currentData(),
            self.category_filter.currentData(),
        )
        self._count()
        if self.selected() is None:
            self._show_details(None)

    def _count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.count_label.setText("No reports yet. Reports you save appear here.")
        else:
            noun = "report" if total == 1 else "reports"
            self.count_label.setText(f"Showing {shown} of {total} {noun}")

    def _proxy_index(self, report_id: str) -> QModelIndex | None:
        row = self.model.row_of(report_id)
        if row is None:
            return None
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        return index if index.isValid() else None

    def _select(self, report_id: str) -> None:
        index = self._proxy_index(report_id)
        if index is None:
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self._show_details(chosen)
        if chosen is not None and not self._quiet:
            self.reportSelected.emit(chosen.id)

    def _request(self, signal: SignalInstance) -> None:
        chosen = self.selected()
        if chosen is not None:
            signal.emit(chosen.id)

    def _withdraw_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None or not chosen.can_change:
            return
        category = self.model.category_name(chosen.report.get("category"))
        when = nice_date(chosen.report.get("occurred_on"), long=True)
        question = (
            f"Withdraw your report of {category} on {when}?\n\n"
            "The partnership will be told it no longer stands. You cannot undo this."
        )
        if self.confirm(question):
            self.withdrawRequested.emit(chosen.id)

    def _ask(self, question: str) -> bool:
        return ask(self, "Withdraw report", question, default_yes=False)

    def _show_details(self, chosen: MyReport | None) -> None:
        self.map_button.setEnabled(chosen is not None)
        may_change = chosen is not None and chosen.can_change
        self.correct_button.setEnabled(may_change)
        self.withdraw_button.setEnabled(may_change)
        if chosen is None:
            text = "Choose a report in the list to see it here."
        else:
            text = "\n".join(self.describe(chosen))
        if text != self.details.toPlainText():  # a sync that changed nothing here leaves it
            self.details.setPlainText(text)

    def describe(self, mine: MyReport) -> list[str]:
        """Every field of the report in plain words, one line each."""
        report = mine.report
        when = nice_date(report.get("occurred_on"), long=True)
        if report.get("occurred_time"):
            when += f" at {report['occurred_time']}"
        elif report.get("time_band"):
            band = report["time_band"]
            when += ", at night" if band == "night" else f", in the {band}"
        else:
            when += ", time not known"
        lat, lon = report.get("lat"), report.get("lon")
        placed = isinstance(lat, int | float) and isinstance(lon, int | float)
        place = f"{lat:.5f}, {lon:.5f}" if placed else "not placed"
        contact = report.get("resident_contact")
        lines = [
            f"Category: {self.model.category_name(report.get('category'))}",
            f"When: {when}",
            f"Place: {place} — {self.model.ward_name(mine.ward_code)}",
            f"Who saw it: {_WHO.get(str(report.get('observed_by')), 'Not given')}",
            f"What happened: {report.get('description') or 'No description'}",
            f"Keeps happening: {'Yes' if report.get('repeat_issue') else 'No'}",
            f"Resident contact: {_contact_text(contact)}",
            f"Status: {status_text(mine)}",
            f"Analyst's note: {mine.status_note or 'None yet'}",
        ]
        for key, message in mine.problem_fields.items():
            lines.append(f"To fix — {FIELD_NAMES.get(key, key)}: {message}")
        if int(report.get("version") or 1) > 1:
            lines.append(f"Corrected: this is version {report['version']}.")
        if report.get("withdrawn") is True:
            lines.append("You withdrew this report.")
        elif not mine.can_change:
            lines.append(
                "It can no longer be corrected or withdrawn: the partnership has assessed it."
            )
        return lines


def _contact_text(contact: Any) -> str:
    if not isinstance(contact, Mapping):
        return "None"
    parts = [str(contact[k]) for k in ("name", "phone", "email") if contact.get(k)]
    agreed = "agreed to be contacted" if contact.get("consent") else "no consent given"
    return f"{', '.join(parts) or 'no details'} ({agreed})"
