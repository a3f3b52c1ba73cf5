"""The councillor's own reports as a table, and the filters over it.

Status words live here, in one place, so the table, the filter and the detail area always
say the same thing about a report.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from wardapp.client.reports import MyReport
from wardapp.core.taxonomy import Taxonomy
from wardapp.ui.report_status import STATUS_STYLES, status_key

COLUMNS = ("Date", "Category", "Ward", "Status", "Analyst's note")
DATE, CATEGORY, WARD, STATUS, NOTE = range(len(COLUMNS))

REPORT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_KEY_ROLE = Qt.ItemDataRole.UserRole + 2
WARD_CODE_ROLE = Qt.ItemDataRole.UserRole + 3
CATEGORY_CODE_ROLE = Qt.ItemDataRole.UserRole + 4
SORT_ROLE = Qt.ItemDataRole.UserRole + 5

# (words in the status filter, the status key it keeps; None keeps every report)
STATUS_FILTERS: tuple[tuple[str, str | None], ...] = (
    ("All", None),
    *((style.label, key) for key, style in STATUS_STYLES.items()),
)

_Index = QModelIndex | QPersistentModelIndex


def status_text(mine: MyReport) -> str:
    """Where the report is, in the words a councillor would use."""
    if mine.sync_state == "pending" and mine.report.get("withdrawn") is True:
        return "Withdrawal waiting to send"
    if mine.sync_state == "rejected":
        return f"Not accepted: {mine.problem or 'the AIM store refused it'}"
    if mine.sync_state == "conflict":
        return f"Changed on the server: {mine.problem or 'the AIM store has another version'}"
    return STATUS_STYLES[status_key(mine)].label


def category_label(code: Any, taxonomy: Taxonomy) -> str:
    category = taxonomy.get(str(code))
    return category.label if category is not None else str(code or "No category")


def ward_label(code: str | None, ward_names: Mapping[str, str]) -> str:
    if code is None:
        return "Not yet known"
    return ward_names.get(code, code)


def nice_date(value: Any, long: bool = False) -> str:
    """ "14 Oct 2026" in the table, "14 October 2026" in the detail; as given if not a date."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{day.day} {day:%B %Y}" if long else f"{day.day} {day:%b %Y}"


class MyReportsModel(QAbstractTableModel):
    """One row per report, in the order given; sorting is the proxy's job."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reports: list[MyReport] = []
        self._ward_names: Mapping[str, str] = {}
        self._taxonomy = Taxonomy(version=1, categories=())

    def set_reports(
        self, reports: Sequence[MyReport], ward_names: Mapping[str, str], taxonomy: Taxonomy
    ) -> None:
        self.beginResetModel()
        self._reports = list(reports)
        self._ward_names = ward_names
        self._taxonomy = taxonomy
        self.endResetModel()

    def report(self, row: int) -> MyReport:
        return self._reports[row]

    def row_of(self, report_id: str) -> int | None:
        return next((i for i, r in enumerate(self._reports) if r.id == report_id), None)

    def ward_name(self, code: str | None) -> str:
        return ward_label(code, self._ward_names)

    def category_name(self, code: Any) -> str:
        return category_label(code, self._taxonomy)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._reports)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        mine = self._reports[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(mine, index.column())
        if role == SORT_ROLE:
            if index.column() == DATE:
                return f"{mine.report.get('occurred_on', '')} {mine.report.get('captured_at', '')}"
            return self._text(mine, index.column()).casefold()
        return {
            REPORT_ID_ROLE: mine.id,
            STATUS_KEY_ROLE: status_key(mine),
            WARD_CODE_ROLE: mine.ward_code,
            CATEGORY_CODE_ROLE: mine.report.get("category"),
        }.get(role)

    def _text(self, mine: MyReport, column: int) -> str:
        if column == DATE:
            return nice_date(mine.report.get("occurred_on"))
        if column == CATEGORY:
            return self.category_name(mine.report.get("category"))
        if column == WARD:
            return self.ward_name(mine.ward_code)
        if column == STATUS:
            return status_text(mine)
        return mine.status_note or ""


class ReportFilter(QSortFilterProxyModel):
    """Keeps the rows matching the chosen status, ward and category (None: any)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status: str | None = None
        self.ward: str | None = None
        self.category: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_filters(self, status: str | None, ward: str | None, category: str | None) -> None:
        self.beginFilterChange()
        self.status, self.ward, self.category = status, ward, category
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        source = self.sourceModel()
        index = source.index(source_row, 0, source_parent)
        wanted = (
            (STATUS_KEY_ROLE, self.status),
            (WARD_CODE_ROLE, self.ward),
            (CATEGORY_CODE_ROLE, self.category),
        )
        return all(value is None or source.data(index, role) == value for role, value in wanted)
