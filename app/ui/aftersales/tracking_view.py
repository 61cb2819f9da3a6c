"""Tracking lookup for the service desk (seed 4.1.2): type an order or tracking number, or scan the label (its
barcode or QR code); the whole timeline, where the parcel is, the expected arrival and any delay."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.aftersales import tracking
from app.devices.scanner import scan_text
from app.ui.aftersales.texts import delay_text, event_name, parcel_status_name, return_status_name, where_text
from app.ui.common import run_action
from app.ui.feedback import colour
from app.ui.plain import plain
from app.ui.texts import actor_word, event_detail, status_name, ui_language


class TrackingScreen(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.view: tracking.TrackingView | None = None

        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Order number, the shop's number, tracking number, SSCC or scan the label"))
        self.query.setAccessibleName(self.tr("Search"))
        self.query.returnPressed.connect(self.search)
        self.search_button = QPushButton(self.tr("&Find"))
        self.search_button.clicked.connect(self.search)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.search_button)

        self.title = QLabel(self.tr("Type or scan to look an order up"))
        self.title.setObjectName("title")
        self.where = QLabel()
        self.eta = QLabel()
        self.delay = QLabel()
        self.delay.setObjectName("banner")
        self.delay.hide()
        self.parcels = QLabel()
        self.parcels.setWordWrap(True)
        self.returns = QLabel()
        self.returns.setWordWrap(True)
        plain(self.title, self.where, self.eta, self.delay, self.parcels, self.returns)  # shops' and carriers' words
        form = QFormLayout()
        form.addRow(self.tr("Where"), self.where)
        form.addRow(self.tr("Expected delivery"), self.eta)
        form.addRow(self.tr("Parcels"), self.parcels)
        form.addRow(self.tr("Returns"), self.returns)

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Time (UTC)"), self.tr("Event"), self.tr("Station"),
                                              self.tr("User"), self.tr("Location"), self.tr("Detail")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.return_button = QPushButton(self.tr("Open a &return…"))
        self.return_button.setEnabled(False)
        self.return_button.clicked.connect(self.open_return)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.return_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.delay)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.query.setFocus()

    # --- actions ---------------------------------------------------------------------------------------
    def search(self, text: str | None = None) -> bool:
        query = (text if isinstance(text, str) else self.query.text()).strip()
        if not query:
            return False

        ok, view = run_action(self.env.feedback, lambda: tracking.find(self.env.ctx.sessions, query))
        if ok:
            self.show_view(view)
            self.query.selectAll()
        return ok

    def take_scan(self, event) -> bool:
        """A scan, parsed by its reader: what a person would type to find it (an order, a parcel, a return)."""
        return self.handle_scan(scan_text(event))

    def handle_scan(self, text: str) -> bool:
        self.query.setText(tracking.normalise_query(text))
        self.search(text)
        return True

    def on_change(self, topic: str, key: str) -> None:
        if self.view is not None and topic in ("order", "*") and (key in ("", str(self.view.order_id)) or topic == "*"):
            self.show_view(tracking.view_again(self.env.ctx.sessions, self.view.order_id, self.view.matched))

    def open_return(self) -> None:
        if self.view is None:
            return
        window = self.window()
        self.env.open_screen("returns")
        desk = getattr(window, "screens", {}).get("returns") if window is not None else None
        if desk is not None and hasattr(desk, "load"):
            desk.load(self.view.number)

    # --- showing ---------------------------------------------------------------------------------------
    def show_view(self, view: tracking.TrackingView) -> None:
        self.view = view
        self.title.setText(f"{view.number} · {status_name(view.status)}")
        self.where.setText(where_text(view))
        if view.delivered_on:
            self.eta.setText(self.tr("delivered on %1").replace("%1", view.delivered_on.isoformat()))
        elif view.expected_delivery:
            self.eta.setText(view.expected_delivery.isoformat())
        else:
            self.eta.setText(self.tr("not known until the parcel is labelled"))
        if view.delayed:
            self.delay.setText(delay_text(view))
            self.delay.setStyleSheet(f"background: {colour('bad')};")
            self.delay.show()
        else:
            self.delay.hide()
        self.parcels.setText("\n".join(
            f"{p.seq}/{p.count}  {(p.carrier_name_zh if ui_language() == 'zh_CN' else '') or p.carrier_name}  "
            f"{p.tracking_number}  SSCC {p.sscc}  ({parcel_status_name(p.status)})"
            for p in view.parcels
        ) or self.tr("none yet"))
        self.returns.setText("\n".join(
            f"{r.number}  {return_status_name(r.status)}" + (f"  → {r.exchange_order}" if r.exchange_order else "")
            for r in view.returns
        ) or self.tr("none"))
        self.table.setRowCount(len(view.events))
        for row, e in enumerate(view.events):
            values = (e.at.strftime("%Y-%m-%d %H:%M:%S"), event_name(e.kind), actor_word(e.station), actor_word(e.user),
                      e.location or "", event_detail(e.kind, e.data, ui_language()))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.UserRole, e.kind)
                self.table.setItem(row, col, item)
        self.table.scrollToBottom()
        self.return_button.setEnabled(view.status in ("shipped", "delivered"))
