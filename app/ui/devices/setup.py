"""The device set-up screen: list ports, pick a kind and its settings, try a live read, save.

:class:`DeviceSetupScreen` edits ``Settings.devices`` (a list of :class:`app.config.DeviceConfig`). On the
left, the devices configured for this station; on the right, the form for the selected one: kind,
protocol, port (with the ports found on this machine; "match by USB id" finds the device again under any
port name), serial framing, and for scanners prefix, suffix and terminator (escapes such as ``\\r`` are
understood). *Test* opens the port with the form's settings and shows every event live - understood ones
as what they mean, others as "Not understood" with the reason - until *Stop*. *Save* writes the station
config with :func:`app.config.save_settings`.

In the station app the screen is the "Devices" tab of supervisors and administrators
(:func:`device_setup_screen`, registered in :mod:`app.ui.devices.registry`): while *Test* runs, the
station's own readers let go of their ports; *Save* starts them again with the saved devices at once.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.config import DeviceConfig, Settings, save_settings
from app.devices.events import DeviceStatus, RejectedFrame, describe_event
from app.devices.ports import PortInfo, PortLister, list_serial_ports
from app.devices.protocol import PROTOCOLS
from app.devices.reader import DeviceReader
from app.devices.scanner import decode_escapes, encode_escapes
from app.ui.devices.bridge import DeviceBridge, wedge_options
from app.ui.devices.wedge import KeyboardWedgeFilter
from app.ui.plain import plain

BAUD_RATES = ("1200", "2400", "4800", "9600", "19200", "38400", "57600", "115200")


class DeviceSetupScreen(QWidget):
    saved = Signal(object)  # the Settings, after they were written

    def __init__(self, settings: Settings, *, config_path: Path | None = None, lister: PortLister = list_serial_ports,
                 station_bridge: Callable[[], DeviceBridge | None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        # The station's own device bridge (the main window's), if any: paused while a device is tested.
        self.station_bridge = station_bridge or (lambda: None)
        self._paused: DeviceBridge | None = None
        self.devices: list[DeviceConfig] = [copy.deepcopy(d) for d in settings.devices]
        self.config_path = config_path
        self.lister = lister
        self.ports: list[PortInfo] = []
        self.test_bridge: DeviceBridge | None = None
        self.test_reader: DeviceReader | None = None
        self.test_wedge: KeyboardWedgeFilter | None = None
        self.understood = 0
        self.not_understood = 0
        self.editing: int | None = None  # the row of the device in the form; None for a new one
        self._saved_usb: tuple[int | None, int | None, str | None] = (None, None, None)
        self.setObjectName("deviceSetupScreen")
        self.setWindowTitle(self.tr("Devices"))
        self._build()
        self.refresh_ports()
        self._reload_list()
        if self.devices:
            self.device_list.setCurrentRow(0)
            self._select(0)
        else:
            self.new_device()

    # -- layout -------------------------------------------------------------------------------------

    def _build(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel(self.tr("Devices of this station")))
        self.device_list = QListWidget()
        self.device_list.itemSelectionChanged.connect(self._selection_changed)
        left_layout.addWidget(self.device_list)
        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.clicked.connect(self.new_device)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_device)
        row.addWidget(self.new_button)
        row.addWidget(self.remove_button)
        left_layout.addLayout(row)

        form_box = QGroupBox(self.tr("Settings"))
        # Two label-field pairs a row, so the form and a useful live log fit a 768-pixel-high bench monitor.
        form = QGridLayout(form_box)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        self.kind = QComboBox()
        for kind, label in (("scanner", self.tr("Barcode scanner")), ("rfid", self.tr("RFID reader")), ("scale", self.tr("Scale"))):
            self.kind.addItem(label, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.protocol = QComboBox()
        self._pair(form, 0, 0, self.tr("Kind"), self.kind)
        self._pair(form, 0, 2, self.tr("Protocol"), self.protocol)
        port_row = QHBoxLayout()
        self.port = QComboBox()
        self.port.setEditable(True)
        self.port.setMinimumContentsLength(24)
        self.port.currentTextChanged.connect(self._update_usb)
        self.port.activated.connect(self._port_picked)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh_ports)
        port_row.addWidget(self.port, 1)
        port_row.addWidget(self.refresh_button)
        form.addWidget(QLabel(self.tr("Port")), 1, 0)
        form.addLayout(port_row, 1, 1, 1, 3)
        self.match_usb = QCheckBox(self.tr("Find it by USB id, under any port name"))
        form.addWidget(self.match_usb, 2, 0, 1, 2)
        self.usb_label = QLabel("")
        self._pair(form, 2, 2, self.tr("USB id"), self.usb_label)
        self.baud = QComboBox()
        self.baud.setEditable(True)
        self.baud.addItems(BAUD_RATES)
        self.bytesize = QComboBox()
        self.bytesize.addItems(["8", "7"])
        self._pair(form, 3, 0, self.tr("Baud rate"), self.baud)
        self._pair(form, 3, 2, self.tr("Data bits"), self.bytesize)
        self.parity = QComboBox()
        for code, label in (("N", self.tr("None")), ("E", self.tr("Even")), ("O", self.tr("Odd"))):
            self.parity.addItem(label, code)
        self.stopbits = QComboBox()
        self.stopbits.addItems(["1", "2"])
        self._pair(form, 4, 0, self.tr("Parity"), self.parity)
        self._pair(form, 4, 2, self.tr("Stop bits"), self.stopbits)
        self.prefix = QLineEdit()
        self.suffix = QLineEdit()
        self.terminator = QLineEdit()
        self.terminator.setPlaceholderText(self.tr("empty: a pause ends a scan"))
        self.prefix_label = self._pair(form, 5, 0, self.tr("Prefix"), self.prefix)
        self.suffix_label = self._pair(form, 5, 2, self.tr("Suffix"), self.suffix)
        self.terminator_label = self._pair(form, 6, 0, self.tr("Terminator"), self.terminator)

        buttons = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Test"))
        self.test_button.setCheckable(True)
        self.test_button.toggled.connect(self._test_toggled)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addLayout(buttons, 6, 2, 1, 2)  # beside the terminator: one row less than a row of its own

        self.counts_label = QLabel("")
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(500)
        self.log.setMinimumHeight(120)
        self.log.setPlaceholderText(self.tr("Press Test, then scan, read a tag or put something on the scale."))
        self.status_label = QLabel("")
        plain(self.usb_label, self.counts_label, self.status_label)  # what a test scan read is shown as read

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(form_box)
        right_layout.addWidget(self.counts_label)
        right_layout.addWidget(self.log, 1)
        right_layout.addWidget(self.status_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    @staticmethod
    def _pair(grid: QGridLayout, row: int, column: int, text: str, field: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(field)
        grid.addWidget(label, row, column)
        grid.addWidget(field, row, column + 1)
        return label

    # -- ports --------------------------------------------------------------------------------------

    def refresh_ports(self) -> None:
        current = self.port.currentText()
        self.ports = list(self.lister())
        self.port.blockSignals(True)
        self.port.clear()
        for info in self.ports:
            self.port.addItem(info.label(), info.device)
        self.port.setEditText(current)
        self.port.blockSignals(False)

    def _port_picked(self, index: int) -> None:
        # The list shows "port - description - USB id"; the field keeps just the port (after Qt's own update).
        device = self.port.itemData(index)
        if device:
            QTimer.singleShot(0, lambda: self.port.setEditText(device))

    def _port_text(self) -> str:
        port = self.port.currentText().strip()
        listed = self.port.findText(port)
        return self.port.itemData(listed) if listed >= 0 else port  # a picked entry shows its label

    def _usb_ids(self) -> tuple[int | None, int | None, str | None]:
        """The USB ids of the port in the form if this machine lists it, else those the device was saved with."""
        info = next((p for p in self.ports if p.device == self._port_text()), None)
        if info is not None and info.usb_id:
            return info.vid, info.pid, info.serial_number
        return self._saved_usb

    def _update_usb(self) -> None:
        vid, pid, serial_number = self._usb_ids()
        known = vid is not None and pid is not None
        self.usb_label.setText(f"{vid:04X}:{pid:04X}" + (f"  SN {serial_number}" if serial_number else "") if known else "")
        self.match_usb.setEnabled(known)

    # -- the list -----------------------------------------------------------------------------------

    def _reload_list(self) -> None:
        self.device_list.blockSignals(True)
        self.device_list.clear()
        for device in self.devices:
            self.device_list.addItem(f"{self.kind.itemText(self.kind.findData(device.kind))}: {device.port or '-'}")
        self.device_list.blockSignals(False)

    def _selection_changed(self) -> None:
        # Selection, not the current row: focusing the list makes a row current without choosing it.
        rows = [self.device_list.row(item) for item in self.device_list.selectedItems()]
        if rows:
            self._select(rows[0])

    def _select(self, row: int) -> None:
        if 0 <= row < len(self.devices):
            self.editing = row
            self.load(self.devices[row])

    def new_device(self) -> None:
        self.device_list.blockSignals(True)
        self.device_list.setCurrentRow(-1)
        self.device_list.clearSelection()
        self.device_list.blockSignals(False)
        self.editing = None
        self.load(DeviceConfig(kind="scanner"))

    def remove_device(self) -> None:
        row = self.editing
        if row is not None and 0 <= row < len(self.devices):
            del self.devices[row]
            self._reload_list()
            self.new_device()

    # -- the form -----------------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.protocol.clear()
        self.protocol.addItems(list(PROTOCOLS.get(kind, ())))
        is_scanner = kind == "scanner"
        for widget in (self.prefix, self.suffix, self.terminator, self.prefix_label, self.suffix_label, self.terminator_label):
            widget.setVisible(is_scanner)
        if kind == "rfid" and self.baud.currentText() == "9600":
            self.baud.setCurrentText("115200")

    def load(self, device: DeviceConfig) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(device.kind)))
        self._kind_changed()
        if device.protocol:
            self.protocol.setCurrentText(device.protocol)
        self._saved_usb = (device.usb_vid, device.usb_pid, device.usb_serial)
        self.port.setEditText(device.port)
        self._update_usb()
        self.match_usb.setChecked(device.usb_vid is not None)
        self.baud.setCurrentText(str(device.baudrate))
        self.bytesize.setCurrentText(str(device.bytesize))
        self.parity.setCurrentIndex(max(0, self.parity.findData(device.parity)))
        self.stopbits.setCurrentText(str(int(device.stopbits)))
        self.prefix.setText(encode_escapes(device.prefix))
        self.suffix.setText(encode_escapes(device.suffix))
        self.terminator.setText(encode_escapes(device.terminator))
        self._options = dict(device.options)

    def current_config(self) -> DeviceConfig:
        """The form as a DeviceConfig."""
        vid, pid, serial_number = self._usb_ids()
        by_usb = self.match_usb.isChecked() and vid is not None and pid is not None
        kind = self.kind.currentData()
        port = self._port_text()
        return DeviceConfig(
            kind=kind,
            port=port,
            baudrate=int(self.baud.currentText() or 9600),
            bytesize=int(self.bytesize.currentText()),
            parity=self.parity.currentData(),
            stopbits=int(self.stopbits.currentText()),
            prefix=decode_escapes(self.prefix.text()) if kind == "scanner" else "",
            suffix=decode_escapes(self.suffix.text()) if kind == "scanner" else "",
            terminator=decode_escapes(self.terminator.text()) if kind == "scanner" else "\r",
            usb_vid=vid if by_usb else None,
            usb_pid=pid if by_usb else None,
            usb_serial=serial_number if by_usb else None,
            protocol=self.protocol.currentText(),
            options=dict(getattr(self, "_options", {})),
        )

    # -- live test ----------------------------------------------------------------------------------

    def _test_toggled(self, on: bool) -> None:
        if on:
            self.start_test()
        else:
            self.stop_test()

    def start_test(self) -> None:
        self.stop_test()
        config = self.current_config()
        self.log.clear()
        self.understood = self.not_understood = 0
        self._show_counts()
        self._pause_station_devices()
        self.test_bridge = DeviceBridge(self)
        self.test_bridge.event.connect(self._test_event)
        try:
            self._start_test_device(config)
        except ValueError as exc:
            self.log.appendPlainText(self.tr("Cannot test: {0}").format(exc))
            self.stop_test()
            return
        self.test_button.blockSignals(True)
        self.test_button.setChecked(True)
        self.test_button.setText(self.tr("Stop"))
        self.test_button.blockSignals(False)

    def _start_test_device(self, config: DeviceConfig) -> None:
        if config.kind == "scanner" and config.protocol == "wedge":
            options = wedge_options(Settings(devices=[config]))
            self.test_wedge = KeyboardWedgeFilter(self.test_bridge, parent=self.test_bridge, **options).install()
            self.log.appendPlainText(self.tr("Scan something: keyboard-wedge scans show here."))
            return
        reader = DeviceReader(config, self.test_bridge.post, name=config.port or config.kind, lister=self.lister)
        self.test_reader = self.test_bridge.add_reader(reader)

    def stop_test(self) -> None:
        if self.test_wedge is not None:
            self.test_wedge.uninstall()
            self.test_wedge = None
        if self.test_bridge is not None:
            self.test_bridge.stop()
            self.test_bridge.deleteLater()
        self.test_bridge = self.test_reader = None
        self._resume_station_devices()
        self.test_button.blockSignals(True)
        self.test_button.setChecked(False)
        self.test_button.setText(self.tr("Test"))
        self.test_button.blockSignals(False)

    def _pause_station_devices(self) -> None:
        """The station's readers let go of their ports while one is tested here (two readers on one serial
        port would each get half of what it sends)."""
        bridge = self.station_bridge()
        if bridge is not None and self._paused is None:
            bridge.stop()
            self._paused = bridge

    def _resume_station_devices(self) -> None:
        bridge, self._paused = self._paused, None
        if bridge is not None:
            bridge.start(self.settings.devices)

    def _test_event(self, event) -> None:
        if isinstance(event, RejectedFrame):
            self.not_understood += 1
        elif isinstance(event, DeviceStatus):
            self.status_label.setText(describe_event(event))
        else:
            self.understood += 1
        self.log.appendPlainText(describe_event(event))
        self._show_counts()

    def _show_counts(self) -> None:
        self.counts_label.setText(self.tr("{0} understood, {1} not understood").format(self.understood, self.not_understood))

    # -- saving -------------------------------------------------------------------------------------

    def save(self) -> Path:
        self.stop_test()
        config = self.current_config()
        row = self.editing
        if row is not None and 0 <= row < len(self.devices):
            self.devices[row] = config
        else:
            self.devices.append(config)
            row = self.editing = len(self.devices) - 1
        self.settings.devices = [copy.deepcopy(d) for d in self.devices]
        path = save_settings(self.settings, self.config_path)
        self._reload_list()
        self.device_list.blockSignals(True)
        self.device_list.setCurrentRow(row)
        self.device_list.item(row).setSelected(True)
        self.device_list.blockSignals(False)
        self.status_label.setText(self.tr("Saved to {0}").format(path))
        bridge = self.station_bridge()
        if bridge is not None:  # the station reads with the saved devices from now on
            bridge.stop()
            bridge.start(self.settings.devices)
        self.saved.emit(self.settings)
        return path

    def shutdown(self) -> None:
        """At log-out: a test still running stops and the station's readers come back."""
        self.stop_test()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.stop_test()
        super().closeEvent(event)


def device_setup_screen(env) -> DeviceSetupScreen:
    """The factory for the main window (``app.ui.screens``): the station's devices, saved in its config file
    (the database address only if the file already named one, as the settings screen does) and taken into
    use by the running station at once."""
    from app.admin.sites import report_devices
    from app.config import config_path
    from app.ui.common import run_action
    from app.ui.settings import settings_for_file

    screen = DeviceSetupScreen(settings_for_file(env.ctx.settings), config_path=config_path())
    screen.station_bridge = lambda: getattr(screen.window(), "device_bridge", None)

    def saved(settings: Settings) -> None:
        env.ctx.settings.devices = [copy.deepcopy(d) for d in settings.devices]
        run_action(env.feedback, lambda: report_devices(env.ctx.sessions, env.station, settings.devices))

    screen.saved.connect(saved)
    return screen
