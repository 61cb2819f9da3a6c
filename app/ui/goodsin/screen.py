"""Goods in: open a delivery (scan its number, the supplier's reference or a pallet's SSCC), scan each item or
case, put the units away to the bin shown (scan the bin), set damaged units apart, close the delivery and read its
differences. Thin over :class:`app.goodsin.session.ReceivingSession`; scans come parsed from the station's router."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.goodsin import messages, queries
from app.goodsin.session import Answer, ReceivingSession
from app.packing.classify import classify, from_event
from app.ui.admin.table import RecordTable
from app.ui.common import run_action
from app.ui.feedback import colour
from app.ui.texts import ui_language

VERDICT_KIND = {"ok": "good", "put_away": "good", "opened": "good", "closed": "good", "quarantined": "warn",
                "over": "warn", "unexpected": "warn", "ask_lot": "warn", "ask_expiry": "warn", "duplicate": "warn",
                "refused": "bad"}


class GoodsInScreen(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.session = ReceivingSession(env.ctx.sessions, env.actor)

        title = QLabel(self.tr("Goods in"))
        title.setObjectName("title")
        self.delivery = QLineEdit()
        self.delivery.setPlaceholderText(self.tr("Delivery: our number, the supplier's reference or a pallet's SSCC"))
        self.delivery.returnPressed.connect(lambda: self.open(self.delivery.text()))
        open_button = QPushButton(self.tr("Open"))
        open_button.clicked.connect(lambda: self.open(self.delivery.text()))
        self.heading = QLabel(self.tr("No delivery open: scan one, or choose it below."))
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.delivery, 1)
        top.addWidget(open_button)

        self.lines = RecordTable([self.tr("Line"), self.tr("SKU"), self.tr("Name"), self.tr("Expected"),
                                  self.tr("Received"), self.tr("Damaged"), self.tr("Difference")], stretch=2)
        self.open_list = RecordTable([self.tr("Delivery"), self.tr("Reference"), self.tr("Supplier"),
                                      self.tr("Expected on"), self.tr("Status"), self.tr("Received")], stretch=2)
        self.open_list.doubleClicked.connect(lambda index: self.open(self.rows[index.row()].number))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.lines)
        split.addWidget(self.open_list)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        # What the last scan did, and where the units go.
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setObjectName("bigMessage")
        self.target = QLabel()
        self.target.setTextFormat(Qt.TextFormat.PlainText)
        self.target.setObjectName("title")

        # What the next scan lacks or means.
        next_box = QGroupBox(self.tr("Next scan"))
        grid = QGridLayout(next_box)
        self.quantity = QSpinBox()
        self.quantity.setRange(0, 100_000)
        self.quantity.setSpecialValueText(self.tr("as scanned"))
        self.lot = QLineEdit()
        self.expiry = QLineEdit()
        self.expiry.setPlaceholderText("2027-06-30")
        self.damaged = QCheckBox(self.tr("Damaged: to quarantine"))
        self.damage_reason = QLineEdit()
        self.damage_reason.setPlaceholderText(self.tr("why"))
        grid.addWidget(QLabel(self.tr("Quantity")), 0, 0)
        grid.addWidget(self.quantity, 0, 1)
        grid.addWidget(QLabel(self.tr("Lot")), 0, 2)
        grid.addWidget(self.lot, 0, 3)
        grid.addWidget(QLabel(self.tr("Expiry")), 1, 0)
        grid.addWidget(self.expiry, 1, 1)
        grid.addWidget(self.damaged, 1, 2)
        grid.addWidget(self.damage_reason, 1, 3)
        self.scan_field = QLineEdit()
        self.scan_field.setPlaceholderText(self.tr("Type a code as the scanner would"))
        self.scan_field.returnPressed.connect(self._typed)
        grid.addWidget(self.scan_field, 2, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)

        bin_box = QGroupBox(self.tr("Put away"))
        bins = QGridLayout(bin_box)
        self.bin = QLineEdit()
        self.bin.setPlaceholderText(self.tr("scan the bin"))
        self.bin_reason = QLineEdit()
        self.bin_reason.setPlaceholderText(self.tr("why another bin than the one shown"))
        put = QPushButton(self.tr("Put away"))
        put.clicked.connect(lambda: self.put_away(self.bin.text()))
        bins.addWidget(self.bin, 0, 0)
        bins.addWidget(put, 0, 1)
        bins.addWidget(self.bin_reason, 1, 0, 1, 2)
        self.close_button = QPushButton(self.tr("Close delivery"))
        self.close_button.clicked.connect(self.close_delivery)

        side = QVBoxLayout()
        side.addWidget(self.message)
        side.addWidget(self.target)
        side.addWidget(next_box)
        side.addWidget(bin_box)
        side.addStretch(1)
        side.addWidget(self.close_button)
        body = QHBoxLayout()
        body.addWidget(split, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addLayout(body, 1)
        self.rows: list[queries.DeliveryRow] = []
        self.reload()

    # --- lists ---------------------------------------------------------------------------------------------
    def reload(self) -> None:
        ok, rows = run_action(self.env.feedback, lambda: queries.deliveries(self.env.ctx.sessions, limit=200))
        if not ok:
            return
        self.rows = [r for r in rows if r.status in ("expected", "receiving")]
        self.open_list.fill((r.number, r.reference, r.supplier, r.expected_on.isoformat() if r.expected_on else "",
                             self._status(r.status) + (f" ({r.receiving_station})" if r.receiving_station else ""),
                             f"{r.received}/{r.expected}") for r in self.rows)

    def _status(self, code: str) -> str:
        return {"expected": self.tr("expected"), "receiving": self.tr("receiving"), "closed": self.tr("closed"),
                "cancelled": self.tr("cancelled")}.get(code, code)

    def _show(self, answer: Answer) -> None:
        text = messages.text(answer.message, ui_language())
        self.message.setText(text)
        kind = VERDICT_KIND.get(answer.verdict, "info")
        self.message.setStyleSheet(f"color: {colour(kind)}")
        getattr(self.env.feedback, {"good": "good", "bad": "bad"}.get(kind, "info"))(text)
        waiting = self.session.waiting
        self.target.setText(self.tr("Put away to %1").replace("%1", waiting.proposed_bin)
                            if waiting is not None and waiting.proposed_bin else "")
        state = answer.state
        if state is not None:
            self.heading.setText(self.tr("%1 · %2 · from %3").replace("%1", state.number)
                                 .replace("%2", state.reference).replace("%3", state.supplier or "-"))
            chinese = ui_language().startswith("zh")
            self.lines.fill((str(line.line_no), line.sku, (line.name_zh if chinese and line.name_zh else line.name),
                             str(line.expected), str(line.received),
                             str(line.damaged), (f"+{line.over}" if line.over else f"-{line.short}" if line.short else "0"))
                            for line in state.lines)
        if answer.verdict in ("opened", "closed"):  # the list's counts follow live sync (on_change), not every scan
            self.reload()

    # --- scans and actions ---------------------------------------------------------------------------------
    def take_scan(self, event) -> bool:
        """A scan parsed by its reader: a delivery, an item or case, or a bin."""
        self._scan(from_event(event))
        return True

    # --- an RFID carton: read while this screen is shown ---------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        bridge = getattr(self.window(), "device_bridge", None)
        if bridge is not None and getattr(self, "_bridge", None) is None:
            self._bridge = bridge
            bridge.tote_read.connect(self.on_carton)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        bridge, self._bridge = getattr(self, "_bridge", None), None
        if bridge is not None:
            try:
                bridge.tote_read.disconnect(self.on_carton)
            except (RuntimeError, TypeError):
                pass
        super().hideEvent(event)

    def on_carton(self, event) -> bool:
        """Every tag the RFID reader read at once: a carton counted (the lot and expiry fields apply to it)."""
        if not self._next_scan():
            return False
        ok, answer = run_action(self.env.feedback, lambda: self.session.carton(list(event.epcs)))
        if ok:
            if answer.verdict == "ok":
                for field in (self.lot, self.expiry):
                    field.clear()
            self._show(answer)
        return ok

    def _typed(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self._scan(classify(text))

    def _next_scan(self) -> bool:
        """Hand the next-scan fields to the session; False (and says why) when the expiry is not a date."""
        s = self.session
        s.quantity = self.quantity.value() or None
        s.lot = self.lot.text().strip() or None
        s.damaged = (self.damage_reason.text().strip() or self.tr("damaged")) if self.damaged.isChecked() else ""
        text = self.expiry.text().strip()
        try:
            s.expiry = date.fromisoformat(text) if text else None
        except ValueError:
            self.env.feedback.bad(self.tr("Write the expiry as YYYY-MM-DD, e.g. 2027-06-30."))
            return False
        s.bin_reason = self.bin_reason.text().strip()
        return True

    def _scan(self, scan) -> None:
        if not self._next_scan():
            return
        ok, answer = run_action(self.env.feedback, lambda: self.session.scan(scan))
        if ok:
            if answer.verdict not in ("ask_lot", "ask_expiry", "refused"):
                for field in (self.lot, self.expiry, self.damage_reason, self.bin_reason, self.bin):
                    field.clear()
                self.quantity.setValue(0)
                self.damaged.setChecked(False)
            self._show(answer)

    def open(self, reference: str) -> bool:
        ok, answer = run_action(self.env.feedback, lambda: self.session.open(reference))
        if ok:
            self.delivery.clear()
            self._show(answer)
        return ok

    def put_away(self, bin_code: str) -> bool:
        if not self._next_scan():
            return False
        ok, answer = run_action(self.env.feedback, lambda: self.session.put_away(bin_code))
        if ok:
            self.bin.clear()
            self.bin_reason.clear()
            self._show(answer)
        return ok

    def close_delivery(self) -> bool:
        ok, found = run_action(self.env.feedback, self.session.close)
        if ok:
            answer, _closed = found
            self._show(answer)
            self.target.clear()
        return ok

    def on_change(self, topic: str, key: str) -> None:
        if topic == "deliveries":
            self.reload()
