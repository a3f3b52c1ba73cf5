"""The councillor's own reports as a table, and the filtered, sorted view of it.

Rows come prepared (``report_rows``): texts and sort keys are worked out off the UI thread.
Sorting and filtering happen here in Python over those keys, not in a QSortFilterProxyModel,
which would call back into Python for every comparison (seconds for 10,000 reports). A new
list with the same reports in the same order is a data change, not a reset, so the view,
its selection and its scroll position stay as they are.
"""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from wardapp.client.reports import MyReport
from wardapp.core.taxonomy import Taxonomy
from wardapp.ui.plain_text import tooltip
from wardapp.ui.report_rows import (
    CATEGORY,
    COLUMNS,
    DATE,
    NOTE,
    STATUS,
    WARD,
    ReportsSnapshot,
    category_label,
    make_snapshot,
    nice_date,
    status_text,
    ward_label,
)
from wardapp.ui.report_status import STATUS_STYLES

__all__ = [
    "CATEGORY",
    "COLUMNS",
    "DATE",
    "NOTE",
    "STATUS",
    "STATUS_FILTERS",
    "WARD",
    "MyReportsModel",
    "ReportFilter",
    "category_label",
    "nice_date",
    "status_text",
    "ward_label",
]

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
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
# Roles with an answer; the header asks each cell for a dozen others when it sizes columns.
_ROLES = frozenset(
    {*_TEXT_ROLES, SORT_ROLE, REPORT_ID_ROLE, STATUS_KEY_ROLE, WARD_CODE_ROLE, CATEGORY_CODE_ROLE}
)


def _row_data(snapshot: ReportsSnapshot, row: int, column: int, role: int) -> Any:
    if role == Qt.ItemDataRole.DisplayRole:
        return snapshot.texts[column][row]
    if role == Qt.ItemDataRole.ToolTipRole:  # a tool tip would take "<b>" for markup
        return tooltip(snapshot.texts[column][row])
    if role == SORT_ROLE:
        return snapshot.keys[column][row]
    if role == REPORT_ID_ROLE:
        return snapshot.ids[row]
    if role == STATUS_KEY_ROLE:
        return snapshot.statuses[row]
    if role == WARD_CODE_ROLE:
        return snapshot.ward_code(row)
    if role == CATEGORY_CODE_ROLE:
        return snapshot.category(row)
    return None


class _ReportTable(QAbstractTableModel):
    """What the table and its filtered, sorted view share: the columns and their headings."""

    def rows(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.rows()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def all_changed(self) -> None:
        """Every cell's data changed, no row moved."""
        if self.rows():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rows() - 1, len(COLUMNS) - 1))


class MyReportsModel(_ReportTable):
    """Every report, one row each, in the order given; ``rowsReplaced`` after each change."""

    rowsReplaced = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.snapshot = make_snapshot([], {}, Taxonomy(version=1, categories=()))

    def set_snapshot(self, snapshot: ReportsSnapshot) -> None:
        """The same reports in the same order change in place; anything else resets."""
        if snapshot.ids == self.snapshot.ids:
            self.snapshot = snapshot
            self.all_changed()
        else:
            self.beginResetModel()
            self.snapshot = snapshot
            self.endResetModel()
        self.rowsReplaced.emit()

    def report(self, row: int) -> MyReport:
        return self.snapshot.mine(row)

    def row_of(self, report_id: str) -> int | None:
        return self.snapshot.row_of.get(report_id)

    def ward_name(self, code: str | None) -> str:
        return ward_label(code, self.snapshot.ward_names)

    def category_name(self, code: Any) -> str:
        return category_label(code, self.snapshot.taxonomy)

    def rows(self) -> int:
        return len(self.snapshot.ids)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        return _row_data(self.snapshot, index.row(), index.column(), role)


class ReportFilter(_ReportTable):
    """The rows matching the chosen status, ward and category (None: any), sorted.

    It stands where a proxy model would (``mapToSource``, ``mapFromSource``, ``sort``), but
    filters and sorts with Python's own list operations over the prepared keys.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status: str | None = None
        self.ward: str | None = None
        self.category: str | None = None
        self._source = MyReportsModel(self)
        self._order: Sequence[int] = ()  # source rows, in the order shown
        self._shown_ids: list[str] = []
        self._position: dict[str, int] | None = None  # report id -> row shown, when asked
        self._sort_column = -1
        self._descending = False

    def setSourceModel(self, model: MyReportsModel) -> None:
        self._source = model
        model.rowsReplaced.connect(self._source_replaced)
        self._update(data_changed=False)

    def sourceModel(self) -> MyReportsModel:
        return self._source

    def set_filters(self, status: str | None, ward: str | None, category: str | None) -> None:
        if (status, ward, category) == (self.status, self.ward, self.category):
            return
        self.status, self.ward, self.category = status, ward, category
        self._update(data_changed=False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._update(data_changed=False)

    def mapToSource(self, index: _Index) -> QModelIndex:
        if not index.isValid() or index.row() >= len(self._order):
            return QModelIndex()
        return self._source.index(self._order[index.row()], index.column())

    def mapFromSource(self, index: _Index) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        if self._position is None:
            self._position = {report_id: row for row, report_id in enumerate(self._shown_ids)}
        row = self._position.get(self._source.snapshot.ids[index.row()])
        return QModelIndex() if row is None else self.index(row, index.column())

    def rows(self) -> int:
        return len(self._order)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._order):
            return None
        return _row_data(self._source.snapshot, self._order[row], index.column(), role)

    # -- keeping the order ----------------------------------------------------------------

    def _source_replaced(self) -> None:
        self._update(data_changed=True)

    def _wanted(self) -> Sequence[int]:
        snapshot = self._source.snapshot
        status, ward, category = self.status, self.ward, self.category
        if status is None and ward is None and category is None:
            if (self._sort_column, self._descending) == (DATE, True):
                return snapshot.newest_first  # sorted already, off the UI thread
            order = list(range(len(snapshot.ids)))
        else:
            order = [
                i
                for i, key in enumerate(snapshot.statuses)
                if (status is None or key == status)
                and (ward is None or snapshot.ward_code(i) == ward)
                and (category is None or snapshot.category(i) == category)
            ]
        if self._sort_column >= 0:
            ranks = snapshot.ranks[self._sort_column]
            order.sort(key=ranks.__getitem__, reverse=self._descending)
        return order

    def _update(self, data_changed: bool) -> None:
        """Unchanged order: a data change. Otherwise a layout change that moves the
        selection (persistent indexes) with its report, as a proxy model would."""
        order = self._wanted()
        ids = list(map(self._source.snapshot.ids.__getitem__, order))
        if ids == self._shown_ids:
            self._order = order
            if data_changed:
                self.all_changed()
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        where = {report_id: row for row, report_id in enumerate(ids)}
        after = []
        for index in before:
            old = index.row()
            row = where.get(self._shown_ids[old]) if 0 <= old < len(self._shown_ids) else None
            after.append(QModelIndex() if row is None else self.createIndex(row, index.column()))
        self._order, self._shown_ids, self._position = order, ids, where
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
