"""One read-only table model for the summary view's tables: categories, months, actions, wards.

Rows arrive as ready-made cells (``summary_text``), each with the words to show, a tooltip
that explains it (why a number is hidden, the full text of a note) and a key to sort by.
"""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from wardapp.ui.plain_text import tooltip
from wardapp.ui.summary_text import Cell

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class CellTableModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[Cell]] = []

    def set_rows(self, rows: list[list[Cell]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def cell(self, row: int, column: int) -> Cell:
        return self.rows[row][column]

    def column_texts(self, column: int) -> list[str]:
        return [row[column].text for row in self.rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(cell.tooltip) or None
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return cell.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole and cell.number:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return cell.key
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None
