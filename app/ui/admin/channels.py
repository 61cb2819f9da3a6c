"""Administration › Channels (issue 20): the shops the warehouse serves. Each channel with its address, whether it
is pulled and when it last was (or what went wrong), when its shop is told an order shipped, whether its stock is
sent and when it last was, whether its credentials are given (or which are missing and where to give them: they
are never typed here), and what waits in its outbox. Add or change a channel in a dialog; "Pull now" and "Send
now" ask the shops on a worker thread (a shop may take seconds; the screen never waits for it) and say in words
what came of it. Below, the outbox: what waits to be told to the shops and what failed, with the shop's own words
(plain text: a shop's message is never markup), and "Send again" for the failed ones chosen.

Everything goes through :mod:`app.channels.service` with the logged-in user as the actor; the services check
the roles (adding and changing a channel: admin; pulling and sending: supervisor)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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

from app.admin import queries as admin_queries
from app.channels import queries, service
from app.domain.error_texts import operator_text
from app.errors import DB_UNAVAILABLE, StationError, database_failure
from app.ui.admin.table import RecordTable
from app.ui.common import compact_combo, run_action
from app.ui.feedback import BAD_COLOUR
from app.ui.plain import plain_label, plain_tip
from app.ui.texts import ui_language

log = logging.getLogger(__name__)

# Brand names: the same in every language.
KIND_TITLES = {"shopify": "Shopify", "woocommerce": "WooCommerce"}
WRITE_BACK_TITLES = {
    "labelled": QT_TRANSLATE_NOOP("ChannelsSection", "when labelled"),
    "closeout": QT_TRANSLATE_NOOP("ChannelsSection", "at close-out"),
    "never": QT_TRANSLATE_NOOP("ChannelsSection", "never"),
}
STATE_TITLES = {
    "pending": QT_TRANSLATE_NOOP("ChannelsSection", "waiting"),
    "sending": QT_TRANSLATE_NOOP("ChannelsSection", "sending"),
    "sent": QT_TRANSLATE_NOOP("ChannelsSection", "sent"),
    "failed": QT_TRANSLATE_NOOP("ChannelsSection", "failed"),
}
CREDENTIAL_TITLES = {
    "token": QT_TRANSLATE_NOOP("ChannelsSection", "access token"),
    "key": QT_TRANSLATE_NOOP("ChannelsSection", "consumer key"),
    "secret": QT_TRANSLATE_NOOP("ChannelsSection", "consumer secret"),
}
OUTBOX_LIMIT = 200
FAILED = QColor(BAD_COLOUR)


def _t(text: object) -> str:
    return QCoreApplication.translate("ChannelsSection", str(text))


def _when(iso: str | None) -> str:
    """An ISO time from the database as this station's local date and minute (the year left out when it is this
    year's, so the lists keep their room)."""
    if not iso:
        return ""
    try:
        local = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return local.strftime("%m-%d %H:%M" if local.year == datetime.now().year else "%Y-%m-%d %H:%M")


def _host(url: str) -> str:
    return (urlsplit(url.strip()).netloc or "").lower()


class _Done(QObject):
    """A shop's answer coming back from the worker thread: (what was asked, its result or None, the refusal)."""

    finished = Signal(str, object, str)


class ChannelsSection(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self._done = _Done(self)
        self._done.finished.connect(self._finished)
        self._threads: list[threading.Thread] = []
        self.running: set[str] = set()  # "pull", "push": asked and not back yet

        # The channels.
        self.table = RecordTable([self.tr("Channel"), self.tr("Kind"), self.tr("Address"), self.tr("Active"),
                                  self.tr("Pull orders"), self.tr("Tell the shop"), self.tr("Stock sync"),
                                  self.tr("Credentials"), self.tr("Outbox")], stretch=2)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.cellDoubleClicked.connect(lambda _row, _col: self.open_editor(self.chosen))
        self.new_button = QPushButton(self.tr("New channel…"))
        self.new_button.clicked.connect(lambda: self.open_editor(None))
        self.change_button = QPushButton(self.tr("Change…"))
        self.change_button.clicked.connect(lambda: self.open_editor(self.chosen))
        self.change_button.setEnabled(False)
        self.pull_button = QPushButton(self.tr("Pull now"))
        self.pull_button.setToolTip(self.tr("Fetch the chosen shop's new and changed orders now"))
        self.pull_button.clicked.connect(lambda: self.pull_now())
        self.pull_button.setEnabled(False)
        self.push_button = QPushButton(self.tr("Send now"))
        self.push_button.setToolTip(self.tr("Send what waits in the outbox and the stock levels to every shop now"))
        self.push_button.clicked.connect(lambda: self.send_now())
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        self.status = plain_label(wrap=True)  # what the last pull or send came to (a shop's words: plain text)
        self.detail = plain_label(wrap=True)  # the chosen channel: credentials, last pull and stock push in full

        # What the shops are told.
        self.show_sent = QCheckBox(self.tr("Show sent ones too"))
        self.show_sent.toggled.connect(lambda _on: self.reload_outbox())
        self.retry_button = QPushButton(self.tr("Send again"))
        self.retry_button.setToolTip(self.tr("After mending what the shop said: send the chosen failed messages "
                                             "again"))
        self.retry_button.clicked.connect(lambda: self.send_again())
        self.outbox = RecordTable([self.tr("Channel"), self.tr("Order"), self.tr("State"), self.tr("Tries"),
                                   self.tr("HTTP"), self.tr("Queued"), self.tr("What the shop said")], stretch=6)
        self.outbox.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.outbox.itemSelectionChanged.connect(self._message_selected)
        self.words = plain_label(wrap=True)  # the chosen message's words in full
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.dialog = self._editor_dialog()

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.change_button, self.pull_button, self.push_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.detail)
        box = QGroupBox(self.tr("Outbox: what the shops are told"))
        box_layout = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(self.show_sent)
        row.addStretch(1)
        row.addWidget(self.retry_button)
        box_layout.addLayout(row)
        box_layout.addWidget(self.outbox, 1)
        box_layout.addWidget(self.words)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(top)
        split.addWidget(box)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)

        self.rows: list[service.ChannelRow] = []
        self.messages: list[service.OutboxRow] = []
        self.chosen: str | None = None
        self.editing: str | None = None
        self.reload()

    # --- the editor ----------------------------------------------------------------------------------------
    def _editor_dialog(self) -> QDialog:
        """A channel's fields, asked in a dialog: the lists keep the screen's room."""
        dialog = QDialog(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText("acme-shop")
        self.name.setMaxLength(40)
        self.kind = QComboBox()
        for kind, title in KIND_TITLES.items():
            self.kind.addItem(title, kind)
        self.kind.currentIndexChanged.connect(lambda _index: self._kind_chosen())
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://acme.myshopify.com")
        self.active = QCheckBox(self.tr("pull its orders and tell its shop"))
        self.pull = QCheckBox(self.tr("pull from the shop"))
        self.pull.setToolTip(self.tr("Off: the shop sends its orders to this station's web address (webhooks)"))
        self.pull_every = QSpinBox()
        self.pull_every.setRange(5, 86_400)
        self.pull_every.setValue(60)
        self.pull_every.setSuffix(self.tr(" s"))
        self.pull.toggled.connect(self.pull_every.setEnabled)
        self.write_back = QComboBox()
        for code, when in WRITE_BACK_TITLES.items():
            self.write_back.addItem(_t(when), code)
        self.push_stock = QCheckBox(self.tr("send stock levels to the shop"))
        self.warehouse = compact_combo(QComboBox())
        self.currency = QLineEdit()
        self.currency.setMaxLength(3)
        self.currency.setPlaceholderText("EUR")
        self.currency.setMaximumWidth(80)
        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("the shop's first location"))
        from app.channels.shopify import API_VERSION

        self.api_version = QLineEdit()
        self.api_version.setPlaceholderText(API_VERSION)
        self.problem = plain_label(wrap=True)
        self.problem.setStyleSheet(f"color: {BAD_COLOUR};")

        form = QFormLayout(dialog)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Shop address"), self.url)
        self.active_label = QLabel(self.tr("In use"))
        form.addRow(self.active_label, self.active)
        pull_row = QHBoxLayout()
        pull_row.addWidget(self.pull)
        pull_row.addWidget(QLabel(self.tr("every")))
        pull_row.addWidget(self.pull_every)
        pull_row.addStretch(1)
        form.addRow(self.tr("Orders"), pull_row)
        form.addRow(self.tr("Tell the shop it shipped"), self.write_back)
        form.addRow(self.tr("Stock"), self.push_stock)
        form.addRow(self.tr("Stock of warehouse"), self.warehouse)
        form.addRow(self.tr("Currency if an order names none"), self.currency)
        form.addRow(self.tr("Shopify location"), self.location)
        form.addRow(self.tr("Shopify API version"), self.api_version)
        note = QLabel(self.tr("Credentials are never typed here: give them in the station's config file or its "
                              "environment. The list says which are missing and where they go."))
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.save_button = buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._save_from_dialog)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        return dialog

    def _kind_chosen(self) -> None:
        shopify = self.kind.currentData() == "shopify"
        self.location.setEnabled(shopify)
        self.api_version.setEnabled(shopify)
        self.url.setPlaceholderText("https://acme.myshopify.com" if shopify else "https://shop.example.com")

    def _fill_warehouses(self, current: str) -> None:
        ok, warehouses = run_action(self.env.feedback, lambda: admin_queries.warehouses(self.env.ctx.sessions))
        self.warehouse.clear()
        self.warehouse.addItem(self.tr("Every warehouse"), "")
        chinese = ui_language().startswith("zh")
        for w in warehouses if ok else []:
            self.warehouse.addItem(f"{w.code} — {w.name_zh if chinese and w.name_zh else w.name}", w.code)
        if current and self.warehouse.findData(current) < 0:
            self.warehouse.addItem(current, current)  # a warehouse since gone: still what the channel says
        self.warehouse.setCurrentIndex(max(0, self.warehouse.findData(current)))

    def open_editor(self, name: str | None) -> bool:
        """The dialog for a new channel (``name`` None) or for changing ``name``; False when it cannot open."""
        settings = None
        if name is not None:
            ok, settings = run_action(self.env.feedback, lambda: queries.channel_settings(self.env.ctx.sessions, name))
            if not ok or settings is None:
                return False
        self.fill_editor(settings)
        self.dialog.resize(self.dialog.sizeHint())  # whole: not the two thirds of the screen adjustSize allows
        self.dialog.open()
        return True

    def fill_editor(self, current: queries.ChannelSettings | None) -> None:
        """The form for ``current``, or empty with a new channel's defaults."""
        self.editing = current.name if current else None
        self.problem.clear()
        self.problem.setVisible(False)
        self.dialog.setWindowTitle(self.tr("Channel %1").replace("%1", current.name) if current
                                   else self.tr("New channel"))
        self.name.setText(current.name if current else "")
        self.name.setEnabled(current is None)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current.kind if current else "shopify")))
        self.kind.setEnabled(current is None)  # a channel's kind is what it is: a new name for another shop
        self._kind_chosen()
        self.url.setText(current.url if current else "")
        self.active.setChecked(current.active if current else True)
        self.active.setVisible(current is not None)
        self.active_label.setVisible(current is not None)
        self.pull.setChecked(current.pull if current else True)
        self.pull_every.setValue(current.pull_every_s if current else 60)
        self.pull_every.setEnabled(self.pull.isChecked())
        self.write_back.setCurrentIndex(max(0, self.write_back.findData(current.write_back if current else "labelled")))
        self.push_stock.setChecked(current.push_stock if current else True)
        self._fill_warehouses(current.warehouse if current else "")
        self.currency.setText(current.currency if current else "")
        self.location.setText(current.location if current else "")
        self.api_version.setText(current.api_version if current else "")
        (self.url if current else self.name).setFocus()

    def _save_from_dialog(self) -> None:
        if self.save():
            self.dialog.accept()
        elif self.env.feedback.history:
            self.problem.setText(self.env.feedback.history[-1][1])
            self.problem.setVisible(True)
            self.dialog.resize(self.dialog.width(), self.dialog.sizeHint().height())

    def _options(self) -> dict[str, str]:
        if self.kind.currentData() != "shopify":
            return {}
        return {"location": self.location.text().strip(), "api_version": self.api_version.text().strip()}

    def save(self) -> bool:
        """Add the channel in the form, or save the changes to the one being changed."""
        sessions, actor = self.env.ctx.sessions, self.env.actor
        url = self.url.text().strip()
        fields: dict[str, Any] = {
            "pull": self.pull.isChecked(), "write_back": self.write_back.currentData(),
            "push_stock": self.push_stock.isChecked(), "warehouse": (self.warehouse.currentData() or "").upper(),
            "currency": self.currency.text().strip().upper()}
        options = self._options()
        if self.editing is None:
            name = self.name.text().strip()
            every = self.pull_every.value()

            def add() -> None:
                service.add_channel(sessions, actor, name, self.kind.currentData(), url,
                                    options={k: v for k, v in options.items() if v}, **fields)
                if every != 60:
                    service.set_channel(sessions, actor, name, pull_every_s=every)

            ok, _ = run_action(self.env.feedback, add, self.tr("Channel %1 added.").replace("%1", name))
        else:
            name = self.editing

            def change() -> None:
                before = queries.channel_settings(sessions, name)
                changes: dict[str, Any] = dict(fields, url=url, active=self.active.isChecked(),
                                               pull_every_s=self.pull_every.value())
                # The webhooks' domain follows a new address, unless it was set to something else on purpose.
                if before is not None and before.domain == _host(before.url) and _host(url) != before.domain:
                    changes["domain"] = _host(url)
                if options:
                    changes["options"] = options
                service.set_channel(sessions, actor, name, **changes)

            ok, _ = run_action(self.env.feedback, change, self.tr("Channel %1 saved.").replace("%1", name))
        if ok:
            self.chosen = name
            self.reload()
        return ok

    # --- the list ------------------------------------------------------------------------------------------
    def reload(self) -> None:
        ok, rows = run_action(self.env.feedback,
                              lambda: service.channel_rows(self.env.ctx.sessions, self.env.ctx.settings))
        if ok:
            self.rows = rows
            self.table.clearSelection()
            self.table.fill(self._cells(row) for row in rows)
            for r, row in enumerate(rows):
                address = self.table.item(r, 2)
                if address is not None:
                    address.setToolTip(plain_tip(row.url))
                for c, error in ((4, row.pull_error), (6, row.stock_error)):
                    if error:
                        self._mark_failed(self.table, r, c, error)
                if row.credentials != "given":
                    self._mark_failed(self.table, r, 7, self._credentials_detail(row))
                if row.outbox.get("failed"):
                    self._mark_failed(self.table, r, 8, "")
            if self.chosen and not self.table.choose_first(lambda i: self.rows[i].name == self.chosen):
                self.chosen = None
            if self.chosen is None:
                self._show_detail(None)
        self.reload_outbox()

    @staticmethod
    def _mark_failed(table: RecordTable, row: int, column: int, tip: str) -> None:
        item = table.item(row, column)
        if item is not None:
            item.setForeground(QBrush(FAILED))
            if tip:
                item.setToolTip(plain_tip(tip))

    def _cells(self, row: service.ChannelRow) -> tuple[str, ...]:
        yes, no = self.tr("yes"), self.tr("no")
        if not row.pull:
            pulled = self.tr("off (webhooks)")
        elif row.pull_error:
            pulled = self.tr("failed")
        elif row.pulled_at:
            pulled = _when(row.pulled_at)
        else:
            pulled = self.tr("not yet")
        if not row.push_stock:
            stock = self.tr("off")
        elif row.stock_error:
            stock = self.tr("failed")
        elif row.stock_pushed_at:
            stock = _when(row.stock_pushed_at)
        else:
            stock = self.tr("not yet")
        # https is the rule and goes without saying (the list keeps its room); a plain http address shows whole.
        address = row.url.removeprefix("https://")
        return (row.name, KIND_TITLES.get(row.kind, row.kind), address, yes if row.active else no, pulled,
                _t(WRITE_BACK_TITLES.get(row.write_back, row.write_back)), stock, self._credentials_cell(row),
                self._outbox_cell(row.outbox))

    def _missing(self, row: service.ChannelRow) -> list[queries.MissingCredential]:
        return queries.missing_credentials(self.env.ctx.settings, row.name, row.kind)

    def _credentials_cell(self, row: service.ChannelRow) -> str:
        missing = self._missing(row)
        if not missing:
            return self.tr("given")
        return self.tr("missing: %1").replace("%1", self.tr(", ").join(
            _t(CREDENTIAL_TITLES.get(m.field, m.field)) for m in missing))

    def _credentials_detail(self, row: service.ChannelRow) -> str:
        missing = self._missing(row)
        if not missing:
            return self.tr("Credentials: given (in the config file or the environment).")
        wanted = [self.tr("%1: set the environment variable %2, or %3 in the config file").replace(
            "%1", _t(CREDENTIAL_TITLES.get(m.field, m.field))).replace("%2", m.env).replace("%3", m.config_key)
            for m in missing]
        return self.tr("Credentials missing. %1. Nothing can be asked of this shop until then.").replace(
            "%1", self.tr("; ").join(wanted))

    def _outbox_cell(self, counts: dict[str, int]) -> str:
        waiting = counts.get("pending", 0) + counts.get("sending", 0)
        parts = [(waiting, self.tr("%1 waiting")), (counts.get("failed", 0), self.tr("%1 failed")),
                 (counts.get("sent", 0), self.tr("%1 sent"))]
        return self.tr(", ").join(text.replace("%1", str(n)) for n, text in parts if n) or self.tr("empty")

    def choose(self, name: str) -> bool:
        return self.table.choose_first(lambda r: self.rows[r].name == name)

    def _selected(self) -> None:
        r = self.table.chosen_row()
        row = self.rows[r] if r is not None and r < len(self.rows) else None
        if row is not None:
            self.chosen = row.name
        self.change_button.setEnabled(row is not None)
        self.pull_button.setEnabled(row is not None and "pull" not in self.running)
        self._show_detail(row)

    def _show_detail(self, row: service.ChannelRow | None) -> None:
        if row is None:
            self.detail.setText(self.tr("Choose a channel to see its credentials and its last pull and stock sync."))
            return
        lines = [self._credentials_detail(row)]
        if row.pull_error:
            lines.append(self.tr("Last pull failed: %1").replace("%1", operator_text(row.pull_error, ui_language())))
        if row.stock_error:
            lines.append(self.tr("Last stock sync failed: %1").replace(
                "%1", operator_text(row.stock_error, ui_language())))
        self.detail.setText("\n".join(lines))

    # --- the outbox ----------------------------------------------------------------------------------------
    def reload_outbox(self) -> None:
        states = ("pending", "sending", "failed", "sent") if self.show_sent.isChecked() else \
            ("pending", "sending", "failed")
        ok, rows = run_action(self.env.feedback,
                              lambda: service.outbox_rows(self.env.ctx.sessions, states, OUTBOX_LIMIT))
        if not ok:
            return
        self.messages = rows
        self.outbox.clearSelection()
        self.outbox.fill((m.channel, m.order or "-", _t(STATE_TITLES.get(m.state, m.state)), str(m.attempts),
                          str(m.http_status) if m.http_status else "", _when(m.created_at), m.last_error)
                         for m in rows)
        for r, m in enumerate(rows):
            item = self.outbox.item(r, 6)
            if item is not None and m.last_error:
                item.setToolTip(plain_tip(m.last_error))
            if m.state == "failed":
                for c in (2, 6):
                    self._mark_failed(self.outbox, r, c, "")
        self.words.setText(self.tr("Nothing waits for the shops.") if not rows else
                           self.tr("Choose a message to read what the shop said in full."))
        self.retry_button.setEnabled(any(m.state == "failed" for m in rows))

    def chosen_messages(self) -> list[service.OutboxRow]:
        return [self.messages[i.row()] for i in self.outbox.selectionModel().selectedRows()
                if i.row() < len(self.messages)]

    def _message_selected(self) -> None:
        chosen = self.chosen_messages()
        if not chosen:
            return
        m = chosen[0]
        said = m.last_error or self.tr("nothing")
        self.words.setText(self.tr("Order %1 (%2): the shop said: %3").replace("%1", m.order or "-")
                           .replace("%2", _t(STATE_TITLES.get(m.state, m.state))).replace("%3", said))

    def send_again(self) -> int:
        """The chosen failed messages go back to waiting: the next round (or Send now) sends them."""
        keys = [m.key for m in self.chosen_messages() if m.state == "failed"]
        if not keys:
            self.env.feedback.bad(self.tr("Choose the failed messages to send again first."))
            return 0
        ok, n = run_action(self.env.feedback, lambda: service.retry_failed(self.env.ctx.sessions, self.env.actor, keys))
        if not ok:
            return 0
        self.env.feedback.good(self.tr("%1 message(s) will be sent again with the next round; Send now sends them at "
                                       "once.").replace("%1", str(n)))
        self.reload()
        return int(n)

    # --- asking the shops (a worker thread) ----------------------------------------------------------------
    def pull_now(self) -> bool:
        """The chosen channel's new and changed orders, fetched on a worker thread; False when none is chosen."""
        name = self.chosen
        if name is None:
            self.env.feedback.bad(self.tr("Choose a channel first."))
            return False
        ctx, actor = self.env.ctx, self.env.actor
        self.pull_button.setEnabled(False)
        self.status.setText(self.tr("Asking %1 for its orders…").replace("%1", name))
        self._start("pull", lambda: service.pull(ctx.sessions, ctx.settings, name, actor))
        return True

    def send_now(self) -> bool:
        """What waits in the outbox, then the stock levels, sent to every shop on a worker thread."""
        ctx, actor = self.env.ctx, self.env.actor
        self.push_button.setEnabled(False)
        self.status.setText(self.tr("Sending to the shops…"))
        self._start("push", lambda: service.push(ctx.sessions, ctx.settings, actor))
        return True

    def _start(self, what: str, work: Callable[[], Any]) -> None:
        self.running.add(what)
        done = self._done

        def run() -> None:
            result, error = None, ""
            try:
                result = work()
            except StationError as exc:
                error = exc.message
            except Exception as exc:  # noqa: BLE001 - said in one line on screen, never a traceback
                failure = database_failure(exc)
                log.warning("channels: %s failed", what, exc_info=failure is None)
                error = "db-unavailable" if failure == DB_UNAVAILABLE else f"{type(exc).__name__}: {exc}"
            try:
                done.finished.emit(what, result, error)
            except RuntimeError:  # the screen was closed while the shop was asked: nobody left to tell
                log.debug("channels: %s outlived its screen", what)

        thread = threading.Thread(target=run, name=f"channels-{what}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _finished(self, what: str, result: Any, error: str) -> None:
        self.running.discard(what)
        if what == "pull":
            self.pull_button.setEnabled(self.chosen is not None)
        else:
            self.push_button.setEnabled(True)
        if error:
            text = QCoreApplication.translate("Common", "The database cannot be reached; try again in a moment.") \
                if error == "db-unavailable" else operator_text(error, ui_language())
            self.status.setText(text)
            self.env.feedback.bad(text)
        else:
            good, text = self._pulled_text(result) if what == "pull" else self._sent_text(result)
            self.status.setText(text)
            (self.env.feedback.good if good else self.env.feedback.bad)(text)
        self.reload()

    def _pulled_text(self, r: service.PullResult) -> tuple[bool, str]:
        if r.error:
            said = operator_text(r.error, ui_language())
            if r.waiting_until:
                said = self.tr("%1: the shop asked us to wait until %2").replace("%1", r.channel).replace(
                    "%2", _when(r.waiting_until))
                return False, said
            if r.pages:
                return False, self.tr("%1: %2 new orders, %3 known; then the shop said: %4").replace(
                    "%1", r.channel).replace("%2", str(r.imported)).replace("%3", str(r.duplicates)).replace("%4", said)
            return False, self.tr("%1: the shop said: %2").replace("%1", r.channel).replace("%2", said)
        text = self.tr("%1: %2 new orders, %3 known").replace("%1", r.channel).replace(
            "%2", str(r.imported)).replace("%3", str(r.duplicates))
        if r.updated:
            text += self.tr(", %1 changed by the shop").replace("%1", str(r.updated))
        if r.rejected:
            first = r.rejected[0]
            text += self.tr(", %1 could not be taken in (%2: %3)").replace("%1", str(len(r.rejected))).replace(
                "%2", str(first.get("record", ""))).replace("%3", operator_text(str(first.get("error", "")),
                                                                                 ui_language()))
        if not r.done:
            text += self.tr(" (more next time)")
        return not r.rejected, text

    def _sent_text(self, r: service.PushResult) -> tuple[bool, str]:
        text = self.tr("%1 shipment notice(s) sent, %2 to try again, %3 failed; stock of %4 product(s) sent").replace(
            "%1", str(r.sent + r.already)).replace("%2", str(r.retrying)).replace("%3", str(len(r.failed))).replace(
            "%4", str(r.stock_sent))
        problems = [operator_text(f.get("error", ""), ui_language()) for f in r.failed] + \
            [operator_text(e, ui_language()) for e in r.errors]
        if problems:
            text += self.tr(". The shop said: %1").replace("%1", problems[0])
        return not problems, text

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("*", "channels"):
            self.reload()

    def shutdown(self) -> None:
        for thread in self._threads:
            thread.join(timeout=5)
