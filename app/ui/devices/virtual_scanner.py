"""The demo's virtual devices, in one row at the bottom of the window (it covers nothing): an on-screen scanner,
the scale's box (what the scale will weigh when a box is put on it) and the virtual label printer.

Type or pick a barcode and press *Scan*: with a :class:`ScannerSimulator` attached, the scan is sent down
its pseudo-terminal and comes back through the real serial reader, parser and bridge, exactly as a
hardware scanner's would; without one it is parsed and delivered straight to the bridge
(``source="virtual"``). The common command barcodes have a button each; the rest, and sample items, are under
*More*. With the demo's devices (:class:`app.ui.devices.demo.DemoDevices`) the row also shows the scale (what
it reads, and what goes on it when a box is closed: its weight, a wrong weight, or nothing) and the printer
(the last document it printed, to look at).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QToolButton, QWidget

from app.devices.commands import COMMAND_LABELS, Command, command_barcode
from app.devices.simulators import ScannerSimulator
from app.ui.plain import plain_tip

# The command barcodes' names as the buttons show them (app.devices.commands.COMMAND_LABELS, for lupdate).
_LABELS = {
    Command.NEXT_ORDER: QT_TRANSLATE_NOOP("VirtualScanner", "Next order"),
    Command.CLOSE_BOX: QT_TRANSLATE_NOOP("VirtualScanner", "Close box"),
    Command.REPRINT: QT_TRANSLATE_NOOP("VirtualScanner", "Reprint label"),
    Command.LOG_OUT: QT_TRANSLATE_NOOP("VirtualScanner", "Log out"),
    Command.CANCEL: QT_TRANSLATE_NOOP("VirtualScanner", "Cancel"),
    Command.WEIGH: QT_TRANSLATE_NOOP("VirtualScanner", "Weigh now"),
    Command.TARE: QT_TRANSLATE_NOOP("VirtualScanner", "Tare scale"),
    Command.ZERO: QT_TRANSLATE_NOOP("VirtualScanner", "Zero scale"),
}


def command_label(command: Command) -> str:
    return QCoreApplication.translate("VirtualScanner", _LABELS.get(command, COMMAND_LABELS[command]))


# The commands that get a button of their own in the row; the others are under "More".
MAIN_COMMANDS = (Command.NEXT_ORDER, Command.CLOSE_BOX, Command.CANCEL)


class VirtualScanner(QWidget):
    def __init__(self, bridge, *, simulator: ScannerSimulator | None = None,
                 samples: Iterable[tuple[str, str]] = (), demo=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.simulator = simulator
        self.demo = demo
        self.setObjectName("virtualScanner")
        self.setWindowTitle(self.tr("Virtual devices (demo)"))
        self.setStyleSheet("QWidget { font-size: 11pt; } QPushButton, QToolButton { padding: 3px 8px; min-height: 24px; }"
                           " QLineEdit, QComboBox { min-height: 24px; padding: 1px 4px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.setSpacing(4)
        title = QLabel(self.tr("Demo:"))
        title.setStyleSheet("font-weight: bold; color: #b26a00;")
        row.addWidget(title)
        self.input = QLineEdit()
        self.input.setPlaceholderText(self.tr("Barcode: GTIN, ]C1 GS1 data, SKU, CMD:..."))
        self.input.setMinimumWidth(110)
        self.input.returnPressed.connect(self.scan_input)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.clicked.connect(self.scan_input)
        row.addWidget(self.input, 1)
        row.addWidget(self.scan_button)

        self.command_buttons: dict[Command, QPushButton] = {}
        self.more = QToolButton()
        self.more.setText(self.tr("More"))
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_menu = QMenu(self.more)
        self.more.setMenu(self.more_menu)
        for command in Command:
            button = QPushButton(command_label(command))
            button.clicked.connect(lambda _=False, c=command: self.scan(command_barcode(c)))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.command_buttons[command] = button
            if command in MAIN_COMMANDS:
                row.addWidget(button)
            else:
                action = self.more_menu.addAction(command_label(command))
                action.triggered.connect(button.click)
        self._samples_section = self.more_menu.addSeparator()
        self._sample_actions: list = []
        row.addWidget(self.more)
        self.set_samples(samples)

        self.scale_label = QLabel()
        self.scale_label.setFixedWidth(self.scale_label.fontMetrics().horizontalAdvance("88888 g") + 6)
        self.box_mode = QComboBox()
        self.take_off = QPushButton(self.tr("Take box off"))
        self.printer_button = QPushButton(self.tr("Last label…"))
        if demo is not None:
            row.addSpacing(8)
            row.addWidget(QLabel(self.tr("Scale:")))
            row.addWidget(self.scale_label)
            self.box_mode.addItem(self.tr("box on: its weight"), "right")
            self.box_mode.addItem(self.tr("box on: a wrong weight"), "wrong")
            self.box_mode.addItem(self.tr("box on: nothing"), "none")
            self.box_mode.setCurrentIndex(max(self.box_mode.findData(demo.box_mode), 0))
            self.box_mode.setToolTip(self.tr("What the scale weighs when a box is closed"))
            self.box_mode.currentIndexChanged.connect(lambda _i: demo.set_box_mode(self.box_mode.currentData()))
            self.box_mode.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            row.addWidget(self.box_mode)
            self.take_off.clicked.connect(demo.take_box_off)
            self.take_off.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(self.take_off)
            if demo.printer_folder is not None:
                self.printer_button.clicked.connect(self.show_last_label)
                self.printer_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                row.addWidget(self.printer_button)
            bridge.weighed.connect(self._show_weight)
            self._show_weight(None)

    def set_samples(self, samples: Iterable[tuple[str, str]]) -> None:
        for action in self._sample_actions:
            self.more_menu.removeAction(action)
        self._sample_actions = []
        for label, data in samples:
            action = self.more_menu.addAction(label)
            action.setToolTip(plain_tip(data))
            action.triggered.connect(lambda _=False, d=data: self.scan(d))
            self._sample_actions.append(action)

    def _show_weight(self, event) -> None:
        try:
            grams = None if event is None else event.grams
            self.scale_label.setText("—" if grams is None else self.tr("%1 g").replace("%1", f"{grams:.0f}"))
        except RuntimeError:  # the row was rebuilt (a language switch): the old one no longer listens
            pass

    def show_last_label(self) -> None:
        from app.ui.devices.virtual_printer import VirtualPrinterDialog

        VirtualPrinterDialog(self.demo.printer_folder, self.window()).exec()

    def scan_input(self) -> None:
        text = self.input.text()
        if text.strip():
            self.scan(text.replace("\\x1d", "\x1d").replace("<GS>", "\x1d"))
            self.input.clear()

    def scan(self, data: str) -> None:
        """Send one scan (AIM identifier included if wanted, GS as the character 0x1D)."""
        if self.simulator is not None and self.simulator.plugged:
            self.simulator.scan(data)
        else:
            self.bridge.inject_scan(data, source="virtual")
