"""Service cases (issue 11): what customers wrote from the tracking page, by order. A case is read, answered
(the answer goes on the order's timeline and into the e-mail outbox, which the notifier sends from) and closed.
Messages are shown as plain text: markup a customer typed is never interpreted.

Nothing here says "sent" of an e-mail still in the outbox: a reply is *queued*; each reply in the thread says
what became of its e-mail (queued, queued while the mail server is unreachable, e-mailed at, not e-mailed and
why); and while the mail server could not be reached at the outbox's last attempt, a banner says so, until the
notices go."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.aftersales import cases
from app.errors import database_failure
from app.notify import outbox
from app.ui.common import run_action
from app.ui.feedback import colour
from app.ui.plain import plain

# How often the screen looks whether the mail server is reachable again (or no longer).
MAIL_CHECK_MS = 5000

STATUS_NAMES = {
    "open": QT_TRANSLATE_NOOP("ServiceCasesScreen", "open"),
    "answered": QT_TRANSLATE_NOOP("ServiceCasesScreen", "answered"),
    "closed": QT_TRANSLATE_NOOP("ServiceCasesScreen", "closed"),
}


class ServiceCasesScreen(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.rows: list[cases.CaseRow] = []
        self.current: int | None = None

        self.show_closed = QCheckBox(self.tr("Show closed cases"))
        self.show_closed.toggled.connect(self.refresh)
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.show_closed)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        self.mail_banner = QLabel()  # the mail server is away: replies wait in the outbox
        self.mail_banner.setObjectName("banner")
        self.mail_banner.setWordWrap(True)
        plain(self.mail_banner)
        self.mail_banner.setStyleSheet(f"background: {colour('bad')};")
        self.mail_banner.hide()

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Case"), self.tr("Order"), self.tr("Status"),
                                              self.tr("Updated (UTC)"), self.tr("Messages"), self.tr("Last message")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)

        self.title = QLabel(self.tr("Choose a case to read its messages"))
        self.title.setObjectName("title")
        self.title.setTextFormat(Qt.PlainText)
        self.thread = QPlainTextEdit()  # plain text: a customer's markup stays text
        self.thread.setReadOnly(True)
        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText(self.tr("Your answer (sent to the customer by e-mail)"))
        self.answer.setMaximumHeight(120)
        self.send_button = QPushButton(self.tr("Send &answer"))
        self.send_button.clicked.connect(self.send_answer)
        self.close_button = QPushButton(self.tr("&Close case"))
        self.close_button.clicked.connect(self.close_case)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.send_button)

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.title)
        right.addWidget(self.thread, 1)
        right.addWidget(self.answer)
        right.addLayout(buttons)

        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        layout = QVBoxLayout(self)
        layout.addWidget(self.mail_banner)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._enable(False)
        # The outbox tells no other station when a send fails: the screen looks every few seconds (one small read).
        self._mail_clock = QTimer(self, interval=MAIL_CHECK_MS)
        self._mail_clock.timeout.connect(self.check_mail)
        self._mail_clock.start()
        self.refresh()

    def _enable(self, on: bool) -> None:
        for widget in (self.answer, self.send_button, self.close_button):
            widget.setEnabled(on)

    def refresh(self) -> None:
        ok, rows = run_action(self.env.feedback, lambda: cases.case_list(self.env.ctx.sessions, self.show_closed.isChecked()))
        if not ok:
            return
        self.check_mail()
        keep = self.current
        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [row.number, row.order_number, QCoreApplication.translate("ServiceCasesScreen", STATUS_NAMES.get(row.status, row.status)),
                      row.updated_at.strftime("%Y-%m-%d %H:%M"), str(row.messages), row.last_text]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.blockSignals(False)
        if keep is not None and any(row.id == keep for row in rows):
            self.table.selectRow(next(i for i, row in enumerate(rows) if row.id == keep))
            self._show(keep)
        elif keep is not None:
            self.current = None
            self.thread.clear()
            self._enable(False)

    def _selected(self) -> None:
        picked = self.table.selectionModel().selectedRows()
        if picked:
            self._show(self.rows[picked[0].row()].id)

    def _show(self, case_id: int) -> None:
        row = next((r for r in self.rows if r.id == case_id), None)
        if row is None:
            return
        self.current = case_id

        ok, loaded = run_action(self.env.feedback, lambda: cases.thread(self.env.ctx.sessions, case_id))
        if not ok:
            return
        found, sent = loaded
        self.title.setText(self.tr("Case %1 · order %2").replace("%1", row.number).replace("%2", row.order_number))
        parts = []
        for message_id, at, author, user, body in ((m.id, m.created_at, m.author, m.user, m.body) for m in found):
            who = self.tr("Service") + (f" ({user})" if user else "") if author == "staff" else self.tr("Customer")
            if message_id in sent:
                who += " · " + self.delivery_text(sent[message_id])
            parts.append(f"{at:%Y-%m-%d %H:%M} UTC · {who}\n{body}\n")
        self.thread.setPlainText("\n".join(parts))
        self._enable(row.status != "closed")

    def send_answer(self) -> None:
        if self.current is None:
            return
        text, case_id = self.answer.toPlainText(), self.current

        ok, outcome = run_action(self.env.feedback, lambda: cases.answer(self.env.ctx.sessions, case_id, text, self.env.actor,
                                                                          self.env.ctx.settings))
        if ok:
            delivery, trouble = outcome
            if delivery.state == cases.NO_ADDRESS:
                self.env.feedback.info(self.tr("Reply saved on the case: the customer left no e-mail address, so no "
                                               "e-mail goes."))
            elif trouble is not None:
                self.env.feedback.bad(self.tr("Reply queued, mail server unreachable: it goes by e-mail when the server "
                                              "answers again."))
            else:
                self.env.feedback.good(self.tr("Reply queued: it goes to the customer by e-mail."))
            self.answer.clear()
            self.refresh()

    def close_case(self) -> None:
        if self.current is None:
            return
        case_id = self.current

        ok, _ = run_action(self.env.feedback, lambda: cases.close_case(self.env.ctx.sessions, case_id, self.env.actor),
                           self.tr("Case closed"))
        if ok:
            self.refresh()

    def delivery_text(self, delivery: cases.ReplyDelivery) -> str:
        """What became of a reply's e-mail, as the thread says it."""
        if delivery.state == cases.SENT:
            return self.tr("e-mailed %1 UTC").replace("%1", f"{delivery.at:%Y-%m-%d %H:%M}" if delivery.at else "")
        if delivery.state == cases.UNREACHABLE:
            return self.tr("reply queued, mail server unreachable")
        if delivery.state == cases.FAILED:
            return self.tr("not e-mailed: %1").replace("%1", delivery.error)
        if delivery.state == cases.NO_ADDRESS:
            return self.tr("no e-mail address: not e-mailed")
        return self.tr("reply queued")

    def check_mail(self) -> None:
        """Show the banner while the mail server could not be reached at the outbox's last attempt; hide it when
        the notices go again. Shown on the thread too: the open case is read again when the state changes."""
        try:
            trouble = outbox.mail_trouble_now(self.env.ctx.sessions)
        except Exception as exc:
            if database_failure(exc) is None:
                raise
            return  # the database being away is the status bar's to tell
        was = not self.mail_banner.isHidden()
        if trouble is None:
            self.mail_banner.hide()
        else:
            since = f"{trouble.since:%Y-%m-%d %H:%M} UTC" if trouble.since else "—"
            self.mail_banner.setText(self.tr("Mail server unreachable since %1: %n e-mail(s) wait in the outbox and go "
                                             "when it answers again.", "", trouble.waiting).replace("%1", since))
            self.mail_banner.show()
        if was != (trouble is not None) and self.current is not None:
            self._show(self.current)

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("order", "*"):
            self.refresh()
