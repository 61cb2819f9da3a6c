"""The supervisor board: every station live (who, the current order, done today and per hour), and
the orders below. Select orders and move them to a station or warehouse, change their priority,
hold or release them; or drag them onto a station."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.orders import supervision as sv
from app.orders.queries import warehouses
from app.ui.common import compact_combo, run_action
from app.ui.feedback import colour
from app.ui.queue.model import MIME_ORDERS
from app.ui.queue.view import QueueView
from app.ui.texts import priority_name, ui_language

WHO_COLUMN = 2  # who is logged in

class StationsTable(QTableWidget):
    """One row a station; orders dropped on a row go to that station."""

    orders_dropped = Signal(list, str)  # order numbers, station name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DropOnly)
        self.setDropIndicatorShown(True)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.horizontalHeader().setSectionResizeMode(WHO_COLUMN, QHeaderView.ResizeToContents)  # "… silent since" in full

    def station_at_row(self, row: int) -> str | None:
        item = self.item(row, 0)
        return item.text() if item else None

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(MIME_ORDERS):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(MIME_ORDERS) and self.rowAt(event.position().toPoint().y()) >= 0:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        row = self.rowAt(event.position().toPoint().y())
        if not mime.hasFormat(MIME_ORDERS) or row < 0:
            event.ignore()
            return
        numbers = [n for n in bytes(mime.data(MIME_ORDERS)).decode().split("\n") if n]
        event.setDropAction(Qt.MoveAction)
        event.accept()
        self.orders_dropped.emit(numbers, self.station_at_row(row))


class SupervisorBoard(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.stations = StationsTable()
        self.stations.setHorizontalHeaderLabels([
            self.tr("Station"), self.tr("Warehouse"), self.tr("Logged in"), self.tr("Current order"),
            self.tr("Done today"), self.tr("Per hour today"), self.tr("Last hour"),
        ])
        self.stations.orders_dropped.connect(self.move_to_station)
        self.stations_title = QLabel(self.tr("Stations — drop orders on a station to give them to it"))
        self.stations_title.setObjectName("subtitle")

        self.orders = QueueView(env, self, drag=True)
        self.selection_label = QLabel()
        self.orders.selection_changed.connect(self._update_selection)

        self.target_station = QComboBox()
        self.target_station.setAccessibleName(self.tr("Target station"))
        self.to_station_button = QPushButton(self.tr("Move to &station"))
        self.to_station_button.clicked.connect(lambda: self.move_to_station(self.orders.selected_numbers(),
                                                                            self.target_station.currentData()))
        self.target_warehouse = QComboBox()
        self.target_warehouse.setAccessibleName(self.tr("Target warehouse"))
        for warehouse in warehouses(env.ctx.sessions):
            self.target_warehouse.addItem(f"{warehouse.code} — {warehouse.display_name(ui_language())}", warehouse.code)
        self.to_warehouse_button = QPushButton(self.tr("Move to &warehouse"))
        self.to_warehouse_button.clicked.connect(self.move_to_warehouse)
        self.priority = QComboBox()
        self.priority.setAccessibleName(self.tr("Priority"))
        for value in (2, 1, 0):
            self.priority.addItem(priority_name(value), value)
        self.priority_button = QPushButton(self.tr("Set &priority"))
        self.priority_button.clicked.connect(self.set_priority)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason to hold"))
        self.reason.setAccessibleName(self.tr("Reason to hold"))
        self.hold_button = QPushButton(self.tr("&Hold"))
        self.hold_button.clicked.connect(self.hold)
        self.release_button = QPushButton(self.tr("R&elease"))
        self.release_button.clicked.connect(self.release)

        for combo in (self.target_station, self.target_warehouse):
            compact_combo(combo, characters=22)
        # Two rows of about equal width, so the board fits a 1366-pixel bench monitor in either language.
        row1 = QHBoxLayout()
        row1.addWidget(self.selection_label)
        row1.addStretch()
        for w in (self.target_station, self.to_station_button, self.target_warehouse, self.to_warehouse_button):
            row1.addWidget(w)
        row2 = QHBoxLayout()
        row2.addWidget(self.priority)
        row2.addWidget(self.priority_button)
        row2.addWidget(self.reason, 1)
        row2.addWidget(self.hold_button)
        row2.addWidget(self.release_button)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.stations_title)
        top_layout.addWidget(self.stations)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.orders, 1)
        bottom_layout.addLayout(row1)
        bottom_layout.addLayout(row2)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._apply_changes)
        self._pending: set[str] = set()
        self._clock = QTimer(self, interval=30_000)  # "per hour" moves with time too
        self._clock.timeout.connect(self.reload_stations)
        self._clock.start()
        self.reload_stations()
        self._update_selection()

    # --- stations ----------------------------------------------------------------------------------
    def reload_stations(self) -> None:
        ok, stats = run_action(self.env.feedback, lambda: self._read_stats())
        if not ok:
            return
        self.stations.setRowCount(len(stats))
        current = self.target_station.currentData()
        self.target_station.blockSignals(True)
        self.target_station.clear()
        self.target_station.addItem(self.tr("No station (back to the queue)"), None)
        for row, st in enumerate(stats):
            values = [st.name, st.warehouse or "", self._who(st), st.current_order or "—",
                      str(st.done_today), f"{st.per_hour:.1f}", str(st.done_last_hour)]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == WHO_COLUMN and st.user:
                    item.setForeground(QColor(colour("warn" if st.silent else "good")))
                    if st.silent:
                        item.setToolTip(self.tr("The station has not been heard of since %1: it may have crashed or "
                                                "lost its connection.").replace("%1", self._seen(st)))
                self.stations.setItem(row, col, item)
            self.target_station.addItem(st.name, st.name)
        self.target_station.setCurrentIndex(max(0, self.target_station.findData(current)))
        self.target_station.blockSignals(False)
        self.stats = stats

    def _seen(self, st) -> str:
        return st.last_seen_at.astimezone().strftime("%H:%M") if st.last_seen_at else "—"

    def _who(self, st) -> str:
        if not st.user:
            return self.tr("nobody")
        if st.silent:
            return self.tr("%1 — silent since %2").replace("%1", st.user).replace("%2", self._seen(st))
        return st.user

    def _read_stats(self):
        return sv.stations_now(self.env.ctx.sessions)

    def station_row(self, name: str) -> int:
        for row in range(self.stations.rowCount()):
            if self.stations.station_at_row(row) == name:
                return row
        return -1

    # --- actions -----------------------------------------------------------------------------------
    def _update_selection(self) -> None:
        n = len(self.orders.selected_numbers())
        self.selection_label.setText(self.tr("%n order(s) selected", "", n))
        for b in (self.to_station_button, self.to_warehouse_button, self.priority_button, self.hold_button,
                  self.release_button):
            b.setEnabled(n > 0)

    def _each(self, numbers: list[str], call, done_message: str) -> int:
        """Run ``call(number, version)`` for each order; report how many worked and the first problem."""
        versions = self.orders.selected_versions()
        done = 0
        problems: list[str] = []
        from app.domain.error_texts import operator_text
        from app.errors import StationError
        from app.ui.texts import ui_language

        for number in numbers:
            try:
                call(number, versions.get(number))
                done += 1
            except StationError as exc:
                problems.append(operator_text(exc.message, ui_language()))
        if problems:
            self.env.feedback.bad(self.tr("%1 done, %2 refused: %3").replace("%1", str(done)).replace(
                "%2", str(len(problems))).replace("%3", problems[0]))
        elif done:
            self.env.feedback.good(done_message.replace("%1", str(done)))
        self.orders.model.refresh()
        self.reload_stations()
        return done

    def move_to_station(self, numbers: list[str], station: str | None) -> int:
        actor, sessions = self.env.actor, self.env.ctx.sessions
        return self._each(numbers, lambda n, v: sv.reassign_station(sessions, n, station, actor, v),
                          self.tr("%1 order(s) moved to %2.").replace("%2", station or self.tr("the queue")))

    def move_to_warehouse(self) -> int:
        code = self.target_warehouse.currentData()
        actor, sessions = self.env.actor, self.env.ctx.sessions
        return self._each(self.orders.selected_numbers(), lambda n, v: sv.reassign_warehouse(sessions, n, code, actor, v),
                          self.tr("%1 order(s) moved to warehouse %2.").replace("%2", code or ""))

    def set_priority(self) -> int:
        value = self.priority.currentData()
        actor, sessions = self.env.actor, self.env.ctx.sessions
        return self._each(self.orders.selected_numbers(), lambda n, v: sv.set_priority(sessions, n, value, actor, v),
                          self.tr("Priority changed on %1 order(s)."))

    def hold(self) -> int:
        reason = self.reason.text().strip()
        if not reason:
            self.env.feedback.bad(self.tr("Give a reason to hold."))
            self.reason.setFocus()
            return 0
        actor, sessions = self.env.actor, self.env.ctx.sessions
        done = self._each(self.orders.selected_numbers(), lambda n, v: sv.hold(sessions, n, reason, actor, v),
                          self.tr("%1 order(s) on hold."))
        if done:
            self.reason.clear()
        return done

    def release(self) -> int:
        actor, sessions = self.env.actor, self.env.ctx.sessions
        return self._each(self.orders.selected_numbers(), lambda n, v: sv.release(sessions, n, actor, v),
                          self.tr("%1 order(s) released."))

    # --- live sync ---------------------------------------------------------------------------------
    def on_change(self, topic: str, key: str) -> None:
        self._pending.add(topic)
        self._debounce.start()

    def _apply_changes(self) -> None:
        topics, self._pending = self._pending, set()
        if topics & {"order", "*"}:
            self.orders.on_change("*" if "*" in topics else "order", "")
        if topics & {"order", "station", "*"}:
            self.reload_stations()
