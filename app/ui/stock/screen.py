"""Stock control: count a bin blind by scanning (the bin label opens the count, items and cases count, the label
again closes it), today's count plan of the station's warehouse, and for a supervisor the counts waiting for
approval and hand adjustments of stock with a reason. Thin over :class:`app.counting.session.CountingSession`,
:mod:`app.counting.service` / :mod:`app.counting.queries` and :func:`app.catalogue.stock.adjust`; scans come parsed
from the station's router."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.admin.auth import has_role
from app.catalogue import queries as catalogue
from app.catalogue.stock import ADJUST_REASONS, adjust
from app.counting import messages, queries, service
from app.counting.session import Answer, CountingSession
from app.orders.queries import station_warehouse, warehouses
from app.packing.classify import classify, from_event
from app.ui.admin.table import RecordTable
from app.ui.common import compact_combo, run_action
from app.ui.feedback import colour
from app.ui.texts import ui_language

VERDICT_KIND = {"ok": "good", "opened": "good", "closed": "good", "noted": "info", "ask_lot": "warn",
                "duplicate": "warn", "cancelled": "warn", "refused": "bad"}


def _label(text: str = "", name: str = "") -> QLabel:
    """A label of plain text (a bin code or a product's name is never markup), wrapping."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class StockScreen(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.supervisor = has_role(env.role, "supervisor")
        self.session = CountingSession(env.ctx.sessions, env.actor)
        self.plan_rows: list = []
        self.waiting_rows: list[queries.WaitingCount] = []
        self.places: list[catalogue.StockPlace] = []
        self._stale = False

        title = _label(self.tr("Stock control"), "title")
        title.setWordWrap(False)
        self.tabs = QTabWidget()
        self.count_page = self._count_page()
        self.plan_page = self._plan_page()
        self.tabs.addTab(self.count_page, self.tr("Count"))
        self.tabs.addTab(self.plan_page, self.tr("Today's plan"))
        self.approvals_page: QWidget | None = None
        self.adjust_page: QWidget | None = None
        if self.supervisor:  # a packer or the dock's staff never sees them
            self.approvals_page = self._approvals_page()
            self.adjust_page = self._adjust_page()
            self.tabs.addTab(self.approvals_page, self.tr("Approvals"))
            self.tabs.addTab(self.adjust_page, self.tr("Adjust"))
        self.tabs.currentChanged.connect(lambda _index: self._catch_up())
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        self._show_count(None)
        self.reload()
        ok, resumed = run_action(self.env.feedback, self.session.resume)  # a count left open here before a restart
        if ok and resumed is not None:
            self._answered(resumed)

    # --- the pages -----------------------------------------------------------------------------------------
    def _count_page(self) -> QWidget:
        page = QWidget()
        self.instruction = _label(name="title")
        self.current = _label(name="subtitle")
        self.message = _label()
        self.lines = RecordTable([self.tr("SKU"), self.tr("Name"), self.tr("Lot"), self.tr("Counted")], stretch=1)

        self.scan_field = QLineEdit()
        self.scan_field.setPlaceholderText(self.tr("Type a code as the scanner would"))
        self.scan_field.returnPressed.connect(self._typed)
        words = _label(self.tr("Words you may scan or type: qty N (the next scan counts N, qty -1 takes one back), "
                               "lot X, expiry YYYY-MM-DD, close, cancel. The bin label again closes the count."))
        self.close_button = QPushButton(self.tr("Close count"))
        self.close_button.setObjectName("primary")
        self.close_button.clicked.connect(self.close_count)
        self.cancel_button = QPushButton(self.tr("Cancel count"))
        self.cancel_button.clicked.connect(self.cancel_count)
        side = QVBoxLayout()
        side.addWidget(self.message)
        side.addWidget(self.scan_field)
        side.addWidget(words)
        side.addStretch(1)
        side.addWidget(self.close_button)
        side.addWidget(self.cancel_button)
        body = QHBoxLayout()
        body.addWidget(self.lines, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(page)
        layout.addWidget(self.instruction)
        layout.addWidget(self.current)
        layout.addLayout(body, 1)
        return page

    def _plan_page(self) -> QWidget:
        page = QWidget()
        self.warehouse = compact_combo(QComboBox(), 26)
        home = ""
        ok, found = run_action(self.env.feedback, lambda: (warehouses(self.env.ctx.sessions),
                                                           station_warehouse(self.env.ctx.sessions, self.env.station)))
        if ok:
            choices, home = found[0], found[1] or ""
            for choice in choices:
                self.warehouse.addItem(f"{choice.code} · {choice.display_name(ui_language())}", choice.code)
            at = self.warehouse.findData(home)
            if at >= 0:
                self.warehouse.setCurrentIndex(at)
        self.warehouse.currentIndexChanged.connect(lambda _index: self.reload_plan())
        reload_button = QPushButton(self.tr("Reload"))
        reload_button.clicked.connect(self.reload_plan)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Warehouse")))
        top.addWidget(self.warehouse)
        top.addWidget(reload_button)
        top.addStretch(1)
        self.plan = RecordTable([self.tr("Bin"), self.tr("Due"), self.tr("Days overdue"), self.tr("Fast mover")],
                                stretch=3)
        self.plan.doubleClicked.connect(lambda index: self.count_bin(self.plan_rows[index.row()].code))
        self.plan_note = _label(self.tr("Double-click a bin to count it."))
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.plan_note)
        layout.addWidget(self.plan, 1)
        return page

    def _approvals_page(self) -> QWidget:
        page = QWidget()
        self.waiting = RecordTable([self.tr("Count number"), self.tr("Bin"), self.tr("Warehouse"), self.tr("Station"),
                                    self.tr("Counted by"), self.tr("Closed"), self.tr("Differences"),
                                    self.tr("Need approval")], stretch=4)
        self.waiting.itemSelectionChanged.connect(self._chosen)
        self.variances = RecordTable([self.tr("SKU"), self.tr("Name"), self.tr("Lot"), self.tr("Books"),
                                      self.tr("Counted"), self.tr("Difference"), self.tr("Needs approval")], stretch=1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.waiting)
        split.addWidget(self.variances)
        self.decision_note = QLineEdit()
        self.decision_note.setPlaceholderText(self.tr("Note (optional)"))
        self.decision_note.setMaxLength(200)
        self.approve_button = QPushButton(self.tr("Approve"))
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.refuse_button = QPushButton(self.tr("Refuse: count again"))
        self.refuse_button.setObjectName("danger")
        self.refuse_button.clicked.connect(lambda: self.decide(False))
        self.decision = _label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.decision_note, 1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.refuse_button)
        layout = QVBoxLayout(page)
        layout.addWidget(split, 1)
        layout.addWidget(self.decision)
        layout.addLayout(buttons)
        self._chosen()
        return page

    def _adjust_page(self) -> QWidget:
        page = QWidget()
        form = QGroupBox(self.tr("Change the stock of a bin"))
        grid = QGridLayout(form)
        self.sku = QLineEdit()
        self.sku.setPlaceholderText(self.tr("SKU"))
        self.sku.editingFinished.connect(self.show_places)
        self.bin = QLineEdit()
        self.bin.setPlaceholderText(self.tr("scan the bin"))
        self.lot = QLineEdit()
        self.lot.setPlaceholderText(self.tr("only for a product kept by lot"))
        self.delta = QSpinBox()
        self.delta.setRange(-100_000, 100_000)
        self.reason = QComboBox()
        for code in ADJUST_REASONS:  # the words the refusals use too ("reason found adds stock...")
            self.reason.addItem(i18n.translation(code, ui_language(), "AdjustReason"), code)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("why (needed for the reason other)"))
        self.note.setMaxLength(200)
        apply_button = QPushButton(self.tr("Apply"))
        apply_button.setObjectName("primary")
        apply_button.clicked.connect(self.apply_adjustment)
        for row, (text, field) in enumerate(((self.tr("SKU"), self.sku), (self.tr("Bin"), self.bin),
                                             (self.tr("Lot"), self.lot), (self.tr("Change (minus takes away)"), self.delta),
                                             (self.tr("Reason"), self.reason), (self.tr("Note"), self.note))):
            grid.addWidget(_label(text), row, 0)
            grid.addWidget(field, row, 1)
        grid.addWidget(apply_button, 6, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.adjusted = _label()
        side = QVBoxLayout()
        side.addWidget(form)
        side.addWidget(self.adjusted)
        side.addStretch(1)
        self.places_table = RecordTable([self.tr("Warehouse"), self.tr("Bin"), self.tr("Lot"), self.tr("Expiry"),
                                         self.tr("On hand"), self.tr("Reserved")], stretch=1)
        self.places_table.doubleClicked.connect(lambda index: self._take_place(index.row()))
        where = QVBoxLayout()
        where.addWidget(_label(self.tr("Where it lies (double-click a row to change it)")))
        where.addWidget(self.places_table, 1)
        layout = QHBoxLayout(page)
        layout.addLayout(side, 2)
        layout.addLayout(where, 3)
        return page

    # --- counting ------------------------------------------------------------------------------------------
    def _say(self, label: QLabel, message: str, kind: str) -> None:
        """``message`` (a service's English) in the screen's language on ``label``, coloured, and heard."""
        text = messages.text(message, ui_language())
        label.setText(text)
        label.setStyleSheet(f"color: {colour(kind)}; font-size: 16pt; font-weight: bold")
        getattr(self.env.feedback, {"good": "good", "bad": "bad"}.get(kind, "info"))(text)

    def _show_count(self, state: service.CountState | None) -> None:
        """The count being counted: its bin and number and what was counted (blind: never what the books say)."""
        if self.session.number is None:
            self.instruction.setText(self.tr("Scan a bin label to count it"))
            self.current.setText(self.tr("No count open."))
            self.lines.fill([])
            return
        self.instruction.setText(self.tr("Scan everything in bin %1, then scan its label again")
                                 .replace("%1", self.session.bin or ""))
        if state is None:
            return
        self.current.setText(self.tr("Bin %1 · count %2 · %3 unit(s) counted").replace("%1", state.bin)
                             .replace("%2", state.number).replace("%3", str(state.units)))
        chinese = ui_language().startswith("zh")
        self.lines.fill((line.sku, line.name_zh if chinese and line.name_zh else line.name, line.lot,
                         str(line.counted)) for line in state.lines)

    def _answered(self, answer: Answer) -> None:
        kind = VERDICT_KIND.get(answer.verdict, "info")
        if answer.result is not None and answer.result.status == "review":
            kind = "warn"  # closed, but not on the books until a supervisor decides
        self._say(self.message, answer.message, kind)
        if answer.verdict == "noted":
            return  # a word for the next scan: the count is as it was
        self._show_count(answer.state)
        if answer.verdict in ("opened", "closed", "cancelled"):
            self.reload()

    def take_scan(self, event) -> bool:
        """A scan parsed by its reader: a bin label, an item or case, or a word (qty 3, lot L1, close)."""
        self._scan(from_event(event))
        return True

    def handle_scan(self, text: str) -> bool:
        """A scan given as text."""
        self._scan(classify(text))
        return True

    def _typed(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self._scan(classify(text))

    def _scan(self, scan) -> None:
        self.tabs.setCurrentWidget(self.count_page)
        ok, answer = run_action(self.env.feedback, lambda: self.session.scan(scan))
        if ok:
            self._answered(answer)

    def count_bin(self, bin_code: str) -> bool:
        """Open the count of ``bin_code`` (the plan's double-click) in the Count tab."""
        self.tabs.setCurrentWidget(self.count_page)
        if self.session.number is not None and self.session.bin != bin_code:
            self.env.feedback.bad(self.tr("Close or cancel the count of bin %1 first.").replace("%1", self.session.bin or ""))
            return False
        ok, answer = run_action(self.env.feedback, lambda: self.session.open(bin_code))
        if ok:
            self._answered(answer)
        return ok

    def close_count(self) -> bool:
        if self.session.number is None:
            self.env.feedback.bad(self.tr("No count is open: scan a bin label first."))
            return False
        ok, answer = run_action(self.env.feedback, self.session.close)
        if ok:
            self._answered(answer)
        return ok

    def cancel_count(self) -> bool:
        if self.session.number is None:
            self.env.feedback.bad(self.tr("No count is open: scan a bin label first."))
            return False
        ok, answer = run_action(self.env.feedback, self.session.cancel)
        if ok:
            self._answered(answer)
        return ok

    # --- the plan and the approvals ------------------------------------------------------------------------
    def reload(self) -> None:
        """The lists of the page shown now; the others when they are shown next."""
        self._stale = True
        self._catch_up()

    def _catch_up(self) -> None:
        if not self._stale:
            return
        page = self.tabs.currentWidget()
        if page is self.plan_page:
            self._stale = False
            self.reload_plan()
        elif page is self.approvals_page and page is not None:
            self._stale = False
            self.reload_waiting()

    def reload_plan(self) -> None:
        code = self.warehouse.currentData()
        if not code:
            self.plan_rows = []
            self.plan.fill([])
            self.plan_note.setText(self.tr("This station has no warehouse: choose one."))
            return
        ok, rows = run_action(self.env.feedback, lambda: queries.count_plan(self.env.ctx.sessions, code,
                                                                            today=date.today()))
        if not ok:
            return
        self.plan_rows = rows
        self.plan_note.setText(self.tr("%1 bin(s) to count today. Double-click a bin to count it.")
                               .replace("%1", str(len(rows))))
        self.plan.fill((row.code, row.due.isoformat(), str(row.overdue_days), self.tr("yes") if row.fast else "")
                       for row in rows)

    def reload_waiting(self) -> None:
        if self.approvals_page is None:
            return
        chosen = self._chosen_number()
        ok, rows = run_action(self.env.feedback, lambda: queries.waiting_counts(self.env.ctx.sessions))
        if not ok:
            return
        self.waiting_rows = rows
        self.waiting.fill((r.number, r.bin, r.warehouse, r.station, r.counted_by,
                           r.closed_at.astimezone().strftime("%Y-%m-%d %H:%M") if r.closed_at else "",
                           str(r.differences), str(r.needing_approval)) for r in rows)
        if not (chosen and self.waiting.choose_first(lambda r: self.waiting_rows[r].number == chosen)):
            self.waiting.clearSelection()
            self._chosen()

    def _chosen_number(self) -> str | None:
        if self.approvals_page is None:
            return None
        row = self.waiting.chosen_row()
        return self.waiting_rows[row].number if row is not None and row < len(self.waiting_rows) else None

    def _chosen(self) -> None:
        number = self._chosen_number()
        self.approve_button.setEnabled(number is not None)
        self.refuse_button.setEnabled(number is not None)
        if number is None:
            self.variances.fill([])
            return
        sessions = self.env.ctx.sessions
        ok, found = run_action(self.env.feedback, lambda: (queries.count_result(sessions, number),
                                                           service.count_state(sessions, number)))
        if not ok:
            return
        result, state = found
        # The Chinese names of what was counted (the books' lines carry the English one).
        chinese = {line.sku: line.name_zh for line in state.lines if line.name_zh} \
            if ui_language().startswith("zh") else {}
        self.variances.fill((line.sku, chinese.get(line.sku, line.name), line.lot, str(line.expected), str(line.counted),
                             f"+{line.delta}" if line.delta > 0 else str(line.delta),
                             self.tr("yes") if line.needs_approval else "") for line in result.lines)

    def choose_waiting(self, number: str) -> bool:
        return self.waiting.choose_first(lambda r: self.waiting_rows[r].number == number)

    def decide(self, approve: bool) -> bool:
        number = self._chosen_number()
        if number is None:
            self.env.feedback.bad(self.tr("Choose a count first."))
            return False
        note = self.decision_note.text()
        ok, result = run_action(self.env.feedback, lambda: service.decide_count(
            self.env.ctx.sessions, self.env.actor, number, approve, note))
        if ok:
            self.decision_note.clear()
            self._say(self.decision, result.message, "good" if approve else "warn")
            self.reload_waiting()
        return ok

    # --- adjustments ---------------------------------------------------------------------------------------
    def show_places(self) -> None:
        sku = self.sku.text().strip()
        if not sku:
            self.places = []
            self.places_table.fill([])
            return
        ok, places = run_action(self.env.feedback, lambda: catalogue.stock_of(self.env.ctx.sessions, sku))
        self.places = places if ok else []
        self.places_table.fill((p.warehouse, p.bin, p.lot, p.expiry.isoformat() if p.expiry else "", str(p.on_hand),
                                str(p.reserved)) for p in self.places)

    def _take_place(self, row: int) -> None:
        place = self.places[row]
        self.bin.setText(place.bin)
        self.lot.setText(place.lot)
        self.delta.setFocus()

    def apply_adjustment(self) -> bool:
        sku, bin_code, lot = self.sku.text().strip(), self.bin.text().strip().upper(), self.lot.text().strip()
        delta, reason, note = self.delta.value(), str(self.reason.currentData()), self.note.text()
        # The warehouse of the row chosen in "where it lies" (a bin code may repeat across warehouses).
        house = next((p.warehouse for p in self.places if p.bin == bin_code and p.lot == lot), "")
        ok, done = run_action(self.env.feedback, lambda: adjust(self.env.ctx.sessions, sku, bin_code, delta, reason,
                                                                self.env.actor, lot=lot, warehouse=house, note=note))
        if not ok:
            self.adjusted.setText(self.env.feedback.history[-1][1] if self.env.feedback.history else "")
            self.adjusted.setStyleSheet(f"color: {colour('bad')}")
            return False
        text = (self.tr("%1 in %2: %3 before, %4 now").replace("%1", done.sku + (f" ({done.lot})" if done.lot else ""))
                .replace("%2", done.bin).replace("%3", str(done.before)).replace("%4", str(done.after)))
        self.adjusted.setText(text)
        self.adjusted.setStyleSheet(f"color: {colour('good')}")
        self.env.feedback.good(text)
        self.delta.setValue(0)
        self.note.clear()
        self.show_places()
        return True

    def on_change(self, topic: str, key: str) -> None:
        """Live sync: a count opened, closed or decided anywhere; the list shown reloads, the others when shown."""
        if topic == "counts":
            self.reload()
