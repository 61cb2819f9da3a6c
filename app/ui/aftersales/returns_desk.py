"""The returns desk (seed 4.2.1): find the order, choose what comes back and why, check it against the policy
and open the return; issue the return label; when the parcel comes in, scan it, then scan every item with the
condition chosen (resellable, damaged, wrong item: F5, F6, F7) so it goes back to a bin or to quarantine; then
complete: the refund (coupons and points pro rata) or the exchange order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.aftersales import policy as pol
from app.aftersales import returns, tracking
from app.aftersales.policy import REASONS, ReturnPolicy
from app.devices.scanner import scan_text
from app.domain.error_texts import operator_text
from app.errors import StationError
from app.ui.aftersales.texts import condition_name, reason_name, return_status_name
from app.ui.common import run_action
from app.ui.feedback import colour
from app.ui.plain import plain
from app.ui.texts import money, status_name, ui_language


class ReturnsDesk(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.policy = ReturnPolicy.from_settings(env.ctx.settings)
        self.order_number: str | None = None
        self.return_number: str | None = None
        self.return_status: str | None = None

        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Order number, the shop's number, return number or scan the label"))
        self.query.setAccessibleName(self.tr("Search"))
        self.query.returnPressed.connect(lambda: self.load(self.query.text()))
        find = QPushButton(self.tr("&Find"))
        find.clicked.connect(lambda: self.load(self.query.text()))
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(find)

        self.title = QLabel(self.tr("Find the order to return, or scan a return parcel"))
        self.title.setObjectName("title")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        plain(self.title, self.banner)  # the shop's order number

        self.pages = QStackedWidget()
        self.pages.addWidget(self._request_page())
        self.pages.addWidget(self._return_page())
        self.pages.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        for key, code in (("F5", "resellable"), ("F6", "damaged"), ("F7", "wrong_item")):
            QShortcut(QKeySequence(key), self, activated=lambda c=code: self.set_condition(c))

    # --- building ----------------------------------------------------------------------------------------
    def _request_page(self) -> QWidget:
        page = QWidget()
        self.lines = QTableWidget(0, 5)
        self.lines.setHorizontalHeaderLabels([self.tr("SKU"), self.tr("Product"), self.tr("Can come back"),
                                              self.tr("Return"), self.tr("Exchange for")])
        self.lines.verticalHeader().hide()
        self.lines.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.lines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.lines.horizontalHeader().setStretchLastSection(True)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Refund"), "refund")
        self.kind.addItem(self.tr("Exchange"), "exchange")
        self.reason = QComboBox()
        for code in REASONS:
            self.reason.addItem(reason_name(code), code)
        self.note = QLineEdit()
        form = QFormLayout()
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Note"), self.note)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {colour('bad')}; font-weight: bold;")
        plain(self.problems)
        check = QPushButton(self.tr("&Check the policy"))
        check.clicked.connect(self.check_policy)
        self.open_button = QPushButton(self.tr("&Open the return"))
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_return)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(check)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.lines, 1)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        return page

    def _return_page(self) -> QWidget:
        page = QWidget()
        self.info = QLabel()
        self.info.setWordWrap(True)
        plain(self.info)  # the carrier's tracking number
        self.label_button = QPushButton(self.tr("Print the return &label"))
        self.label_button.clicked.connect(self.issue_label)
        self.receive_button = QPushButton(self.tr("Parcel &received"))
        self.receive_button.clicked.connect(self.receive)
        self.new_button = QPushButton(self.tr("&New return for this order"))
        self.new_button.clicked.connect(self.new_return)
        row = QHBoxLayout()
        row.addWidget(self.label_button)
        row.addWidget(self.receive_button)
        row.addStretch(1)
        row.addWidget(self.new_button)

        self.conditions = QButtonGroup(self)
        self.conditions.setExclusive(True)
        cond_row = QHBoxLayout()
        cond_row.addWidget(QLabel(self.tr("Next scanned item is:")))
        self.condition_buttons: dict[str, QPushButton] = {}
        for key, code in (("F5", "resellable"), ("F6", "damaged"), ("F7", "wrong_item")):
            button = QPushButton(f"{condition_name(code)} ({key})")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, c=code: self.set_condition(c))
            self.conditions.addButton(button)
            self.condition_buttons[code] = button
            cond_row.addWidget(button)
        self.bin = QLineEdit()
        self.bin.setPlaceholderText(self.tr("bin (optional)"))
        self.bin.setMaximumWidth(200)
        cond_row.addWidget(self.bin)
        cond_row.addStretch(1)
        self.set_condition("resellable")

        self.items = QTableWidget(0, 5)
        self.items.setHorizontalHeaderLabels([self.tr("SKU"), self.tr("Quantity"), self.tr("Inspected"),
                                              self.tr("Condition"), self.tr("Where it went")])
        self.items.verticalHeader().hide()
        self.items.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.items.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.items.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.items.horizontalHeader().setStretchLastSection(True)
        inspect_button = QPushButton(self.tr("&Inspect the selected item"))
        inspect_button.clicked.connect(self.inspect_selected)
        self.complete_button = QPushButton(self.tr("&Complete: refund or exchange"))
        self.complete_button.setObjectName("primary")
        self.complete_button.clicked.connect(self.complete)
        self.result = QLabel()
        self.result.setWordWrap(True)
        plain(self.result)
        bottom = QHBoxLayout()
        bottom.addWidget(inspect_button)
        bottom.addStretch(1)
        bottom.addWidget(self.complete_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.info)
        layout.addLayout(row)
        layout.addLayout(cond_row)
        layout.addWidget(self.items, 1)
        layout.addWidget(self.result)
        layout.addLayout(bottom)
        return page

    # --- finding ---------------------------------------------------------------------------------------
    def load(self, query: str, prefer_order: bool = False) -> bool:
        query = (query or "").strip()
        if not query:
            return False
        self.banner.hide()
        try:  # the one look-up: the order, and the return it names
            found = returns.desk_find(self.env.ctx.sessions, query, self.env_language(), prefer_order)
        except StationError as exc:  # a shop's number two orders share: both named
            self.env.feedback.bad(operator_text(exc.message, ui_language()))
            return False
        if found is None:
            self.env.feedback.bad(self.tr("Nothing found for %1").replace("%1", query))
            return False
        if isinstance(found, returns.DeskReturn):
            self._show_return(found)
        else:
            self._show_request(found)
        return True

    def _show_request(self, order: returns.RequestView) -> None:
        self.order_number, self.return_number, self.return_status = order.order_number, None, None
        self.title.setText(self.tr("Return from %1 (%2)").replace("%1", order.order_number)
                           .replace("%2", status_name(order.order_status)))
        self.lines.setRowCount(len(order.lines))
        for row, line in enumerate(order.lines):
            self.lines.setItem(row, 0, QTableWidgetItem(line.sku))
            self.lines.setItem(row, 1, QTableWidgetItem(line.name))
            self.lines.setItem(row, 2, QTableWidgetItem(str(line.returnable)))
            spin = QSpinBox()
            spin.setRange(0, line.returnable)
            spin.setAccessibleName(self.tr("Units of %1 to return").replace("%1", line.sku))
            self.lines.setCellWidget(row, 3, spin)
            combo = QComboBox()
            combo.addItem(self.tr("same item"), "")
            for sku, name in line.substitutes:
                combo.addItem(f"{sku} {name}", sku)
            self.lines.setCellWidget(row, 4, combo)
        self.problems.setText("")
        self.pages.setCurrentIndex(0)
        self.pages.show()

    def env_language(self) -> str:
        return getattr(self.env.ctx.settings, "language", "en")

    def _show_return(self, ret: returns.DeskReturn) -> None:
        self.order_number, self.return_number, self.return_status = ret.order_number, ret.number, ret.status
        self.title.setText(f"{ret.number} · {ret.order_number}")
        money_text = ""
        if ret.status == "refunded":
            money_text = self.tr("Refunded %1 and %2 points (coupon share kept: %3)").replace(
                "%1", money(ret.refund_cents, ret.currency)).replace("%2", str(ret.points_refunded)).replace(
                "%3", money(ret.coupon_cents, ret.currency))
        elif ret.exchange_order:
            money_text = self.tr("Exchange order %1").replace("%1", ret.exchange_order)
        kind = self.tr("exchange") if ret.kind == "exchange" else self.tr("refund")
        self.info.setText(
            self.tr("%1 · reason: %2 · %3").replace("%1", kind).replace("%2", reason_name(ret.reason))
            .replace("%3", return_status_name(ret.status))
            + (("\n" + self.tr("Return label %1").replace("%1", ret.tracking_number)) if ret.tracking_number else "")
        )
        self.result.setText(money_text)
        self.items.setRowCount(len(ret.lines))
        for row, rl in enumerate(ret.lines):
            values = (rl.sku + (f" → {rl.exchange_sku}" if rl.exchange_sku else ""), str(rl.quantity),
                      str(rl.inspected), condition_name(rl.condition), rl.where)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.UserRole, rl.sku)
                self.items.setItem(row, col, item)
        open_ = ret.status in ("approved", "label_issued")
        self.label_button.setEnabled(open_)
        self.receive_button.setEnabled(open_)
        self.complete_button.setEnabled(ret.status == "inspected")
        self.new_button.setEnabled(ret.status in ("refunded", "exchanged", "cancelled") and ret.order_status in ("shipped", "delivered"))
        self.pages.setCurrentIndex(1)
        self.pages.show()

    def _reload(self) -> None:
        if self.return_number:
            self._show_return(returns.desk_return(self.env.ctx.sessions, self.return_number))

    # --- request -----------------------------------------------------------------------------------------
    def chosen_items(self) -> list[returns.ReturnItem]:
        items = []
        for row in range(self.lines.rowCount()):
            qty = self.lines.cellWidget(row, 3).value()
            if qty:
                exchange = self.lines.cellWidget(row, 4).currentData() or ""
                sku = self.lines.item(row, 0).text()
                if self.kind.currentData() == "exchange" and not exchange:
                    exchange = sku
                items.append(returns.ReturnItem(sku, qty, exchange if self.kind.currentData() == "exchange" else ""))
        return items

    def set_quantity(self, sku: str, quantity: int, exchange_sku: str = "") -> None:
        for row in range(self.lines.rowCount()):
            if self.lines.item(row, 0).text() == sku:
                self.lines.cellWidget(row, 3).setValue(quantity)
                combo = self.lines.cellWidget(row, 4)
                index = combo.findData(exchange_sku)
                combo.setCurrentIndex(max(index, 0))

    def check_policy(self) -> list[str]:
        problems = returns.check_order_request(self.env.ctx.sessions, self.order_number, self.chosen_items(),
                                               self.kind.currentData(), self.reason.currentData(), self.policy)
        if problems:
            self.problems.setText("\n".join(pol.problem_text(p, ui_language()) for p in problems))
            self.env.feedback.bad(self.tr("Outside the returns policy"))
        else:
            self.problems.setText("")
            self.env.feedback.good(self.tr("Within the returns policy"))
        return problems

    def open_return(self) -> bool:
        def action():
            return returns.open_return(self.env.ctx.sessions, self.order_number, self.chosen_items(),
                                       self.kind.currentData(), self.reason.currentData(), self.env.actor, self.policy,
                                       self.note.text()).number

        ok, number = run_action(self.env.feedback, action)
        if not ok:
            self.problems.setText(self.env.feedback.history[-1][1] if self.env.feedback.history else "")
            return False
        self.env.feedback.good(self.tr("Return %1 opened").replace("%1", number))
        self.load(number)
        return True

    def new_return(self) -> None:
        if self.order_number:
            self.load(self.order_number, prefer_order=True)

    # --- the parcel --------------------------------------------------------------------------------------
    def _with_return(self, fn, success: str | None = None):
        """Run a return use case on the return shown; the desk reads it again after."""
        ok, out = run_action(self.env.feedback, fn, success)
        if ok:
            self._reload()
        return ok, out

    def issue_label(self) -> bool:
        ok, out = self._with_return(lambda: returns.label_return(self.env.ctx.sessions, self.return_number, self.env.actor,
                                                                 self.env.ctx.settings, station=self.env.station))
        if ok:
            self.env.feedback.good(self.tr("Return label %1 sent to the label printer").replace("%1", out[0].tracking_number))
        return ok

    def receive(self) -> bool:
        ok, _ = self._with_return(lambda: returns.receive_return(self.env.ctx.sessions, self.return_number, self.env.actor),
                                  self.tr("Parcel received: scan each item"))
        return ok

    def set_condition(self, code: str) -> None:
        self.condition = code
        button = self.condition_buttons.get(code)
        if button is not None:
            button.setChecked(True)

    def inspect_item(self, item: str) -> bool:
        condition = self.condition
        bin_code = self.bin.text().strip() or None

        ok, out = self._with_return(lambda: returns.inspect_return(self.env.ctx.sessions, self.return_number, item,
                                                                   condition, self.env.actor, 1, bin_code))
        result = out[1] if ok else None
        if ok:
            where = result.bin_code or "-"
            self.env.feedback.good(self.tr("%1: %2, put in %3").replace("%1", result.sku)
                                   .replace("%2", condition_name(result.condition)).replace("%3", where))
            self.set_condition("resellable")
            self.bin.clear()
        return ok

    def inspect_selected(self) -> bool:
        row = self.items.currentRow()
        if row < 0:
            self.env.feedback.bad(self.tr("Select an item first"))
            return False
        return self.inspect_item(self.items.item(row, 0).data(Qt.UserRole))

    def complete(self) -> bool:
        ok, done = self._with_return(lambda: returns.complete_return(self.env.ctx.sessions, self.return_number,
                                                                     self.env.actor, self.policy))
        if not ok:
            return False
        kind = done.kind
        if kind == "exchange":
            ok, number = run_action(self.env.feedback, lambda: returns.create_exchange_order(
                self.env.ctx.sessions, self.env.ctx.settings, self.return_number, self.env.actor))
            if not ok:
                return False
            self.env.feedback.good(self.tr("Exchange order %1 created").replace("%1", number))
        else:
            self.env.feedback.good(self.tr("Return %1 refunded").replace("%1", self.return_number))
        self._reload()
        return True

    # --- scans and live updates --------------------------------------------------------------------------
    def take_scan(self, event) -> bool:
        """A scan, parsed by its reader: what a person would type to find it (an order, a parcel, a return)."""
        return self.handle_scan(scan_text(event))

    def handle_scan(self, text: str) -> bool:
        ok, step = run_action(self.env.feedback, lambda: returns.desk_scan(self.env.ctx.sessions, self.return_number, text))
        if not ok:
            return True
        if step.action == "inspect":
            self.inspect_item(text)
        elif step.action == "receive":
            self.receive()
        else:
            self.query.setText(tracking.normalise_query(text))
            if self.load(text) and returns.label_scanned(self.env.ctx.sessions, self.return_number, text):
                self.receive()  # the return label scanned: the parcel is here
        return True

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("order", "*") and self.return_number:
            self._reload()
