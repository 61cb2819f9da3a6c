"""The review desk: held orders on the left; on the right every flag explained, the customer's
history, the address (editable), the payment breakdown, the lines and the timeline; at the bottom
approve, hold, reject or cancel with a reason (required for all but approve)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.error_texts import operator_text
from app.domain.rules import reason_text
from app.orders import review
from app.ui.common import run_action
from app.ui.plain import escaped, plain, plain_label
from app.ui.texts import (
    actor_name,
    event_name,
    flag_title,
    money,
    payment_name,
    priority_name,
    standing_name,
    status_name,
    ui_language,
)

ADDRESS_LABELS = (
    ("ship_name", "Name"), ("ship_company", "Company"), ("ship_address1", "Street"), ("ship_address2", "Street (2)"),
    ("ship_city", "City"), ("ship_region", "Region"), ("ship_postcode", "Postcode"), ("ship_country", "Country"),
    ("ship_phone", "Phone"),
)


class ReviewDesk(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.case: review.ReviewCase | None = None

        self.list = QListWidget()
        self.list.setMinimumWidth(420)
        self.list.currentItemChanged.connect(lambda cur, _prev: self.show_case(cur.data(Qt.UserRole) if cur else None))
        left = QVBoxLayout()
        self.list_title = QLabel()
        self.list_title.setObjectName("subtitle")
        left.addWidget(self.list_title)
        left.addWidget(self.list, 1)
        left_widget = QWidget()
        left_widget.setLayout(left)

        self.header = QLabel()
        self.header.setObjectName("title")
        plain(self.header)  # the shop's order number
        self.header.setWordWrap(True)
        self.flags_box = QGroupBox(self.tr("Why this order waits"))
        self.flags_layout = QVBoxLayout(self.flags_box)
        self.customer_box = QGroupBox(self.tr("Customer history"))
        self.customer_layout = QFormLayout(self.customer_box)
        self.payment_box = QGroupBox(self.tr("Payment"))
        self.payment_layout = QFormLayout(self.payment_box)
        self.address_box = QGroupBox(self.tr("Shipping address"))
        address_form = QFormLayout(self.address_box)
        self.address_fields: dict[str, QLineEdit] = {}
        labels = {
            "Name": self.tr("Name"), "Company": self.tr("Company"), "Street": self.tr("Street"),
            "Street (2)": self.tr("Street (2)"), "City": self.tr("City"), "Region": self.tr("Region"),
            "Postcode": self.tr("Postcode"), "Country": self.tr("Country"), "Phone": self.tr("Phone"),
        }
        for field, label in ADDRESS_LABELS:
            edit = QLineEdit()
            edit.setAccessibleName(labels[label])
            self.address_fields[field] = edit
            address_form.addRow(labels[label], edit)
        self.fix_button = QPushButton(self.tr("&Fix address"))
        self.fix_button.clicked.connect(self.fix_address)
        self.lines_box = QGroupBox(self.tr("Lines"))
        self.lines_layout = QVBoxLayout(self.lines_box)
        self.timeline_box = QGroupBox(self.tr("Timeline"))
        self.timeline_layout = QVBoxLayout(self.timeline_box)
        for layout in (self.flags_layout, self.lines_layout, self.timeline_layout):
            layout.setAlignment(Qt.AlignTop)

        grid = QGridLayout()
        grid.addWidget(self.flags_box, 0, 0, 1, 2)
        grid.addWidget(self.customer_box, 1, 0)
        grid.addWidget(self.payment_box, 1, 1)
        grid.addWidget(self.address_box, 2, 0)
        grid.addWidget(self.lines_box, 2, 1)
        grid.addWidget(self.timeline_box, 3, 0, 1, 2)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.header)
        details_layout.addLayout(grid)
        details_layout.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)

        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason (required to hold, reject or cancel)"))
        self.reason.setAccessibleName(self.tr("Reason"))
        self.approve_button = QPushButton(self.tr("&Approve"))
        self.approve_button.setObjectName("primary")
        self.hold_button = QPushButton(self.tr("&Hold"))
        self.reject_button = QPushButton(self.tr("&Reject"))
        self.reject_button.setObjectName("danger")
        self.cancel_button = QPushButton(self.tr("&Cancel order"))
        self.cancel_button.setObjectName("danger")
        self.approve_button.clicked.connect(lambda: self.act("approve"))
        self.hold_button.clicked.connect(lambda: self.act("hold"))
        self.reject_button.clicked.connect(lambda: self.act("reject"))
        self.cancel_button.clicked.connect(lambda: self.act("cancel"))
        QShortcut(QKeySequence(Qt.CTRL | Qt.Key_Return), self, activated=lambda: self.act("approve"))
        # Every button in one row below the details, never scrolled out of sight on a small monitor: the
        # address is edited in the details above and fixed from here.
        actions = QHBoxLayout()
        actions.addWidget(self.fix_button)
        actions.addSpacing(12)
        actions.addWidget(self.reason, 1)
        for b in (self.approve_button, self.hold_button, self.reject_button, self.cancel_button):
            actions.addWidget(b)

        right = QVBoxLayout()
        right.addWidget(scroll, 1)
        right.addLayout(actions)
        right_widget = QWidget()
        right_widget.setLayout(right)
        splitter = QSplitter()
        splitter.addWidget(left_widget)
        splitter.addWidget(right_widget)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.reload)
        self.reload()

    # --- list --------------------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.case.order.number if self.case else None
        waiting = review.desk_queue(self.env.ctx.sessions)
        self.list.blockSignals(True)
        self.list.clear()
        for entry in waiting.entries:
            text = self.tr("%1 · %2 · %3 · %n flag(s)", "", entry.open_flags).replace("%1", entry.number).replace(
                "%2", status_name(entry.status)).replace("%3", priority_name(entry.priority))
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, entry.number)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if waiting.total > len(waiting.entries):
            self.list_title.setText(self.tr("Waiting for review: %1 (the %2 most urgent shown)")
                                    .replace("%1", f"{waiting.total:,}").replace("%2", str(len(waiting.entries))))
        else:
            self.list_title.setText(self.tr("Waiting for review: %1").replace("%1", str(waiting.total)))
        numbers = [e.number for e in waiting.entries]
        row = numbers.index(keep) if keep in numbers else (0 if numbers else -1)
        if row >= 0:
            self.list.blockSignals(True)
            self.list.setCurrentRow(row)
            self.list.blockSignals(False)
            self.show_case(numbers[row])
        else:
            self.show_case(None)

    def select(self, number: str) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == number:
                self.list.setCurrentRow(i)
                return True
        return False

    # --- details -----------------------------------------------------------------------------------
    def show_case(self, number: str | None) -> None:
        for layout in (self.flags_layout, self.lines_layout, self.timeline_layout):
            _clear(layout)
        for layout in (self.customer_layout, self.payment_layout):
            while layout.rowCount():
                layout.removeRow(0)
        enabled = number is not None
        for w in (self.approve_button, self.hold_button, self.reject_button, self.cancel_button, self.fix_button):
            w.setEnabled(enabled)
        if number is None:
            self.case = None
            self.header.setText(self.tr("No order is waiting for review."))
            for edit in self.address_fields.values():
                edit.clear()
            return
        case = review.desk_case(self.env.ctx.sessions, number, ui_language())
        self.case = case
        o = case.order
        self.header.setText(self.tr("Order %1 — %2, %3 priority").replace("%1", o.number).replace(
            "%2", status_name(o.status)).replace("%3", priority_name(o.priority)))
        open_flags = [f for f in case.flags if not f.resolved]
        if not open_flags:
            self.flags_layout.addWidget(QLabel(self.tr("No open flags.")))
        for flag in open_flags:
            label = QLabel(f"<b>{escaped(flag_title(flag.code))}</b><br>{escaped(reason_text(flag.message, ui_language()))}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.RichText)
            self.flags_layout.addWidget(label)
        c = case.customer
        if c is None:
            self.customer_layout.addRow(QLabel(self.tr("Guest order: no customer record.")))
        else:
            self.customer_layout.addRow(self.tr("Customer"), _value(f"{c.name}\n{_breakable(c.email)}"))
            self.customer_layout.addRow(self.tr("Credit standing"), _value(standing_name(c.standing) + (f" ({c.blocked_reason})" if c.blocked_reason else "")))
            self.customer_layout.addRow(self.tr("Orders"), QLabel(str(c.orders_count)))
            self.customer_layout.addRow(self.tr("Spent"), QLabel(money(c.spent_cents, o.currency)))
            self.customer_layout.addRow(self.tr("Returns"), QLabel(str(c.returns_count)))
            self.customer_layout.addRow(self.tr("Chargebacks"), QLabel(str(c.chargebacks_count)))
            self.customer_layout.addRow(self.tr("Points balance"), QLabel(str(c.points_balance)))
            recent = ", ".join(f"{n} ({status_name(s)})" for n, s, _ in c.recent[:5]) or self.tr("none")
            recent_label = plain_label(recent, wrap=True)
            self.customer_layout.addRow(self.tr("Recent orders"), recent_label)
        p = self.payment_layout
        p.addRow(self.tr("Goods"), QLabel(money(o.goods_cents, o.currency)))
        p.addRow(plain_label(self.tr("Coupon %1").replace("%1", o.coupon_code or "—")),
                 QLabel(money(-o.coupon_cents, o.currency)))
        p.addRow(self.tr("Points (%1 used)").replace("%1", str(o.points_used)), QLabel(money(-o.points_cents, o.currency)))
        p.addRow(self.tr("Shipping"), QLabel(money(o.shipping_cents, o.currency)))
        due = QLabel(f"<b>{escaped(money(o.due_cents, o.currency))}</b>")
        due.setTextFormat(Qt.RichText)
        p.addRow(self.tr("Due"), due)
        paid = QLabel(money(o.paid_cents, o.currency))
        if o.paid_cents != o.due_cents:
            paid.setStyleSheet("color: #c62828; font-weight: bold;")
        p.addRow(self.tr("Paid"), paid)
        p.addRow(self.tr("Payment"), _value(f"{payment_name(o.payment_status)} {o.payment_reference}"))
        for field, edit in self.address_fields.items():
            edit.setText(getattr(o, field) or "")
        for sku, name, qty, price in case.lines:
            self.lines_layout.addWidget(_value(f"{qty} × {sku}  {name}  {money(price, o.currency)}"))
        for e in case.events[-12:]:
            who = actor_name(e.station, e.user)
            reason = e.data.get("reason") if isinstance(e.data, dict) else None
            text = f"{e.at.astimezone().strftime('%m-%d %H:%M')}  {event_name(e.kind)}  {who}"
            if reason:
                text += f" — {operator_text(str(reason), ui_language())}"
            self.timeline_layout.addWidget(_value(text))

    # --- actions -----------------------------------------------------------------------------------
    def act(self, action: str) -> bool:
        if self.case is None:
            return False
        number, version = self.case.order.number, self.case.order.version
        reason = self.reason.text().strip()
        actor, sessions = self.env.actor, self.env.ctx.sessions
        if action != "approve" and not reason:
            self.env.feedback.bad(self.tr("Give a reason first."))
            self.reason.setFocus()
            return False
        calls = {
            "approve": (lambda: review.approve(sessions, number, actor, note=reason, expected_version=version),
                        self.tr("Order %1 approved.")),
            "hold": (lambda: review.hold(sessions, number, reason, actor, expected_version=version),
                     self.tr("Order %1 is on hold.")),
            "reject": (lambda: review.reject(sessions, number, reason, actor, expected_version=version),
                       self.tr("Order %1 rejected.")),
            "cancel": (lambda: review.cancel(sessions, number, reason, actor, expected_version=version),
                       self.tr("Order %1 cancelled.")),
        }
        call, message = calls[action]
        ok, _ = run_action(self.env.feedback, call, message.replace("%1", number))
        if ok:
            self.reason.clear()
        self.reload()
        return ok

    def fix_address(self) -> bool:
        if self.case is None:
            return False
        o = self.case.order
        changes = {f: e.text().strip() for f, e in self.address_fields.items() if e.text().strip() != (getattr(o, f) or "")}
        ok, still = run_action(self.env.feedback, lambda: review.fix_address(
            self.env.ctx.sessions, o.number, changes, self.env.actor, expected_version=o.version))
        if ok:
            if still:
                self.env.feedback.bad(self.tr("Address saved, but it still looks wrong: %1").replace(
                    "%1", "; ".join(reason_text(f.message, ui_language()) for f in still)))
            else:
                self.env.feedback.good(self.tr("Address fixed."))
        self.reload()
        return ok

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("order", "*"):
            self._debounce.start()


def _value(text: str) -> QLabel:
    """A value that wraps instead of widening the details past the screen (a long e-mail, a product name)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.PlainText)
    return label


def _breakable(address: str) -> str:
    """An e-mail address that may wrap after its dots and its @ (a zero-width space there), not run past the edge."""
    return address.replace("@", "@\u200b").replace(".", ".\u200b")


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().hide()
            item.widget().deleteLater()
