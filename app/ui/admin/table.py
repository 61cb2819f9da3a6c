"""The list every Administration section shows: read-only rows of plain text (a name typed by a shop or a
user never becomes markup), one chosen at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget


def plain_item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class RecordTable(QTableWidget):
    """A table of records: ``fill`` shows them, ``chosen_row`` says which one is selected (or None)."""

    def __init__(self, headers: Sequence[str], stretch: int, parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # short columns whole, the long one takes the rest
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)

    def fill(self, rows: Iterable[Sequence[str]]) -> None:
        rows = list(rows)
        self.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                self.setItem(r, c, plain_item(text))

    def chosen_row(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        if not rows or rows[0].row() >= self.rowCount():
            return None
        return rows[0].row()

    def choose_first(self, matches) -> bool:
        """Select the first row whose index ``matches``; False when none does."""
        for r in range(self.rowCount()):
            if matches(r):
                self.selectRow(r)
                return True
        return False
