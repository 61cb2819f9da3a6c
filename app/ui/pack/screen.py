"""The pack screen, read from arm's length: the current item large (name, SKU, picture, packed / needed in big
numbers), the order's progress as a big count, a fixed feedback area with a sound for every scan (it never
moves the rest of the window), the lines with what was captured (lot, serial, expiry), the box and the
scale, whom it ships to and the order's note, and whether the scanner, the scale and the label printer are
ready before the first scan of the day.

Operable by scanner alone: items, order numbers, counts, lots and serials, and the command barcodes
CMD:CLOSE-BOX, CMD:CANCEL, CMD:WEIGH, CMD:TARE, CMD:ZERO, CMD:REPRINT and CMD:NEXT-ORDER (the next order for
this station; mid-order it needs a supervisor's badge). The command sheet (PDF) prints them.

Thin over :class:`app.packing.service.PackService`: the service answers every scan and every weighing, the
screen shows the answer. The label hand-off after the last scan runs on a worker thread; its result comes
back as a signal with a new answer that says what the printer really did.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.devices.commands import Command
from app.devices.events import ScanEvent
from app.intake.updates import shop_cancelled
from app.packing.answers import COMPLETE, OK, SCAN_ITEM, WEIGH, Answer, LineView, PackView
from app.packing.classify import from_event
from app.packing.offline import STORED, OfflineScans, Replayer, ReplayOutcome, ScanJournal, database_name, journal_path
from app.packing.service import PackService
from app.packing.weighing import EMPTY, FAULT, MOVING, WEIGHING
from app.ui.common import run_action
from app.ui.feedback import BAD_COLOUR, GOOD_COLOUR, WARN_COLOUR, ElidedLabel, colour
from app.ui.plain import plain_tip
from app.ui.texts import status_name

log = logging.getLogger(__name__)

DONE_COLOUR = "#d7f0dc"
LAST_COLOUR = "#fff1b8"  # the line the last scan ticked
MESSAGE_HEIGHT = 84  # the feedback area: two lines of large type, always this high
PRINTER_CHECK_MS = 15000
RFID_GARBLED_WINDOW_S = 3.0  # a tote read this soon after a garbled RFID read may lack the garbled tag
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


def plain_label(text: str = "", object_name: str = "") -> QLabel:
    """A label that shows what it is given as text, never as markup (customers and shops write names and notes)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


class _HandOff(QObject):
    """Carries the hand-off's result from its worker thread back to the GUI thread."""

    done = Signal(object)


class _Replay(QObject):
    """Carries the reconnect loop's news from its thread to the GUI thread."""

    outcome = Signal(object)  # ReplayOutcome
    state = Signal(bool, int)  # database answering, scans waiting
    done = Signal(object)  # Message: the round's summary


class _PrinterCheck(QObject):
    """Carries the label printer's readiness from the checking thread to the GUI thread."""

    checked = Signal(object)  # printqueue.Readiness


class DeviceChip(ElidedLabel):
    """One device's readiness on one line: a coloured dot, its name and its state in words (all of it in the
    tool tip when the line is cut)."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumWidth(60)
        self.state = ""

    def show_state(self, state: str, text: str, tip: str = "") -> None:
        """``state``: ready (green), waiting (amber), problem (red), none (grey)."""
        self.state = state
        background = {"ready": GOOD_COLOUR, "waiting": WARN_COLOUR, "problem": BAD_COLOUR}.get(state, "#777777")
        self.setText(f"● {text}")
        self.setToolTip(plain_tip(tip or text))
        self.setStyleSheet(f"background: {background}; color: white; font-weight: bold; padding: 3px 8px;"
                           " border-radius: 4px; font-size: 11pt;")


class PackScreen(QWidget):
    handles_next_order = True  # the main window hands CMD:NEXT-ORDER to this screen while it is shown
    answered = Signal(object)  # every Answer the screen showed (tests and the status bar listen)
    handed_off = Signal(object)  # the Answer of a completed order after the hand-off: what the printer did

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
        # pack screen is up (the packer may never open the shipping screen); what it did shows on the printer chip.
        self.print_queue = env.print_queue()
        self.print_queue.reported.connect(self._on_print_outcomes)
        self.view_data: PackView | None = None
        self.last_answer: Answer | None = None
        self.last_line_id: int | None = None
        self.printer_problem: str = ""  # what the printer chip says is wrong, until mended
        self._handoff = _HandOff(self)
        self._handoff.done.connect(self._on_handed_off)
        self._printer_check = _PrinterCheck(self)
        self._printer_check.checked.connect(self._on_printer_checked)
        self._printer_checking = threading.Event()
        self._threads: list[threading.Thread] = []
        self._bridge = None
        self._pictures: dict[str, QPixmap | None] = {}
        self._rfid_garbled_at = -1e9
        self._build()
        self.retranslate()
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._printer_timer = QTimer(self, interval=PRINTER_CHECK_MS)
        self._printer_timer.timeout.connect(self.check_printer)
        self._printer_timer.start()
        warm_up_documents(env.ctx.settings)
        self.resume()
        self.check_printer()

    # --- layout ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 4, 6, 4)
        root.setSpacing(6)
        top = QHBoxLayout()
        self.order_label = plain_label("", "title")
        self.ship_label = ElidedLabel()
        self.ship_label.setObjectName("subtitle")
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offline")
        self.offline_label.setStyleSheet(
            f"background: {WARN_COLOUR}; color: white; font-weight: bold; padding: 4px 8px; border-radius: 4px;")
        self.offline_label.hide()
        self.step_label = QLabel()
        self.step_label.setObjectName("subtitle")
        top.addWidget(self.order_label)
        top.addWidget(self.ship_label, 1)
        top.addWidget(self.offline_label)
        top.addWidget(self.step_label)
        root.addLayout(top)

        # The feedback area: always this high, so a message never moves what is below it.
        self.message = plain_label("", "packMessage")
        self.message.setWordWrap(True)
        self.message.setFixedHeight(MESSAGE_HEIGHT)
        # However long a word in it (a product's name, a printer's address), it never widens the window.
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._style_message("idle")
        root.addWidget(self.message)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self._build_current())
        self.lines = QTableWidget(0, 6)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.setWordWrap(False)
        self.lines.verticalHeader().hide()
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        left.addWidget(self.lines, 1)
        middle.addLayout(left, 3)

        side = QVBoxLayout()
        side.setSpacing(6)
        side.addWidget(self._build_progress())
        devices = QHBoxLayout()
        self.scanner_chip, self.scale_chip, self.printer_chip = DeviceChip(), DeviceChip(), DeviceChip()
        for chip in (self.scanner_chip, self.scale_chip, self.printer_chip):
            devices.addWidget(chip, 1)
        side.addLayout(devices)
        # A printer problem stays in sight, with what to do, until the printer is back.
        self.printer_alert = plain_label()
        self.printer_alert.setWordWrap(True)
        self.printer_alert.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        self.printer_alert.setStyleSheet(f"color: {BAD_COLOUR}; font-weight: bold;")
        self.printer_alert.hide()
        side.addWidget(self.printer_alert)
        side.addWidget(self._build_box())

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
        self.sheet_button = QPushButton()
        self.sheet_button.clicked.connect(self.command_sheet)
        for i, button in enumerate((self.close_button, self.reprint_button, self.partial_button, self.cancel_button,
                                    self.sheet_button)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button, i // 3, i % 3, 1, 2 if i == 4 else 1)
        side.addLayout(buttons)
        side.addStretch(1)
        middle.addLayout(side, 2)
        root.addLayout(middle, 1)

        self.note_label = plain_label()
        self.note_label.setWordWrap(True)
        self.note_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        self.note_label.setStyleSheet(f"background: #fff4e0; border-left: 6px solid {WARN_COLOUR}; padding: 4px 8px;")
        self.note_label.setMaximumHeight(60)
        self.note_label.hide()
        root.addWidget(self.note_label)

        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=lambda: self.handle_scan("CMD:CLOSE-BOX"))
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, activated=lambda: self.handle_scan("CMD:REPRINT"))
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, activated=self.request_partial)

    def _build_current(self) -> QWidget:
        """The item in hand: its picture, name and SKU, what was captured, packed / needed in big numbers."""
        frame = QFrame()
        frame.setObjectName("currentItem")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setFixedHeight(112)
        row = QHBoxLayout(frame)
        self.picture = QLabel()
        self.picture.setFixedSize(96, 96)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #e8ecf3; color: #1f4e9c; font-size: 34pt; font-weight: bold; border-radius: 6px;")
        row.addWidget(self.picture)
        texts = QVBoxLayout()
        self.item_name = plain_label("", "itemName")
        self.item_name.setWordWrap(True)
        self.item_name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.item_name.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.item_sku = ElidedLabel()
        self.item_sku.setStyleSheet("font-size: 13pt; color: #444;")
        self.item_captured = ElidedLabel()
        self.item_captured.setStyleSheet("font-size: 13pt; color: #1f4e9c; font-weight: bold;")
        texts.addWidget(self.item_name)
        texts.addWidget(self.item_sku)
        texts.addWidget(self.item_captured)
        texts.addStretch(1)
        row.addLayout(texts, 1)
        self.item_count = QLabel()
        self.item_count.setObjectName("itemCount")
        self.item_count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.item_count.setStyleSheet("font-size: 48pt; font-weight: bold;")
        row.addWidget(self.item_count)
        return frame

    def _build_progress(self) -> QWidget:
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(box)
        self.progress_count = QLabel()
        self.progress_count.setObjectName("progressCount")
        self.progress_count.setStyleSheet("font-size: 28pt; font-weight: bold;")
        self.progress_caption = QLabel()
        self.progress_caption.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(14)
        column = QVBoxLayout()
        column.addWidget(self.progress_caption)
        column.addWidget(self.progress_bar)
        layout.addWidget(self.progress_count)
        layout.addLayout(column, 1)
        return box

    def _build_box(self) -> QWidget:
        self.box_group = QGroupBox()
        grid = QGridLayout(self.box_group)
        grid.setVerticalSpacing(2)
        self.box_label = QLabel()
        self.carton_label = plain_label()
        self.carton_label.setWordWrap(True)
        self.carton_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.carton_choice = QComboBox()
        self.carton_choice.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.carton_choice.activated.connect(self._carton_chosen)
        self.material_label = plain_label()
        self.material_label.setWordWrap(True)
        self.scale_label = QLabel("—")
        self.scale_label.setObjectName("scaleReading")
        self.scale_label.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.expected_label = QLabel()
        self.expected_label.setWordWrap(True)
        self.tare_button = QPushButton()
        self.tare_button.clicked.connect(lambda: self.scale_command("tare"))
        self.zero_button = QPushButton()
        self.zero_button.clicked.connect(lambda: self.scale_command("zero"))
        for button in (self.tare_button, self.zero_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        grid.addWidget(self.box_label, 0, 0)
        grid.addWidget(self.scale_label, 0, 1, 1, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.carton_label, 1, 0, 1, 3)
        grid.addWidget(self.carton_choice, 2, 0)
        grid.addWidget(self.tare_button, 2, 1)
        grid.addWidget(self.zero_button, 2, 2)
        grid.addWidget(self.material_label, 3, 0, 1, 3)
        grid.addWidget(self.expected_label, 4, 0, 1, 3)
        grid.setColumnStretch(0, 1)
        return self.box_group

    def retranslate(self) -> None:
        self.lines.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("SKU"), self.tr("Item"), self.tr("Packed"), self.tr("Captured"), self.tr("Handling"),
        ])
        self.box_group.setTitle(self.tr("Box and scale"))
        self.close_button.setText(self.tr("Close box (F5)"))
        self.cancel_button.setText(self.tr("Cancel step"))
        self.reprint_button.setText(self.tr("Reprint label (F8)"))
        self.partial_button.setText(self.tr("Ship partial… (F9)"))
        self.sheet_button.setText(self.tr("Command barcodes (PDF)"))
        self.tare_button.setText(self.tr("Tare"))
        self.zero_button.setText(self.tr("Zero"))
        self.sheet_button.setToolTip(self.tr(
            "Scanner only: scan items; a number counts the rest of a bulk line; CMD:CLOSE-BOX, CMD:CANCEL, CMD:WEIGH, "
            "CMD:TARE, CMD:ZERO, CMD:REPRINT; a supervisor's badge approves a partial shipment or a box whose weight "
            "does not match."))
        self._show_offline()
        self._show_devices()

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
            self.ship_label.setText("")
            self.step_label.setText(self.tr("Scan NEXT ORDER or an order number"))
            self.lines.setRowCount(0)
            for label in (self.box_label, self.carton_label, self.material_label, self.expected_label,
                          self.item_sku, self.item_captured, self.item_count, self.progress_caption):
                label.setText("")
            self.item_name.setText(self.tr("Press F2 or scan NEXT ORDER to take an order."))
            self.picture.clear()
            self.progress_count.setText("")
            self.progress_bar.setValue(0)
            self.note_label.hide()
            return
        if view.last_line_id is not None:
            self.last_line_id = view.last_line_id
        self.order_label.setText(self.tr("Order %1 — %2").replace("%1", view.number).replace("%2", status_name(view.status)))
        self.ship_label.setText(self.tr("Ship to: %1").replace("%1", view.ship_to) if view.ship_to else "")
        self.ship_label.setToolTip(plain_tip(self.ship_label.text()))
        self.step_label.setText(self._step_text(view.next_step, view.left))
        if self.last_answer is None or self.last_answer.number != view.number:
            # Nothing said about this order yet: the feedback area says what to do first.
            self.message.setText(self._step_text(view.next_step, view.left))
            self._style_message("idle")
        if view.note:
            self.note_label.setText(self.tr("Note on the order: %1").replace("%1", view.note))
            self.note_label.show()
        else:
            self.note_label.hide()
        self.lines.setRowCount(len(view.lines))
        bold = QFont(self.lines.font())
        bold.setBold(True)
        for row, line in enumerate(view.lines):
            values = [str(line.line_no), line.sku, line.name, f"{line.packed} / {line.quantity}",
                      self._captured_text(line), ", ".join(self._flag_text(f) for f in line.flags)]
            last = line.line_id == self.last_line_id
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 4 and not line.captured and line.needs:
                    item.setText(self.tr("needs %1").replace("%1", ", ".join(self._need_text(n) for n in line.needs))
                                 + self._lot_to_take(line, " · "))
                if last:
                    item.setBackground(QBrush(QColor(LAST_COLOUR)))
                    item.setFont(bold)
                elif line.left == 0:
                    item.setBackground(QBrush(QColor(DONE_COLOUR)))
                self.lines.setItem(row, col, item)
        self._show_progress(view)
        self._show_current(view)
        self._show_box(view)

    def _lot_to_take(self, line: LineView, before: str = "") -> str:
        """FEFO: the lot reserved for the line, the one the packer takes (another needs a supervisor)."""
        if not line.reserved_lots or line.left == 0:
            return ""
        return before + self.tr("take lot %1").replace("%1", ", ".join(line.reserved_lots))

    def _captured_text(self, line: LineView) -> str:
        names = {"lot": self.tr("lot"), "serial": self.tr("serial"), "expiry": self.tr("expiry")}
        return ", ".join(f"{names.get(what, what)} {value}" for what, value in line.captured)

    def _show_progress(self, view: PackView) -> None:
        packed, total = view.packed_units, view.total_units
        self.progress_count.setText(f"{packed} / {total}")
        self.progress_caption.setText(self.tr("items packed"))
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(packed)

    def _current_line(self, view: PackView) -> LineView | None:
        line = next((l for l in view.lines if l.line_id == self.last_line_id), None)
        if line is not None and (line.left or view.left == 0):
            return line
        return next((l for l in view.lines if l.left), line)

    def _show_current(self, view: PackView) -> None:
        line = self._current_line(view)
        if line is None:
            return
        self.item_name.setText(line.name)
        self.item_sku.setText(self.tr("SKU %1").replace("%1", line.sku) + (f" · {line.gtins[0]}" if line.gtins else ""))
        self.item_captured.setText(self._captured_text(line) or self._lot_to_take(line))
        self.item_count.setText(f"{line.packed} / {line.quantity}")
        colour_ = GOOD_COLOUR if line.left == 0 else "#1a1a1a"
        self.item_count.setStyleSheet(f"font-size: 48pt; font-weight: bold; color: {colour_};")
        self._show_picture(line)

    def _show_picture(self, line: LineView) -> None:
        pixmap = None
        if line.picture:
            if line.picture not in self._pictures:
                path = line.picture.removeprefix("file://")
                loaded = QPixmap(path) if Path(path).is_file() else QPixmap()
                self._pictures[line.picture] = None if loaded.isNull() else loaded.scaled(
                    96, 96, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            pixmap = self._pictures[line.picture]
        if pixmap is not None:
            self.picture.setPixmap(pixmap)
        else:  # no picture in the catalogue: the item's initials, so the card never looks broken
            self.picture.clear()
            self.picture.setText((line.name or line.sku)[:2].upper())

    def _show_box(self, view: PackView) -> None:
        closed = [b for b in view.boxes if b.state == "closed"]
        if view.status != "packing":  # packed: its boxes are closed, nothing is recommended any more
            self.box_label.setText(self.tr("Boxes packed: %1").replace("%1", str(len(closed))))
            self.carton_label.setText(", ".join(b.carton or "—" for b in closed))
            self.material_label.setText("")
            weights = [str(b.measured_weight_g or b.expected_weight_g or 0) for b in closed]
            self.expected_label.setText(self.tr("Weighed: %1 g").replace("%1", " + ".join(weights)) if weights else "")
            return
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
        self.expected_label.setText(self.tr("Box %1 should weigh %2 g").replace("%1", str(view.open_box))
                                    .replace("%2", str(view.expected_weight_g)))

    def _step_text(self, step: str, left: int) -> str:
        texts = {
            "scan_item": self.tr("Scan the next item (%1 to go)").replace("%1", str(left)),
            "quantity": self.tr("Scan the next item, or the count of the rest"),
            "capture_lot": self.tr("Scan the lot number"),
            "capture_expiry": self.tr("Scan the expiry date"),
            "capture_serial": self.tr("Scan the serial number"),
            "weigh": self.tr("Put the box on the scale"),
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

    def _style_message(self, kind: str) -> None:
        if kind == "idle":
            self.message.setStyleSheet("background: #e9ecef; color: #333; font-size: 18pt; padding: 4px; border-radius: 6px;")
            return
        self.message.setStyleSheet(
            f"background: {colour(kind)}; color: white; font-size: 18pt; font-weight: bold; padding: 4px; border-radius: 6px;")

    def show_answer(self, answer: Answer, sound: bool = True) -> None:
        """The scan's feedback: message, colour and sound first; the tables follow."""
        text = answer.text(self.language)
        kind = "bad" if not answer.good else ("good" if answer.message.severity == "good" else answer.message.severity)
        self.message.setText(text)
        self._style_message(kind)
        if sound:
            self.env.feedback.cue(kind if kind in ("good", "bad") else "info", text)
        self.last_answer = answer
        if answer.line_id is not None:
            self.last_line_id = answer.line_id
            if self.view_data is not None:
                self._tick_row(answer)
        if answer.next_step == WEIGH and answer.expected_g is not None:
            seq = answer.box_seq or (self.view_data.open_box if self.view_data else 1)
            self.expected_label.setText(self.tr("Box %1 should weigh %2 g").replace("%1", str(seq))
                                        .replace("%2", str(answer.expected_g)))
        self.step_label.setText(self._step_text(answer.next_step, self.view_data.left if self.view_data else 0))
        self.answered.emit(answer)
        self._refresh_timer.start()

    def _tick_row(self, answer: Answer) -> None:
        for row, line in enumerate(self.view_data.lines):
            if line.line_id == answer.line_id and self.lines.item(row, 3) is not None:
                self.lines.item(row, 3).setText(f"{answer.packed} / {answer.quantity}")
                self.item_count.setText(f"{answer.packed} / {answer.quantity}")

    # --- input ---------------------------------------------------------------------------------------------
    def handle_scan(self, text: str) -> bool:
        """A scan given as text (the screen's own buttons send command barcodes this way): parsed once."""
        from app.devices.scanner import parse_scan

        event = parse_scan(text, source="typed")
        return self.take_scan(event) if isinstance(event, ScanEvent) else self.take_misread(event)

    def take_scan(self, event: ScanEvent) -> bool:
        """A scan, parsed by its reader: to the pack service as it is (the scale's commands to the scale)."""
        received = time.perf_counter()
        if event.kind == "command" and event.command in (Command.TARE, Command.ZERO):
            self.scale_command("tare" if event.command == Command.TARE else "zero")
            return True
        ok, answer = run_action(self.env.feedback, lambda: self.service.handle(from_event(event), received=received))
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
        service = self.service

        def work() -> None:
            try:
                result = service.hand_off(answer, received, order_id)
            except Exception:  # noqa: BLE001 - reported on screen; the order stays packed
                log.exception("label hand-off failed")
                from app.packing.messages import message

                result = Answer(answer.verdict, message("complete_label_failed", number=answer.number,
                                                        error="unexpected error"), answer.reason, answer.next_step,
                                answer.number, answer.status, label_error="unexpected error")
            self._handoff.done.emit(result)

        thread = threading.Thread(target=work, name="pack-hand-off", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _on_handed_off(self, answer: Answer) -> None:
        showing_it = self.last_answer is not None and self.last_answer.number == answer.number and \
            self.last_answer.verdict == COMPLETE
        if showing_it or answer.label_error or not answer.message.severity == "good":
            # What the printer did replaces "packed: making its label…" (a later scan's answer is not covered).
            self.show_answer(answer, sound=not answer.good or answer.message.severity != "good")
        self._note_printed(answer.printed)
        self.handed_off.emit(answer)
        self.refresh()

    def request_partial(self) -> None:
        """Ship what is packed: first what becomes of the rest, then a supervisor's badge approves."""
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Ship partial"))
        box.setText(self.tr("Ship what is packed now. What becomes of the rest of the order?"))
        keep = box.addButton(self.tr("Keep the rest open"), QMessageBox.ButtonRole.AcceptRole)
        backorder = box.addButton(self.tr("Backorder the rest"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        chosen = box.clickedButton()
        if chosen not in (keep, backorder):
            return
        rest = "backorder" if chosen is backorder else "open"
        ok, answer = run_action(self.env.feedback, lambda: self.service.request_partial(rest))
        if ok:
            self.show_answer(answer)

    def command_sheet(self) -> None:
        """Save the command barcodes as a PDF (both languages) and open it for printing."""
        from app.config import data_dir
        from app.packing import command_sheet

        target = data_dir() / "command-barcodes.pdf"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(command_sheet.render())
        except OSError as exc:
            self.env.feedback.bad(self.tr("Cannot save the command sheet: %1").replace("%1", str(exc.strerror or exc)))
            return
        self.env.feedback.info(self.tr("Command barcodes saved to %1").replace("%1", str(target)))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def _carton_chosen(self, index: int) -> None:
        code = self.carton_choice.itemData(index)
        if code:
            ok, answer = run_action(self.env.feedback, lambda: self.service.choose_carton(code))
            if ok:
                self.show_answer(answer)

    # --- the scale ----------------------------------------------------------------------------------------
    def on_weight(self, event) -> None:
        """Every reading of the scale (several a second): shown at once; the service tells only news."""
        ok, answer = run_action(self.env.feedback, lambda: self.service.reading(
            event.grams, stable=event.stable, condition=event.condition))
        self._show_scale()
        if ok and answer is not None:
            self._after(answer, time.perf_counter())

    def _show_scale(self) -> None:
        watch = self.service.scale
        if watch.state == FAULT:
            self.scale_label.setText(self.tr("— (%1)").replace("%1", self._condition_text(watch.condition)))
        elif watch.grams is not None:
            self.scale_label.setText(self.tr("%1 g").replace("%1", str(watch.grams)))
        self._show_devices()

    def _condition_text(self, condition: str) -> str:
        return {"overload": self.tr("overloaded"), "underload": self.tr("below its range"),
                "below zero": self.tr("below zero"), "disconnected": self.tr("not connected"),
                "no reading": self.tr("no reading")}.get(condition, condition)

    def scale_command(self, name: str) -> None:
        """Tare or zero the station's scale (MT-SICS T / Z); the scale's own answer says if it was done."""
        bridge = self._bridge
        why = bridge.scale_command(name) if bridge is not None else "none"
        if why is None:
            self.env.feedback.info(self.tr("Asking the scale to tare…") if name == "tare" else self.tr("Asking the scale to zero…"))
            return
        texts = {"none": self.tr("This station has no scale."),
                 "disconnected": self.tr("The scale is not connected: plug it in."),
                 "no_commands": self.tr("This scale takes no commands: use the keys on its indicator.")}
        self.env.feedback.bad(texts.get(why, why))

    def on_scale_reply(self, event) -> None:
        if event.done:
            if event.command == "tare":
                text = self.tr("Scale tared: %1 g taken off.").replace("%1", f"{event.tare or 0:g}")
            else:
                text = self.tr("Scale zeroed.")
            self.env.feedback.good(text)
            return
        reasons = {"busy": self.tr("it is not steady: wait for it to settle and try again"),
                   "over": self.tr("the load is beyond what it can take off: empty it first"),
                   "under": self.tr("it reads below zero: empty it, then zero it")}
        what = self.tr("tare") if event.command == "tare" else self.tr("zero")
        self.env.feedback.bad(self.tr("The scale did not %1: %2").replace("%1", what).replace("%2", reasons.get(event.detail, event.detail)))

    # --- devices and the printer --------------------------------------------------------------------------
    def on_device_status(self, event) -> None:
        if event.kind == "scale":
            if event.state == "connected":
                told = self.service.scale_connected(True)
            elif event.state == "disconnected":
                told = self.service.scale_connected(False)
            else:
                told = None
            if told is not None:
                self.show_answer(told)
        self._show_devices()

    def _show_devices(self) -> None:
        bridge = self._bridge
        scanner = bridge.state("scanner") if bridge is not None else "none"
        if scanner == "connected":
            self.scanner_chip.show_state("ready", self.tr("Scanner OK"))
        elif scanner in ("disconnected", "searching"):
            self.scanner_chip.show_state("problem", self.tr("Scanner unplugged"))
        else:  # a keyboard-wedge scanner types into the station: ready whenever the station is
            self.scanner_chip.show_state("ready", self.tr("Scanner OK"))
        scale = bridge.state("scale") if bridge is not None else "none"
        watch = self.service.scale
        if scale == "none" and self.service.scale_status == "none":
            self.scale_chip.show_state("none", self.tr("No scale"))
        elif scale in ("disconnected", "searching") or watch.condition == "disconnected":
            self.scale_chip.show_state("problem", self.tr("Scale unplugged"))
        elif watch.state == FAULT:
            self.scale_chip.show_state("problem", self.tr("Scale: %1").replace("%1", self._condition_text(watch.condition)))
        elif watch.state == WEIGHING:
            self.scale_chip.show_state("ready", self.tr("Scale: %1 g").replace("%1", str(watch.grams)))
        elif watch.state == MOVING:
            self.scale_chip.show_state("waiting", self.tr("Scale: moving"))
        elif watch.state == EMPTY:
            self.scale_chip.show_state("ready", self.tr("Scale: empty"))
        else:
            self.scale_chip.show_state("waiting", self.tr("Scale: no reading yet"))
        self.printer_alert.setText(self.printer_problem)
        self.printer_alert.setVisible(bool(self.printer_problem))
        if self.printer_problem:
            self.printer_chip.show_state("problem", self.tr("Printer problem"), self.printer_problem)
        elif not self.printer_chip.state:
            self.printer_chip.show_state("waiting", self.tr("Printer: checking…"))

    def check_printer(self) -> None:
        """Is the label printer there? Asked off the GUI thread (a network printer may take a second)."""
        if self._printer_checking.is_set():
            return
        self._printer_checking.set()
        sessions, station = self.env.ctx.sessions, self.env.station

        def work() -> None:
            from app.shipping.printqueue import readiness

            try:
                result = readiness(sessions, station)
            except Exception:  # noqa: BLE001 - the database may be away for a moment: checked again later
                log.debug("printer check failed", exc_info=True)
                result = None
            finally:
                self._printer_checking.clear()
            if result is None:
                return
            try:
                self._printer_check.checked.emit(result)
            except RuntimeError:  # the screen was closed while the printer was asked: nobody left to tell
                log.debug("printer check outlived its screen")

        threading.Thread(target=work, name="pack-printer-check", daemon=True).start()

    def _on_printer_checked(self, ready) -> None:
        if ready.state == "not_set_up":
            self.printer_problem = self.tr("No label printer set up: ask a supervisor to choose one in the printer settings")
        elif ready.state in ("unreachable", "setup"):
            self.printer_problem = self.tr("Label printer %1 cannot be reached: check its power and cable").replace(
                "%1", ready.printer)
            if ready.waiting:
                self.printer_problem += self.tr(" (%1 label(s) waiting)").replace("%1", str(ready.waiting))
        else:
            self.printer_problem = ""
            tip = self.tr("Printer ready: %1").replace("%1", ready.printer) if ready.state == "ready" else \
                self.tr("Printer: %1").replace("%1", ready.printer)
            self.printer_chip.show_state("ready", self.tr("Printer OK"), tip)
        self._show_devices()

    def _note_printed(self, printed) -> None:
        """What the printers did with the hand-off's documents: a failure shows on the chip until mended."""
        labels = [p for p in printed if p.document == "label"]
        if any(p.state in ("queued", "failed", "uncertain") for p in labels):
            self.check_printer()
            bad = next(p for p in labels if p.state in ("queued", "failed", "uncertain"))
            if bad.reason == "not_set_up":
                self.printer_problem = self.tr("No label printer set up: ask a supervisor to choose one in the printer settings")
            else:
                self.printer_problem = self.tr("Label printer %1 cannot be reached: check its power and cable").replace(
                    "%1", bad.printer)
            self._show_devices()
        elif labels and all(p.state == "done" for p in labels):
            self.printer_problem = ""
            self.printer_alert.hide()
            self.printer_chip.show_state("ready", self.tr("Printer OK"),
                                         self.tr("Printer ready: %1").replace("%1", labels[0].printer))

    def _on_print_outcomes(self, outcomes) -> None:
        """The station's print queue sent waiting jobs: a label printed at last mends the printer chip."""
        labels = [o for o in outcomes if o.document == "label"]
        if labels:
            from app.shipping.handoff import Printed

            self._note_printed([Printed(o.job_id, o.document, o.state, o.reason, o.printer, o.message) for o in labels])

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
        if self._bridge is not None:
            return
        bridge = getattr(self.window(), "device_bridge", None)
        if bridge is None:
            return
        self._bridge = bridge
        bridge.weighed.connect(self.on_weight)
        bridge.tote_read.connect(self.on_tote)
        bridge.status_changed.connect(self.on_device_status)
        bridge.scale_replied.connect(self.on_scale_reply)
        demo = getattr(bridge, "demo_devices", None)
        if demo is not None:  # the demo's hand puts the box on the simulated scale when one is to be weighed
            self.answered.connect(demo.on_pack_answer)
        state = bridge.state("scale")
        if state != "none":
            self.service.scale_connected(state == "connected")
        self._show_devices()

    def take_misread(self, event) -> bool:
        """A scan the devices layer could not read: journalled (on the order's timeline too) and shown big; a
        garbled RFID read is shown big too, and the tote read that follows says it may lack a tag."""
        from app.packing.messages import message

        number, status = (self.view_data.number, self.view_data.status) if self.view_data else (None, None)
        if event.kind == "rfid":
            self._rfid_garbled_at = time.monotonic()
            self.show_answer(Answer("refused", message("rfid_garbled"), "rfid_garbled", SCAN_ITEM, number, status))
            return True
        if event.kind == "scale":
            self.show_answer(Answer("refused", message("scale_garbled"), "scale_fault", SCAN_ITEM, number, status))
            return True
        ok, answer = run_action(self.env.feedback, lambda: self.service.handle(from_event(event)))
        if ok:
            self.show_answer(answer)
        return True

    def on_tote(self, event) -> None:
        received = time.perf_counter()
        ok, answer = run_action(self.env.feedback, lambda: self.service.tote(event.epcs))
        if not ok:
            return
        if time.monotonic() - self._rfid_garbled_at < RFID_GARBLED_WINDOW_S and answer.verdict != COMPLETE:
            from app.packing.messages import message

            # A read came in garbled while the tote was read: a tag may be missing from it.
            answer.message = message("both", first=answer.message, then=message("rfid_garbled"))
        self._after(answer, received)

    def on_change(self, topic: str, key: str) -> None:
        if self.offline.waiting():
            return  # the database's news waits until the stored scans are in
        if topic == "*" or (topic == "station" and key == self.env.station) or (
            topic == "order" and self.view_data is not None and key == self.view_data.number
        ):
            ok, told = run_action(self.env.feedback, self.service.check)
            if ok and told is not None:
                by_shop = self._shop_cancelled(told)
                self.show_answer(told, sound=not by_shop)
                if by_shop:  # said after the answer, which it replaces
                    self._say_shop_cancelled(told.number or "")
            if self.service.order_id is None:
                self.service.resume()
            self._refresh_timer.start()

    def _shop_cancelled(self, told: Answer) -> bool:
        """Did the order leave the bench because its shop cancelled it?"""
        if told.reason != "taken_away" or told.status != "cancelled" or not told.number:
            return False
        ok, by_shop = run_action(self.env.feedback, lambda: shop_cancelled(self.env.ctx.sessions, told.number or ""))
        return bool(ok and by_shop)

    def _say_shop_cancelled(self, number: str) -> None:
        """Said as it is (not "taken away"), with the bad cue."""
        text = self.tr("Order %1 was cancelled by the shop. Stop packing it and put its items back on their shelves.")
        text = text.replace("%1", number)
        self.message.setText(text)
        self._style_message("bad")
        self.env.feedback.cue("bad", text)

    def shutdown(self) -> None:
        self._printer_timer.stop()
        bridge, self._bridge = self._bridge, None
        if bridge is not None:
            for signal, slot in ((bridge.weighed, self.on_weight), (bridge.tote_read, self.on_tote),
                                 (bridge.status_changed, self.on_device_status),
                                 (bridge.scale_replied, self.on_scale_reply)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
        self.replayer.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self.offline.journal.close()
