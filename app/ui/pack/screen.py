"""The pack screen: expected lines and their ticks, a big coloured message with a sound for every scan, the
box panel with the carton recommendation, and the scale reading. Operable by scanner alone: items, order
numbers, counts, lots and serials, and the command barcodes CMD:CLOSE-BOX, CMD:CANCEL, CMD:WEIGH,
CMD:REPRINT and CMD:NEXT-ORDER (the next order for this station; mid-order it needs a supervisor's badge).

Thin over :class:`app.packing.service.PackService`: the service answers every scan, the screen shows the
answer. The label hand-off after the last scan runs on a worker thread so the screen stays live.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.packing.offline import STORED, OfflineScans, ReplayOutcome, Replayer, ScanJournal, database_name, journal_path
from app.packing.service import COMPLETE, OK, SCAN_ITEM, Answer, PackService, PackView
from app.ui.common import run_action
from app.ui.feedback import WARN_COLOUR, colour
from app.ui.texts import status_name

log = logging.getLogger(__name__)

DONE_COLOUR = "#d7f0dc"
_warmed = threading.Event()


def warm_up_documents(settings) -> None:
    """Render a sample label and packing slip once, off the GUI thread, so the first real order's documents
    do not pay for loading fonts (the CJK font is large)."""
    if _warmed.is_set():
        return
    _warmed.set()

    def work() -> None:
        try:
            from app.shipping import label_pdf
            from app.shipping.service import sample_label

            label_pdf.render(sample_label(settings))
        except Exception:  # noqa: BLE001 - only a warm-up
            log.debug("document warm-up failed", exc_info=True)

    threading.Thread(target=work, name="pack-warm-up", daemon=True).start()


class _HandOff(QObject):
    """Carries the hand-off's result from its worker thread back to the GUI thread."""

    done = Signal(object)


class _Replay(QObject):
    """Carries the reconnect loop's news from its thread to the GUI thread."""

    outcome = Signal(object)  # ReplayOutcome
    state = Signal(bool, int)  # database answering, scans waiting
    done = Signal(object)  # Message: the round's summary


class PackScreen(QWidget):
    handles_next_order = True  # the main window hands CMD:NEXT-ORDER to this screen while it is shown
    answered = Signal(object)  # every Answer the screen showed (tests and the status bar listen)
    handed_off = Signal(object)  # the Answer of a completed order, once its label job is at the printer

    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.language = env.ctx.settings.language
        settings = env.ctx.settings
        # Scans taken while the shared database is away wait in the station's own journal; the replayer sends
        # them, in order, once it answers (on its own thread; its own service, which labels what it completes).
        self.offline = OfflineScans(ScanJournal(journal_path(settings, env.station), env.station, database_name(settings.db_url)))
        self.service = PackService(env.ctx.sessions, settings, env.station, env.actor, label=False, offline=self.offline)
        self.database_away = False
        self._replay = _Replay(self)
        self._replay.outcome.connect(self._on_replayed)
        self._replay.state.connect(self._on_replay_state)
        self._replay.done.connect(self._on_replay_done)
        self.replayer = Replayer(
            self.offline.journal, lambda: PackService(env.ctx.sessions, settings, env.station, env.actor),
            on_outcome=self._replay.outcome.emit, on_state=self._replay.state.emit, on_done=self._replay.done.emit)
        self.offline.on_stored = self.replayer.wake
        self.replayer.start()
        # A label that meets an offline printer waits on the durable print queue: retried from the moment the
        # pack screen is up (the packer may never open the shipping screen); the packer is told it waits and
        # when it printed.
        env.print_queue()
        self.view_data: PackView | None = None
        self.last_answer: Answer | None = None
        self._handoff = _HandOff(self)
        self._handoff.done.connect(self._on_handed_off)
        self._threads: list[threading.Thread] = []
        self._bridge_connected = False
        self._build()
        self.retranslate()
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        warm_up_documents(env.ctx.settings)
        self.resume()

    # --- layout ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.order_label = QLabel()
        self.order_label.setObjectName("title")
        self.step_label = QLabel()
        self.step_label.setObjectName("subtitle")
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offline")
        self.offline_label.setStyleSheet(
            f"background: {WARN_COLOUR}; color: white; font-weight: bold; padding: 4px 8px; border-radius: 4px;")
        self.offline_label.hide()
        top.addWidget(self.order_label, 1)
        top.addWidget(self.offline_label)
        top.addWidget(self.step_label)
        root.addLayout(top)

        self.message = QLabel()
        self.message.setObjectName("packMessage")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(72)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.message)

        middle = QHBoxLayout()
        self.lines = QTableWidget(0, 6)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.verticalHeader().hide()
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        middle.addWidget(self.lines, 3)

        side = QVBoxLayout()
        self.box_group = QGroupBox()
        box_layout = QGridLayout(self.box_group)
        self.box_label = QLabel()
        self.box_label.setWordWrap(True)
        self.carton_label = QLabel()
        self.carton_label.setWordWrap(True)
        self.carton_choice = QComboBox()
        self.carton_choice.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.carton_choice.activated.connect(self._carton_chosen)
        self.material_label = QLabel()
        self.material_label.setWordWrap(True)
        box_layout.addWidget(self.box_label, 0, 0, 1, 2)
        box_layout.addWidget(self.carton_label, 1, 0, 1, 2)
        box_layout.addWidget(self.carton_choice, 2, 0, 1, 2)
        box_layout.addWidget(self.material_label, 3, 0, 1, 2)
        side.addWidget(self.box_group)

        self.scale_group = QGroupBox()
        scale_layout = QVBoxLayout(self.scale_group)
        self.scale_label = QLabel("—")
        self.scale_label.setObjectName("title")
        self.scale_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.expected_label = QLabel()
        scale_layout.addWidget(self.scale_label)
        scale_layout.addWidget(self.expected_label)
        side.addWidget(self.scale_group)

        buttons = QGridLayout()
        self.close_button = QPushButton()
        self.close_button.clicked.connect(lambda: self.handle_scan("CMD:CLOSE-BOX"))
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(lambda: self.handle_scan("CMD:CANCEL"))
        self.reprint_button = QPushButton()
        self.reprint_button.clicked.connect(lambda: self.handle_scan("CMD:REPRINT"))
        self.partial_button = QPushButton()
        self.partial_button.setObjectName("danger")
        self.partial_button.clicked.connect(self.request_partial)
        for i, button in enumerate((self.close_button, self.cancel_button, self.reprint_button, self.partial_button)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button, i // 2, i % 2)
        side.addLayout(buttons)
        self.commands_label = QLabel()
        self.commands_label.setWordWrap(True)
        self.commands_label.setObjectName("subtitle")
        side.addWidget(self.commands_label)
        side.addStretch(1)
        middle.addLayout(side, 2)
        root.addLayout(middle, 1)

        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=lambda: self.handle_scan("CMD:CLOSE-BOX"))
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, activated=lambda: self.handle_scan("CMD:REPRINT"))
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, activated=self.request_partial)

    def retranslate(self) -> None:
        self.lines.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("SKU"), self.tr("Item"), self.tr("Packed"), self.tr("Capture"), self.tr("Handling"),
        ])
        self.box_group.setTitle(self.tr("Box"))
        self.scale_group.setTitle(self.tr("Scale"))
        self.close_button.setText(self.tr("Close box (F5)"))
        self.cancel_button.setText(self.tr("Cancel step"))
        self.reprint_button.setText(self.tr("Reprint label (F8)"))
        self.partial_button.setText(self.tr("Ship partial… (F9)"))
        self.commands_label.setText(self.tr(
            "Scanner only: scan items; a number counts the rest of a bulk line; "
            "CMD:CLOSE-BOX, CMD:CANCEL, CMD:WEIGH, CMD:REPRINT; a supervisor's badge approves a partial shipment."))
        self._show_offline()

    # --- what is shown -----------------------------------------------------------------------------------
    def resume(self) -> None:
        ok, _ = run_action(self.env.feedback, self.service.resume)
        if ok:
            self.refresh()

    def refresh(self) -> None:
        if self.offline.waiting():
            return  # the database is away or busy with the stored scans: the provisional ticks stay shown
        ok, view = run_action(self.env.feedback, self.service.view)
        if not ok:
            return
        self.view_data = view
        self.offline.remember(view)
        if view is None:
            self.order_label.setText(self.tr("No order at this station"))
            self.step_label.setText(self.tr("Scan NEXT ORDER or an order number"))
            self.lines.setRowCount(0)
            self.box_label.setText("")
            self.carton_label.setText("")
            self.material_label.setText("")
            self.expected_label.setText("")
            return
        self.order_label.setText(self.tr("Order %1 — %2").replace("%1", view.number).replace("%2", status_name(view.status)))
        self.step_label.setText(self._step_text(view.next_step, view.left))
        self.lines.setRowCount(len(view.lines))
        for row, line in enumerate(view.lines):
            values = [str(line.line_no), line.sku, line.name, f"{line.packed} / {line.quantity}",
                      ", ".join(self._need_text(n) for n in line.needs), ", ".join(self._flag_text(f) for f in line.flags)]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if line.left == 0:
                    item.setBackground(QBrush(QColor(DONE_COLOUR)))
                self.lines.setItem(row, col, item)
        self._show_box(view)

    def _show_box(self, view: PackView) -> None:
        closed = [b for b in view.boxes if b.state == "closed"]
        self.box_label.setText(self.tr("Box %1 open · %2 closed").replace("%1", str(view.open_box)).replace("%2", str(len(closed))))
        rec = view.recommendation
        if rec.carton is None:
            text = self.tr("No carton in the catalogue fits: measure and choose one.") if not rec.missing_dimensions else \
                self.tr("Some items have no dimensions: choose the carton yourself.")
        elif rec.boxes_needed > 1:
            text = self.tr("Recommended: %1 × %2").replace("%1", str(rec.boxes_needed)).replace("%2", rec.carton.name or rec.carton.code)
        else:
            text = self.tr("Recommended carton: %1").replace("%1", f"{rec.carton.name or rec.carton.code} "
                                                                 f"({rec.carton.length_mm}×{rec.carton.width_mm}×{rec.carton.height_mm} mm)")
        self.carton_label.setText(text)
        self.material_label.setText(self.tr("Material: %1").replace("%1", ", ".join(m.name or m.code for m in rec.materials) or "—"))
        cartons = self.service._cartons or []
        if self.carton_choice.count() != len(cartons) + 1:
            self.carton_choice.clear()
            self.carton_choice.addItem(self.tr("Use the recommendation"), "")
            for carton in cartons:
                self.carton_choice.addItem(f"{carton.name or carton.code} ({carton.length_mm}×{carton.width_mm}×{carton.height_mm})", carton.code)
        self.expected_label.setText(self.tr("Expected: %1 g").replace("%1", str(view.expected_weight_g)))
        if view.weight_g is not None:
            self.scale_label.setText(f"{view.weight_g} g")

    def _step_text(self, step: str, left: int) -> str:
        texts = {
            "scan_item": self.tr("Scan the next item (%1 to go)").replace("%1", str(left)),
            "quantity": self.tr("Scan the next item, or the count of the rest"),
            "capture_lot": self.tr("Scan the lot number"),
            "capture_expiry": self.tr("Scan the expiry date"),
            "capture_serial": self.tr("Scan the serial number"),
            "weigh": self.tr("Weigh the box again"),
            "supervisor_badge": self.tr("A supervisor scans their badge"),
            "next_order": self.tr("Done: scan NEXT ORDER"),
            "open_order": self.tr("Scan an order number"),
        }
        return texts.get(step, step)

    def _need_text(self, need: str) -> str:
        return {"lot": self.tr("lot"), "expiry": self.tr("expiry"), "serial": self.tr("serial")}.get(need, need)

    def _flag_text(self, flag: str) -> str:
        return {"fragile": self.tr("fragile"), "liquid": self.tr("liquid"), "hazmat": self.tr("hazmat"),
                "high_value": self.tr("high value")}.get(flag, flag)

    def show_answer(self, answer: Answer, sound: bool = True) -> None:
        """The scan's feedback: message, colour and sound first; the tables follow."""
        text = answer.text(self.language)
        kind = "bad" if not answer.good else ("good" if answer.message.severity == "good" else answer.message.severity)
        self.message.setText(text)
        background = colour(kind)
        self.message.setStyleSheet(
            f"background: {background}; color: white; font-size: 22pt; font-weight: bold; padding: 10px; border-radius: 6px;")
        if sound:
            {"good": self.env.feedback.good, "bad": self.env.feedback.bad}.get(kind, self.env.feedback.info)(text)
        self.last_answer = answer
        if answer.line_id is not None and self.view_data is not None:
            self._tick_row(answer)
        self.step_label.setText(self._step_text(answer.next_step, self.view_data.left if self.view_data else 0))
        self.answered.emit(answer)
        self._refresh_timer.start()

    def _tick_row(self, answer: Answer) -> None:
        for row, line in enumerate(self.view_data.lines):
            if line.line_id == answer.line_id and self.lines.item(row, 3) is not None:
                self.lines.item(row, 3).setText(f"{answer.packed} / {answer.quantity}")

    # --- input ---------------------------------------------------------------------------------------------
    def handle_scan(self, text: str) -> bool:
        received = time.perf_counter()
        ok, answer = run_action(self.env.feedback, lambda: self.service.scan(text, received=received))
        if ok:
            self._after(answer, received)
        return True

    def _after(self, answer: Answer, received: float) -> None:
        if answer.reason == STORED:
            self.database_away = True
            self._show_offline()
        self.show_answer(answer)
        if answer.verdict == COMPLETE:
            self._start_hand_off(answer, received, self.service.last_order_id)

    def _start_hand_off(self, answer: Answer, received: float, order_id: int | None) -> None:
        def work() -> None:
            try:
                self.service.hand_off(answer, received, order_id)
            except Exception:  # noqa: BLE001 - reported on screen; the order stays packed
                log.exception("label hand-off failed")
                answer.label_error = answer.label_error or "unexpected error"
            self._handoff.done.emit(answer)

        thread = threading.Thread(target=work, name="pack-hand-off", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _on_handed_off(self, answer: Answer) -> None:
        if answer.label_error:
            self.show_answer(answer)
        self.handed_off.emit(answer)
        self.refresh()

    def request_partial(self) -> None:
        ok, answer = run_action(self.env.feedback, lambda: self.service.request_partial("open"))
        if ok:
            self.show_answer(answer)

    def _carton_chosen(self, index: int) -> None:
        code = self.carton_choice.itemData(index)
        if code:
            ok, answer = run_action(self.env.feedback, lambda: self.service.choose_carton(code))
            if ok:
                self.show_answer(answer)

    def on_weight(self, event) -> None:
        grams = event.grams
        self.scale_label.setText(f"{int(round(grams))} g" if grams is not None else self.tr("— (%1)").replace("%1", event.condition))
        ok, answer = run_action(self.env.feedback, lambda: self.service.weigh(grams, stable=event.stable, condition=event.condition))
        if ok and answer is not None and answer.reason != "weight_noted":
            self._after(answer, time.perf_counter())

    def on_rejected(self, event) -> None:
        """A scan the devices layer could not read: journalled and shown big (the bridge already sounded it)."""
        if not self.isVisible() or getattr(event, "kind", "scanner") != "scanner":
            return
        from app.packing.classify import from_event

        ok, answer = run_action(self.env.feedback, lambda: self.service.handle(from_event(event)))
        if ok:
            self.show_answer(answer, sound=False)

    def on_tote(self, event) -> None:
        received = time.perf_counter()
        ok, answer = run_action(self.env.feedback, lambda: self.service.tote(event.epcs))
        if ok:
            self._after(answer, received)

    # --- offline: the stored scans and their replay ----------------------------------------------------------
    def _show_offline(self) -> None:
        waiting = self.offline.waiting()
        if not waiting:
            self.offline_label.hide()
            return
        if self.database_away:
            text = self.tr("Database unreachable: %1 scan(s) stored at this station")
        else:
            text = self.tr("Database back: checking %1 stored scan(s)…")
        self.offline_label.setText(text.replace("%1", str(waiting)))
        self.offline_label.show()

    def _on_replay_state(self, online: bool, waiting: int) -> None:
        self.database_away = not online
        self._show_offline()

    def _on_replayed(self, outcome: ReplayOutcome) -> None:
        self.database_away = False
        self.show_answer(outcome.shown(), sound=outcome.refused)  # a refusal is heard; the rest is only shown
        self._show_offline()

    def _on_replay_done(self, summary) -> None:
        self._show_offline()
        self.offline.forget()
        ok, _ = run_action(self.env.feedback, self.service.resume)  # the order as the database now knows it
        if ok:
            self.refresh()
        self.show_answer(Answer(OK, summary, "replay_done", SCAN_ITEM, self.view_data.number if self.view_data else None))

    # --- live ----------------------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._connect_devices()
        if self.service.order_id is None:
            self.resume()

    def _connect_devices(self) -> None:
        if self._bridge_connected:
            return
        bridge = getattr(self.window(), "device_bridge", None)
        if bridge is None:
            return
        bridge.weighed.connect(self.on_weight)
        bridge.tote_read.connect(self.on_tote)
        bridge.rejected.connect(self.on_rejected)
        self._bridge_connected = True

    def on_change(self, topic: str, key: str) -> None:
        if self.offline.waiting():
            return  # the database's news waits until the stored scans are in
        if topic == "*" or (topic == "station" and key == self.env.station) or (
            topic == "order" and self.view_data is not None and key == self.view_data.number
        ):
            ok, told = run_action(self.env.feedback, self.service.check)
            if ok and told is not None:
                self.show_answer(told)
            if self.service.order_id is None:
                self.service.resume()
            self._refresh_timer.start()

    def shutdown(self) -> None:
        self.replayer.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self.offline.journal.close()
