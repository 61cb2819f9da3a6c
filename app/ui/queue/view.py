"""The queue screen: filters, search, the lazy table; for a packer also "Next order" and the order
the station is packing now (and a warning when a supervisor takes it away)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.admin.auth import has_role
from app.devices.scanner import scan_text
from app.domain.lifecycle import CLAIMABLE, STATUSES, WAITING
from app.intake.updates import shop_cancelled
from app.orders import queue as oq
from app.orders.claim import claim_next
from app.ui.common import run_action
from app.ui.feedback import colour
from app.ui.plain import plain
from app.ui.queue.model import OrderQueueModel
from app.ui.texts import channel_name, priority_name, status_name

CHANNELS_RETRY_MS = 5000

ANY = None


def index_of(combo: QComboBox, value) -> int:
    """``findData`` that also finds tuples (Qt hands them back as lists)."""
    for i in range(combo.count()):
        data = combo.itemData(i)
        if data == value or (isinstance(data, list) and tuple(data) == value):
            return i
    return -1


class QueueView(QWidget):
    """Filter bar, search and the table over :class:`OrderQueueModel`."""

    selection_changed = Signal()

    def __init__(self, env, parent: QWidget | None = None, drag: bool = False, statuses: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.env = env
        self.model = OrderQueueModel(env.ctx.sessions, parent=self)
        self.model.drag_enabled = drag
        self.model.load_lookups()

        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), ())
        self.status.addItem(self.tr("Waiting to pack"), tuple(sorted(CLAIMABLE)))
        self.status.addItem(self.tr("Waiting for a person"), tuple(sorted(WAITING)))
        for code in STATUSES:
            self.status.addItem(status_name(code), (code,))
        self.status.setCurrentIndex(max(0, index_of(self.status, tuple(statuses))))
        self.priority = QComboBox()
        self.priority.addItem(self.tr("Any priority"), ANY)
        for value in (2, 1, 0):
            self.priority.addItem(priority_name(value), value)
        self.warehouse = QComboBox()
        self.warehouse.addItem(self.tr("All warehouses"), ANY)
        for wid, code in sorted(self.model.warehouses.items(), key=lambda kv: kv[1]):
            self.warehouse.addItem(code, wid)
        self.station = QComboBox()
        self.station.addItem(self.tr("All stations"), ANY)
        self.station.addItem(self.tr("No station"), oq.UNASSIGNED)
        for sid, name in sorted(self.model.stations.items(), key=lambda kv: kv[1]):
            self.station.addItem(name, sid)
        self.channel = QComboBox()
        self.channel.addItem(self.tr("All channels"), ANY)
        self.placed = QComboBox()
        self.placed.addItem(self.tr("Any date"), ANY)
        self.placed.addItem(self.tr("Placed today"), 0)
        self.placed.addItem(self.tr("Last 7 days"), 7)
        self.placed.addItem(self.tr("Last 30 days"), 30)
        self.placed.addItem(self.tr("Older than 30 days"), -30)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search: order, the shop's number, customer, SKU, tracking number or SSCC (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        for label, combo in ((self.tr("Status"), self.status), (self.tr("Priority"), self.priority),
                             (self.tr("Warehouse"), self.warehouse), (self.tr("Station"), self.station),
                             (self.tr("Channel"), self.channel), (self.tr("Date"), self.placed)):
            combo.setAccessibleName(label)
            combo.setToolTip(label)
            combo.currentIndexChanged.connect(self.apply_filter)
        self._search_timer = QTimer(self, singleShot=True, interval=300)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filter)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)  # the header asks the model; no proxy sorts a million rows
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.AscendingOrder)  # most urgent first until a header is clicked
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        widths = {"number": 150, "status": 120, "priority": 90, "channel": 110, "customer": 170, "warehouse": 100,
                  "station": 120, "placed_at": 120, "promised_ship_at": 200}
        for i, key in enumerate(self.model.columns):
            self.table.setColumnWidth(i, widths.get(key, 140))
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.Fixed)
        vertical.setDefaultSectionSize(32)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        if drag:
            self.table.setDragEnabled(True)
            self.table.setDragDropMode(QAbstractItemView.DragOnly)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        self.model.count_changed.connect(self._update_count)

        bar = QHBoxLayout()
        for w in (self.status, self.priority, self.warehouse, self.station, self.channel, self.placed):
            bar.addWidget(w)
        bar.addStretch()
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        QShortcut(QKeySequence.Find, self, activated=self.search.setFocus)

        self.apply_filter()
        QTimer.singleShot(0, self._load_channels)
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self.model.tick)
        self._clock.start()

    def _load_channels(self) -> None:
        ok, names = run_action(self.env.feedback, self._read_channels)
        if not ok:  # the database is away: the status bar says so; the list fills when it answers again
            QTimer.singleShot(CHANNELS_RETRY_MS, self._load_channels)
            return
        current = self.channel.currentData()
        self.channel.blockSignals(True)
        for name in names:
            if self.channel.findData(name) < 0:
                self.channel.addItem(channel_name(name), name)
        self.channel.setCurrentIndex(max(0, self.channel.findData(current)))
        self.channel.blockSignals(False)

    def _read_channels(self) -> list[str]:
        return oq.channels_in(self.env.ctx.sessions)

    def current_filter(self) -> oq.QueueFilter:
        now = datetime.now(UTC)
        placed_from = placed_to = None
        days = self.placed.currentData()
        if days is not None:
            midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
            if days == 0:
                placed_from = midnight
            elif days > 0:
                placed_from = now - timedelta(days=days)
            else:
                placed_to = now - timedelta(days=-days)
        return self.model.filter.with_(
            statuses=tuple(self.status.currentData() or ()),
            priority=self.priority.currentData(),
            warehouse_id=self.warehouse.currentData(),
            station_id=self.station.currentData(),
            channel=self.channel.currentData(),
            placed_from=placed_from,
            placed_to=placed_to,
            search=self.search.text().strip(),
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def _update_count(self, *args) -> None:
        if self.model.exact:
            self.count_label.setText(self.tr("%n order(s)", "", self.model.rowCount()))
        else:
            self.count_label.setText(self.tr("more than %1 orders, counting…").replace("%1", f"{self.model.rowCount():,}"))

    def selected_numbers(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        numbers = []
        for r in rows:
            row = self.model.row_at(r)
            if row is not None:
                numbers.append(row.number)
        return numbers

    def selected_versions(self) -> dict[str, int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return {row.number: row.version for r in rows if (row := self.model.row_at(r)) is not None}

    def select_number(self, number: str) -> bool:
        for r in range(min(self.model.rowCount(), self.model.window_size * 2)):
            row = self.model.row_at(r)
            if row is not None and row.number == number:
                self.table.selectRow(r)
                return True
        return False

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("order", "*"):
            if topic == "*":
                self.model.load_lookups()
            self.model.refresh()


class QueueScreen(QWidget):
    """Every role's view of the queue; a packer also gets "Next order" (F2, or the NEXT-ORDER barcode)."""

    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.packer = has_role(env.role, "packer")
        self.current_number: str | None = None
        layout = QVBoxLayout(self)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        plain(self.banner)  # names a shop's order number and a station
        layout.addWidget(self.banner)

        if self.packer:
            top = QHBoxLayout()
            self.next_button = QPushButton(self.tr("Next order (F2)"))
            self.next_button.setObjectName("primary")
            self.next_button.clicked.connect(self.next_order)
            QShortcut(QKeySequence(Qt.Key_F2), self, activated=self.next_order)
            self.current_label = QLabel()
            self.current_label.setObjectName("subtitle")
            plain(self.current_label)
            top.addWidget(self.next_button)
            top.addWidget(self.current_label, 1)
            layout.addLayout(top)

        # A packer starts on the orders waiting to be packed; everyone can widen the filter.
        self.view = QueueView(env, self, statuses=tuple(sorted(CLAIMABLE)) if env.role == "packer" else ())
        if env.role == "packer":
            # ... in this station's warehouse: the orders "Next order" may give.
            warehouse_id = oq.station_warehouse_id(env.ctx.sessions, env.station)
            if warehouse_id is not None:
                self.view.warehouse.setCurrentIndex(max(0, self.view.warehouse.findData(warehouse_id)))
        layout.addWidget(self.view, 1)
        self._pending: set[tuple[str, str]] = set()
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._apply_changes)
        if self.packer:
            self._load_current(initial=True)

    # --- packer ------------------------------------------------------------------------------------
    def _load_current(self, initial: bool = False) -> None:
        ok, number = run_action(self.env.feedback, lambda: oq.current_number(self.env.ctx.sessions, self.env.station))
        if not ok:
            return
        previous = self.current_number
        self.current_number = number
        if previous and previous != number and not initial:
            self._taken_away(previous)
        self._show_current()

    def _show_current(self) -> None:
        if self.current_number:
            self.current_label.setText(self.tr("Packing now: %1").replace("%1", self.current_number))
        else:
            self.current_label.setText(self.tr("No order at this station. Press F2 or scan NEXT ORDER."))

    def _taken_away(self, number: str) -> None:
        row = oq.holder(self.env.ctx.sessions, number)
        if row is None or (row.station == self.env.station and row.status not in ("on_hold", "cancelled")):
            return  # still this station's: packed, labelled... work went on, nothing was taken away
        if (row.last_user, row.last_station) != (None, None) and (row.last_user, row.last_station) == (self.env.username, self.env.station):
            return  # the supervisor at this station moved it from the board, which confirmed it: no packer's alarm
        if row.status == "on_hold":
            text = self.tr("Order %1 was put on hold by a supervisor. Stop packing it; what you packed is kept.")
        elif row.status == "cancelled" and shop_cancelled(self.env.ctx.sessions, number):
            text = self.tr("Order %1 was cancelled by the shop. Stop packing it and put its items back on their shelves.")
        elif row.status == "cancelled":
            text = self.tr("Order %1 was cancelled. Stop packing it and put the items aside.")
        elif row.station:
            text = self.tr("Order %1 was moved to station %2 by a supervisor. Stop packing it; what you packed is kept.")
        else:
            text = self.tr("Order %1 was taken away from this station by a supervisor. What you packed is kept.")
        message = text.replace("%1", number).replace("%2", row.station or "")
        self.show_banner("bad", message)
        self.env.feedback.bad(message)

    def show_banner(self, kind: str, message: str) -> None:
        self.banner.setText(message)
        self.banner.setStyleSheet(f"background: {colour(kind)};")
        self.banner.show()

    def next_order(self) -> None:
        if not self.packer:
            return
        self._load_current()
        if self.current_number:
            # One order at a time at a pack bench, as the pack screen's own NEXT ORDER: an unfinished order is
            # packed to the end, or shipped short with a supervisor, before the station takes another.
            message = self.tr("Order %1 is open at this station: go on packing it.").replace("%1", self.current_number)
            self.env.feedback.info(message)
            self.env.open_screen("pack")
            return
        ok, order = run_action(self.env.feedback, lambda: claim_next(self.env.ctx.sessions, self.env.station, self.env.actor))
        if not ok:
            return
        if order is None:
            message = self.tr("No order is waiting for this station.")
            self.show_banner("info", message)
            self.env.feedback.info(message)
            return
        self.current_number = order.number
        self._show_current()
        self.banner.hide()
        self.env.feedback.good(self.tr("Order %1 is yours: start packing.").replace("%1", order.number))
        self.view.model.refresh()
        self.env.open_screen("pack")

    # --- scans and live sync -----------------------------------------------------------------------
    def take_scan(self, event) -> bool:
        """A scan, parsed by its reader: what a person would type to find it (an order, a parcel, a return)."""
        return self.handle_scan(scan_text(event))

    def handle_scan(self, text: str) -> bool:
        """A scan that is no command: look the order (or SKU, tracking number) up in the queue."""
        self.view.search.setText(text.strip())
        self.view.apply_filter()
        if self.view.model.rowCount():
            self.view.table.selectRow(0)
            self.env.feedback.good(self.tr("Found %n order(s).", "", self.view.model.rowCount()))
            return True
        self.env.feedback.bad(self.tr("No order matches %1.").replace("%1", text.strip()))
        return True

    def on_change(self, topic: str, key: str) -> None:
        self._pending.add((topic, key))
        self._debounce.start()

    def _apply_changes(self) -> None:
        changes, self._pending = self._pending, set()
        topics = {t for t, _ in changes}
        if topics & {"order", "*"}:
            self.view.on_change("order" if "*" not in topics else "*", "")
        if self.packer and (("station", self.env.station) in changes or "*" in topics
                            or (self.current_number and ("order", self.current_number) in changes)):
            self._load_current()
