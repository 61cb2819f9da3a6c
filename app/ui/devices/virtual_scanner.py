"""An on-screen scanner for demo mode and for trying the station without hardware.

Type or pick a barcode and press *Scan*: with a :class:`ScannerSimulator` attached, the scan is sent down
its pseudo-terminal and comes back through the real serial reader, parser and bridge, exactly as a
hardware scanner's would; without one it is parsed and delivered straight to the bridge
(``source="virtual"``). One button per station command barcode, and optional sample buttons (the demo
passes a few products' GTINs).
"""

from __future__ import annotations

from typing import Iterable

from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.devices.commands import COMMAND_LABELS, Command, command_barcode
from app.devices.simulators import ScannerSimulator


class VirtualScanner(QWidget):
    def __init__(self, bridge, *, simulator: ScannerSimulator | None = None,
                 samples: Iterable[tuple[str, str]] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.simulator = simulator
        self.setObjectName("virtualScanner")
        self.setWindowTitle(self.tr("Virtual scanner"))
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setPlaceholderText(self.tr("Barcode: GTIN, ]C1 GS1 data, SKU, CMD:..."))
        self.input.returnPressed.connect(self.scan_input)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.clicked.connect(self.scan_input)
        row.addWidget(self.input, 1)
        row.addWidget(self.scan_button)
        layout.addLayout(row)

        commands = QGroupBox(self.tr("Commands"))
        grid = QGridLayout(commands)
        self.command_buttons: dict[Command, QPushButton] = {}
        for i, command in enumerate(Command):
            button = QPushButton(self.tr(COMMAND_LABELS[command]))
            button.clicked.connect(lambda _=False, c=command: self.scan(command_barcode(c)))
            grid.addWidget(button, i // 3, i % 3)
            self.command_buttons[command] = button
        layout.addWidget(commands)

        self.samples_box = QGroupBox(self.tr("Samples"))
        self.samples_grid = QGridLayout(self.samples_box)
        layout.addWidget(self.samples_box)
        self.set_samples(samples)
        layout.addStretch(1)

    def set_samples(self, samples: Iterable[tuple[str, str]]) -> None:
        while self.samples_grid.count():
            item = self.samples_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        samples = list(samples)
        for i, (label, data) in enumerate(samples):
            button = QPushButton(label)
            button.setToolTip(data)
            button.clicked.connect(lambda _=False, d=data: self.scan(d))
            self.samples_grid.addWidget(button, i // 2, i % 2)
        self.samples_box.setVisible(bool(samples))

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
