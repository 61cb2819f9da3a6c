"""A lazy table model over the order queue: the row count from one COUNT, rows fetched a window at a
time as the view asks for them, at most ``max_windows`` windows kept. A million orders cost a few
hundred rows of memory."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.orders import queue as oq
from app.ui.texts import channel_name, priority_name, status_name

MIME_ORDERS = "application/x-station-orders"

HEADERS = {
    "number": QT_TRANSLATE_NOOP("Queue", "Order"),
    "status": QT_TRANSLATE_NOOP("Queue", "Status"),
    "priority": QT_TRANSLATE_NOOP("Queue", "Priority"),
    "channel": QT_TRANSLATE_NOOP("Queue", "Channel"),
    "customer": QT_TRANSLATE_NOOP("Queue", "Customer"),
    "warehouse": QT_TRANSLATE_NOOP("Queue", "Warehouse"),
    "station": QT_TRANSLATE_NOOP("Queue", "Station"),
    "placed_at": QT_TRANSLATE_NOOP("Queue", "Placed"),
    "promised_ship_at": QT_TRANSLATE_NOOP("Queue", "Ship by"),
    "tracking_number": QT_TRANSLATE_NOOP("Queue", "Tracking number"),
}

PRIORITY_COLOURS = {2: QColor("#c62828"), 1: QColor("#ef6c00")}
OVERDUE = QColor("#ffcdd2")
SOON = QColor("#ffe0b2")  # under 2 hours
TODAY = QColor("#fff9c4")  # under 8 hours
DONE = frozenset({"shipped", "delivered", "cancelled", "returned"})
_ROLES = frozenset({Qt.DisplayRole, Qt.UserRole, Qt.BackgroundRole, Qt.ForegroundRole, Qt.FontRole, Qt.ToolTipRole})


def time_left_text(promised: datetime | None, now: datetime) -> str:
    if promised is None:
        return "—"
    minutes = int((promised - now).total_seconds() // 60)
    span = abs(minutes)
    if span >= 48 * 60:
        text = QCoreApplication.translate("Queue", "%1 d %2 h").replace("%1", str(span // 1440)).replace("%2", str(span % 1440 // 60))
    elif span >= 60:
        text = QCoreApplication.translate("Queue", "%1 h %2 min").replace("%1", str(span // 60)).replace("%2", f"{span % 60:02d}")
    else:
        text = QCoreApplication.translate("Queue", "%1 min").replace("%1", str(span))
    if minutes < 0:
        return QCoreApplication.translate("Queue", "late by %1").replace("%1", text)
    return QCoreApplication.translate("Queue", "in %1").replace("%1", text)


class OrderQueueModel(QAbstractTableModel):
    """``count_cap``: a filter change counts at most that many rows before the first paint; a bigger
    result shows that many rows at once and the exact count arrives from a worker thread."""

    _counted = Signal(int, int)  # generation, exact count (from the counting thread)
    count_changed = Signal()

    def __init__(self, sessions, window_size: int = 200, max_windows: int = 16,
                 columns: tuple[str, ...] = oq.COLUMNS, parent=None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.window_size = window_size
        self.max_windows = max_windows
        self.columns = columns
        self.filter = oq.QueueFilter()
        self._count = 0
        self._windows: OrderedDict[int, list[oq.QueueRow]] = OrderedDict()
        self.warehouses: dict[int, str] = {}
        self.stations: dict[int, str] = {}
        self.drag_enabled = False
        self.queries = 0  # how many windows were read (tests and the benchmark look)
        self.count_cap = 20_000
        self._cell_cache: OrderedDict[int, dict] = OrderedDict()
        self.exact = True
        self._generation = 0
        self._counted.connect(self._on_counted)

    # --- loading --------------------------------------------------------------------------------
    def load_lookups(self) -> None:
        self.warehouses, self.stations = oq.lookups(self.sessions)

    def set_filter(self, f: oq.QueueFilter) -> None:
        self.beginResetModel()
        self.filter = f
        self._windows.clear()
        self._cell_cache.clear()
        self._generation += 1
        count, first = oq.first_page(self.sessions, f, self.count_cap + 1, self.window_size)
        self.exact = count <= self.count_cap
        self._count = min(count, self.count_cap)
        if self._count:
            self._windows[0] = first[: self.window_size]
            self.queries += 1
        self.endResetModel()
        if not self.exact:
            self._count_in_background(self._generation, f)
        self.count_changed.emit()

    def _count_in_background(self, generation: int, f: oq.QueueFilter) -> None:
        def work() -> None:
            try:
                total = oq.count_in(self.sessions, f)
            except Exception:  # noqa: BLE001 - the capped count stays; the next change tries again
                return
            self._counted.emit(generation, total)

        threading.Thread(target=work, name="queue-count", daemon=True).start()

    def _on_counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return  # the filter changed meanwhile
        self._set_count(total)
        self.exact = True
        self.count_changed.emit()

    def _set_count(self, count: int) -> None:
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < self._count:
            self.beginRemoveRows(QModelIndex(), count, self._count - 1)
            self._count = count
            self.endRemoveRows()

    def refresh(self) -> None:
        """Reread after a change elsewhere, keeping the view's position and selection."""
        self._generation += 1
        count = oq.count_in(self.sessions, self.filter, cap=self.count_cap + 1)
        self._windows.clear()
        self._cell_cache.clear()
        if count <= self.count_cap:
            self.exact = True
            self._set_count(count)
        else:
            self.exact = False
            self._set_count(max(self._count, self.count_cap))
            self._count_in_background(self._generation, self.filter)
        self.count_changed.emit()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(self.columns) - 1))

    def _row(self, row: int) -> oq.QueueRow | None:
        start = row - row % self.window_size
        window = self._windows.get(start)
        if window is None:
            window = oq.window_in(self.sessions, self.filter, start, self.window_size)
            self.queries += 1
            self._windows[start] = window
            while len(self._windows) > self.max_windows:
                self._windows.popitem(last=False)
        else:
            self._windows.move_to_end(start)
        offset = row - start
        return window[offset] if offset < len(window) else None

    def row_at(self, row: int) -> oq.QueueRow | None:
        if 0 <= row < self._count:
            return self._row(row)
        return None

    def cached_rows(self) -> int:
        return sum(len(w) for w in self._windows.values())

    # --- Qt model interface ----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return QCoreApplication.translate("Queue", HEADERS[self.columns[section]])
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        # Qt asks a dozen roles a cell; answer the ones used before touching any row, and build a
        # row's cells once (a dict lookup afterwards): painting stays cheap on a busy machine.
        if role not in _ROLES or not index.isValid():
            return None
        cells = self._cell_cache.get(index.row())
        if cells is None:
            row = self._row(index.row())
            if row is None:
                return None
            cells = self._cells(row)
            self._cell_cache[index.row()] = cells
            if len(self._cell_cache) > 4 * self.window_size:
                self._cell_cache.popitem(last=False)
        values = cells.get(role)
        return values[index.column()] if values is not None else None

    def _cells(self, row: oq.QueueRow) -> dict:
        columns = self.columns
        cells = {
            Qt.DisplayRole: tuple(self._display(row, c) for c in columns),
            Qt.UserRole: (row.number,) * len(columns),
        }
        if row.status not in DONE:
            urgency = self._urgency_brush(row)
            if urgency is not None:
                cells[Qt.BackgroundRole] = tuple(urgency if c in ("promised_ship_at", "number") else None for c in columns)
        if row.priority in PRIORITY_COLOURS:
            brush = QBrush(PRIORITY_COLOURS[row.priority])
            cells[Qt.ForegroundRole] = tuple(brush if c == "priority" else None for c in columns)
        if row.priority >= 1:
            font = QFont()
            font.setBold(True)
            cells[Qt.FontRole] = tuple(font if c in ("priority", "number") else None for c in columns)
        if row.promised_ship_at:
            tip = row.promised_ship_at.astimezone().strftime("%Y-%m-%d %H:%M")
            cells[Qt.ToolTipRole] = tuple(tip if c == "promised_ship_at" else None for c in columns)
        return cells

    def tick(self) -> None:
        """Time moves on: "ship by" texts and colours are worked out again for the shown rows."""
        self._cell_cache.clear()
        if self._count:
            column = self.columns.index("promised_ship_at") if "promised_ship_at" in self.columns else 0
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, column))

    def _display(self, row: oq.QueueRow, column: str):
        if column == "number":
            return row.number
        if column == "status":
            return status_name(row.status)
        if column == "priority":
            return priority_name(row.priority)
        if column == "channel":
            return channel_name(row.channel)
        if column == "customer":
            return row.customer
        if column == "warehouse":
            return self.warehouses.get(row.warehouse_id, "") if row.warehouse_id else ""
        if column == "station":
            return self.stations.get(row.station_id, "") if row.station_id else ""
        if column == "placed_at":
            return row.placed_at.astimezone().strftime("%m-%d %H:%M")
        if column == "promised_ship_at":
            if row.status in DONE:
                return ""
            return time_left_text(row.promised_ship_at, datetime.now(UTC))
        if column == "tracking_number":
            return row.tracking_number or ""
        return None

    def _urgency_brush(self, row: oq.QueueRow):
        if row.promised_ship_at is None:
            return None
        hours = (row.promised_ship_at - datetime.now(UTC)).total_seconds() / 3600
        if hours < 0:
            return QBrush(OVERDUE)
        if hours < 2:
            return QBrush(SOON)
        if hours < 8:
            return QBrush(TODAY)
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        key = self.columns[column]
        if key in ("warehouse", "station"):
            return  # by id would look random; these columns filter instead
        self.set_filter(self.filter.with_(sort=key, descending=order == Qt.DescendingOrder))

    # --- drag and drop (the supervisor board drags orders onto stations) ------------------------
    def flags(self, index: QModelIndex):
        flags = super().flags(index)
        if self.drag_enabled and index.isValid():
            flags |= Qt.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return [MIME_ORDERS]

    def mimeData(self, indexes) -> QMimeData:
        numbers = []
        for index in indexes:
            row = self.row_at(index.row())
            if row is not None and row.number not in numbers:
                numbers.append(row.number)
        mime = QMimeData()
        mime.setData(MIME_ORDERS, "\n".join(numbers).encode())
        mime.setText("\n".join(numbers))
        return mime

    def supportedDragActions(self):
        return Qt.MoveAction
