"""The pick screen: the map with the route and the current stop lit, the next bin and item in large
type, and the scans that confirm each stop. Thin over :class:`app.picking.session.PickSession`.

Scans arrive through the public slot :meth:`PickScreen.handle_scan` (raw scanner text), so any scan
source can be wired to it (the device bridge, a keyboard wedge, the scan field on the screen)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.error_texts import operator_text
from app.errors import StationError
from app.picking.service import PickService
from app.picking.session import DONE, OK, REFUSED, Feedback, PickSession
from app.ui.pick.map_view import WarehouseMap
from app.ui.pick.messages import translated
from app.ui.plain import plain
from app.ui.texts import ui_language

COLOURS = {OK: "#2e7d32", DONE: "#1f4e9c", REFUSED: "#b3261e", "info": "#546e7a"}


class PickScreen(QWidget):
    """``PickScreen(service)``; ``open_cart(["SO-1", "SO-2"])`` or scan order numbers and press Start.

    ``warehouse`` is the code "Next batch" takes its orders from, or a function that reads it when asked (the
    station's own, so a station moved to another warehouse picks there at once). A cart the station had open
    (the picker logged out, the station restarted) is taken up again where it was."""

    message_shown = Signal(str, str)  # verdict, message

    def __init__(self, service: PickService, warehouse: str | Callable[[], str | None] | None = None, feedback=None,
                 parent=None) -> None:
        super().__init__(parent)
        self.service = service
        self.warehouse = warehouse
        self.feedback = feedback
        self.session: PickSession | None = None
        self.pending: list[str] = []
        self._build()
        self.resume()
        self._refresh()

    def current_warehouse(self) -> str | None:
        return self.warehouse() if callable(self.warehouse) else self.warehouse

    def resume(self) -> bool:
        """Take up the cart this station left open, if any; True if there was one."""
        try:
            pick_list = self.service.open_cart()
        except StationError as exc:
            self._say(REFUSED, exc.message)
            return False
        if pick_list is None:
            return False
        self.session = PickSession(self.service, pick_list)
        self._say("info", self.tr("The cart of this station is back: %1 stop(s) to go. Scan the bin label of the "
                                  "next stop; units scanned at it before are scanned again.")
                  .replace("%1", str(len(pick_list.stops))))
        return True

    # -- layout --------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(self.tr("Pick"))
        self.title.setObjectName("title")
        self.cart_label = QLabel()
        self.cart_label.setObjectName("subtitle")
        self.progress_label = QLabel()
        self.progress_label.setObjectName("subtitle")

        self.map = WarehouseMap()
        self.map.setMinimumSize(420, 360)

        self.bin_caption = QLabel(self.tr("Next bin"))
        self.bin_label = QLabel()
        self.bin_label.setStyleSheet("font-size: 44pt; font-weight: bold; color: #1f4e9c;")
        self.place_label = QLabel()
        self.item_label = QLabel()
        self.item_label.setWordWrap(True)
        self.item_label.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.quantity_label = QLabel()
        self.quantity_label.setStyleSheet("font-size: 30pt; font-weight: bold;")
        self.tote_label = QLabel()
        self.tote_label.setStyleSheet("font-size: 22pt; font-weight: bold; color: white; background: #6a1b9a;"
                                      " padding: 4px 12px; border-radius: 6px;")
        self.tote_label.setAlignment(Qt.AlignCenter)
        self.tote_label.setMinimumWidth(170)
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-size: 15pt; color: #444;")
        self.message = QLabel()
        self.message.setObjectName("banner")
        self.message.setWordWrap(True)
        # Order numbers, bins, product names and messages that quote them: text, never markup.
        plain(self.cart_label, self.progress_label, self.bin_label, self.place_label, self.item_label,
              self.quantity_label, self.tote_label, self.step_label, self.message)

        self.scan_input = QLineEdit()
        self.scan_input.setPlaceholderText(self.tr("Scan a bin label, an item or an order number"))
        self.scan_input.returnPressed.connect(self._typed)

        self.quantity = QSpinBox()
        self.quantity.setRange(1, 9999)
        self.confirm_button = QPushButton(self.tr("Confirm quantity (F6)"))
        self.confirm_button.clicked.connect(self.confirm_quantity)
        self.skip_button = QPushButton(self.tr("Skip, come back later (F9)"))
        self.skip_button.clicked.connect(self.skip)
        self.short_button = QPushButton(self.tr("Short: item not there (F8)"))
        self.short_button.setObjectName("danger")
        self.short_button.clicked.connect(self.short)
        self.start_button = QPushButton(self.tr("Start picking (F5)"))
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start_pending)
        self.batch_button = QPushButton(self.tr("Next batch"))
        self.batch_button.clicked.connect(self.next_batch)

        for key, slot in (("F5", self.start_pending), ("F6", self.confirm_quantity), ("F8", self.short),
                          ("F9", self.skip)):
            QShortcut(QKeySequence(key), self, activated=slot)

        panel = QVBoxLayout()
        panel.addWidget(self.bin_caption)
        panel.addWidget(self.bin_label)
        panel.addWidget(self.place_label)
        panel.addWidget(self.item_label)
        # Rows side by side rather than stacked: the panel fits a 768-pixel-high bench monitor.
        row = QHBoxLayout()
        row.addWidget(self.quantity_label)
        row.addWidget(self.step_label, 1)
        row.addWidget(self.tote_label)
        panel.addLayout(row)
        panel.addWidget(self.message)
        panel.addStretch(1)
        panel.addWidget(self.scan_input)
        qrow = QHBoxLayout()
        qrow.addWidget(self.quantity)
        qrow.addWidget(self.confirm_button, 1)
        panel.addLayout(qrow)
        trouble_row = QHBoxLayout()
        trouble_row.addWidget(self.skip_button)
        trouble_row.addWidget(self.short_button)
        panel.addLayout(trouble_row)
        start_row = QHBoxLayout()
        start_row.addWidget(self.batch_button)
        start_row.addWidget(self.start_button, 1)
        panel.addLayout(start_row)
        side = QFrame()
        side.setLayout(panel)  # as wide as its buttons need, whole (a fixed minimum width let them be cut)

        body = QHBoxLayout()
        body.addWidget(self.map, 3)
        body.addWidget(side, 2)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.cart_label, 1)
        header.addWidget(self.progress_label)
        outer = QVBoxLayout(self)
        outer.addLayout(header)
        outer.addLayout(body, 1)

    # -- scans and actions ---------------------------------------------------------------------------
    def take_scan(self, event) -> bool:
        """A scan, parsed by its reader: an order to put on the cart, or a bin or item at the current stop."""
        from app.devices.scanner import scan_text
        from app.picking.scans import from_event

        if self.session is None or self.session.complete:
            return self._add_order(scan_text(event))
        self._show(self.session.handle(from_event(event)))
        self._refresh()
        return True

    @Slot(str)
    def handle_scan(self, text: str) -> bool:
        """A scan given as text (the screen's own field). Returns True when the screen used it."""
        if self.session is None or self.session.complete:
            return self._add_order(text)
        self._show(self.session.handle_scan(text))
        self._refresh()
        return True

    def _add_order(self, text: str) -> bool:
        number = text.strip()
        if not number:
            return False
        if number in self.pending:
            self._say(REFUSED, self.tr("Order %1 is already on the cart.").replace("%1", number))
        else:
            self.pending.append(number)
            self._say("info", self.tr("Order %1 added: tote %2. Press Start when the cart is full.")
                                .replace("%1", number).replace("%2", str(len(self.pending))))
        self._refresh()
        return True

    def _typed(self) -> None:
        text = self.scan_input.text()
        self.scan_input.clear()
        self.handle_scan(text)

    @Slot()
    def confirm_quantity(self) -> None:
        if self.session is not None:
            self._show(self.session.confirm_quantity(self.quantity.value()))
            self._refresh()

    @Slot()
    def skip(self) -> None:
        if self.session is not None:
            self._show(self.session.skip())
            self._refresh()

    @Slot()
    def short(self) -> None:
        if self.session is not None:
            self._show(self.session.short())
            self._refresh()

    @Slot()
    def next_batch(self) -> None:
        try:
            warehouse = self.current_warehouse()
        except StationError as exc:
            self._say(REFUSED, exc.message)
            return
        if not warehouse:
            self._say(REFUSED, self.tr("This station has no warehouse set."))
            return
        try:
            carts = self.service.suggest_batches(warehouse)
        except StationError as exc:
            self._say(REFUSED, operator_text(exc.message, ui_language()))
            return
        if not carts:
            self._say("info", self.tr("No allocated order is waiting to be picked."))
            return
        self.open_cart(carts[0])

    @Slot()
    def start_pending(self) -> None:
        if self.pending and (self.session is None or self.session.complete):
            numbers, self.pending = self.pending, []
            if not self.open_cart(numbers):
                self.pending = numbers

    def open_cart(self, numbers: list[str]) -> bool:
        try:
            pick_list = self.service.start(list(numbers))
        except StationError as exc:
            self._say(REFUSED, operator_text(exc.message, ui_language()))
            self._refresh()
            return False
        self.session = PickSession(self.service, pick_list)
        self.pending = []
        note = ""
        if pick_list.unlocated:
            note = " " + self.tr("%1 line(s) have no stock in any bin: report them short.").replace(
                "%1", str(len(pick_list.unlocated)))
        self._say("info", self.tr("Route of %1 m for %2 stop(s), method %3.").replace(
            "%1", f"{pick_list.route.length:.1f}").replace("%2", str(len(pick_list.stops))).replace(
            "%3", pick_list.route.method) + note)
        self._refresh()
        return True

    # -- showing -------------------------------------------------------------------------------------
    def _say(self, verdict: str, text: str) -> None:
        self._show(Feedback(verdict, "{text}", {"text": text}))

    def _show(self, feedback: Feedback) -> None:
        text = translated(feedback)
        colour = COLOURS.get(feedback.verdict, "#546e7a")
        self.message.setStyleSheet(f"background: {colour};")
        self.message.setText(text)
        self.message_shown.emit(feedback.verdict, text)
        if self.feedback is not None:
            if feedback.verdict == REFUSED:
                self.feedback.bad(text)
            elif feedback.verdict in (OK, DONE):
                self.feedback.good(text)

    def _refresh(self) -> None:
        session = self.session
        active = session is not None and not session.complete
        for widget in (self.confirm_button, self.skip_button, self.short_button, self.quantity):
            widget.setEnabled(active)
        self.start_button.setVisible(not active)
        self.start_button.setEnabled(bool(self.pending))
        self.batch_button.setVisible(not active)
        if session is None:
            self.cart_label.setText(", ".join(self.pending) if self.pending else self.tr("No cart"))
            self.progress_label.setText("")
            self._show_stop(None)
            return
        pick_list = session.pick_list
        self.cart_label.setText("  ".join(self.tr("Tote %1: %2").replace("%1", str(t)).replace("%2", n)
                                          for n, t in pick_list.totes.items()))
        done, total = session.progress
        self.progress_label.setText(self.tr("Stop %1 of %2").replace("%1", str(min(done + 1, total))).replace(
            "%2", str(total)) if active else self.tr("All stops done"))
        current = session.current
        walk = session.finished + session.queue
        self.map.show_route(pick_list.layout, walk, current.key if current else None,
                            {s.key for s in session.finished})
        self._show_stop(current)

    def _show_stop(self, stop) -> None:
        if stop is None:
            self.bin_label.setText("—")
            self.place_label.setText("")
            self.item_label.setText(self.tr("Scan order numbers, or take the next batch."))
            self.quantity_label.setText("")
            self.tote_label.setVisible(False)
            self.step_label.setText("")
            return
        self.bin_label.setText(stop.bin or "?")
        side = self.tr("left") if stop.side == "L" else self.tr("right")
        self.place_label.setText(self.tr("Aisle %1, %2 m, %3 side, level %4").replace("%1", str(stop.aisle)).replace(
            "%2", f"{stop.position:g}").replace("%3", side).replace("%4", str(stop.level)))
        chinese = QLocale().name().startswith("zh") or self.tr("Pick") != "Pick"
        item = f"{stop.name_zh if chinese and stop.name_zh else stop.name}\n{stop.sku}"
        if stop.lot:  # FEFO: the lot reserved, so the picker takes that one and not the freshest on the shelf
            item += "\n" + (self.tr("Lot %1, expires %2").replace("%1", stop.lot).replace("%2", stop.expiry.isoformat())
                            if stop.expiry else self.tr("Lot %1").replace("%1", stop.lot))
        self.item_label.setText(item)
        counted = self.session.counted if self.session else 0
        self.quantity_label.setText(f"× {stop.remaining}" + (f"  ({counted}/{stop.remaining})" if counted else ""))
        self.tote_label.setVisible(True)
        self.tote_label.setText(self.tr("Tote %1").replace("%1", str(stop.tote)))
        self.quantity.setValue(max(1, stop.remaining))
        self.step_label.setText(self.tr("Scan the item") if self.session and self.session.bin_confirmed
                                else self.tr("Scan the bin label"))


def pick_screen(env) -> PickScreen:
    """The factory for the main window (``app.ui.screens``)."""
    from app.picking.service import PickService

    service = PickService(env.ctx.sessions, env.actor)
    # The station's warehouse as the database has it now (Settings writes it there), else the config's.
    return PickScreen(service, lambda: service.station_warehouse() or env.ctx.settings.warehouse or None, env.feedback)
