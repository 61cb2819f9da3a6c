"""Service cases (issue 11): what customers wrote from the tracking page, by order. A case is read, answered
(the answer goes to the customer by e-mail and on the order's timeline) and closed. Messages are shown as
plain text: markup a customer typed is never interpreted."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
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

from app.ui.common import run_action
from app.web import cases

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
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._enable(False)
        self.refresh()

    def _enable(self, on: bool) -> None:
        for widget in (self.answer, self.send_button, self.close_button):
            widget.setEnabled(on)

    def refresh(self) -> None:
        def load():
            with self.env.ctx.sessions() as session:
                return cases.open_cases(session, include_closed=self.show_closed.isChecked())

        ok, rows = run_action(self.env.feedback, load)
        if not ok:
            return
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

        def load():
            with self.env.ctx.sessions() as session:
                return [(m.created_at, m.author, m.user, m.body) for m in cases.messages(session, case_id)]

        ok, found = run_action(self.env.feedback, load)
        if not ok:
            return
        self.title.setText(self.tr("Case %1 · order %2").replace("%1", row.number).replace("%2", row.order_number))
        parts = []
        for at, author, user, body in found:
            who = self.tr("Service") + (f" ({user})" if user else "") if author == "staff" else self.tr("Customer")
            parts.append(f"{at:%Y-%m-%d %H:%M} UTC · {who}\n{body}\n")
        self.thread.setPlainText("\n".join(parts))
        self._enable(row.status != "closed")

    def send_answer(self) -> None:
        if self.current is None:
            return
        text, case_id = self.answer.toPlainText(), self.current

        def write():
            with self.env.ctx.sessions() as session:
                cases.reply(session, case_id, text, self.env.actor, self.env.ctx.settings)
                session.commit()

        ok, _ = run_action(self.env.feedback, write, self.tr("Answer sent to the customer"))
        if ok:
            self.answer.clear()
            self.refresh()

    def close_case(self) -> None:
        if self.current is None:
            return
        case_id = self.current

        def write():
            with self.env.ctx.sessions() as session:
                cases.close(session, case_id, self.env.actor)
                session.commit()

        ok, _ = run_action(self.env.feedback, write, self.tr("Case closed"))
        if ok:
            self.refresh()

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("order", "*"):
            self.refresh()
