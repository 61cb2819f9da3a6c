"""The Qt side: the bridge's signals on the GUI thread, the keyboard-wedge filter, the set-up screen,
the virtual scanner and the window hook."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThread, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QMainWindow, QVBoxLayout, QWidget

from app.config import DeviceConfig, Settings, load_settings
from app.devices.commands import Command
from app.devices.events import RejectedFrame, ScanEvent
from app.devices.ports import PortInfo
from app.devices.reader import DeviceReader
from app.ui.devices.bridge import DeviceBridge, attach_to_window, scan_text
from app.ui.devices.setup import DeviceSetupScreen
from app.ui.devices.virtual_scanner import VirtualScanner
from app.ui.devices.wedge import KeyboardWedgeFilter


@pytest.fixture
def bridge(qtbot):
    bridge = DeviceBridge()
    yield bridge
    bridge.stop()


def test_reader_events_are_signals_on_the_gui_thread(qtbot, bridge, scanner_sim):
    seen = []
    bridge.scanned.connect(lambda e: seen.append((e, QThread.currentThread() is QCoreApplication.instance().thread())))
    with qtbot.waitSignal(bridge.status_changed, timeout=3000):
        bridge.start([DeviceConfig(kind="scanner", port=scanner_sim.port)])
    with qtbot.waitSignal(bridge.scanned, timeout=3000):
        scanner_sim.scan("]E04006381333931")
    (event, on_gui_thread), = seen
    assert on_gui_thread and event.gtin == "04006381333931"
    with qtbot.waitSignal(bridge.rejected, timeout=3000) as blocker:
        scanner_sim.scan("]E04006381333932")
    assert "check digit" in blocker.args[0].reason and bridge.rejected_count == 1


def test_post_from_a_plain_thread(qtbot, bridge):
    with qtbot.waitSignal(bridge.scanned, timeout=2000) as blocker:
        threading.Thread(target=bridge.inject_scan, args=("CMD:REPRINT",)).start()
    assert blocker.args[0].command is Command.REPRINT


@pytest.fixture
def form(qtbot):
    widget = QWidget()
    layout = QVBoxLayout(widget)
    widget.field = QLineEdit()
    widget.other = QLineEdit()
    layout.addWidget(widget.field)
    layout.addWidget(widget.other)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.field.setFocus()
    return widget


@pytest.fixture
def wedge(qtbot, bridge):
    wedge = KeyboardWedgeFilter(bridge, max_gap_ms=40, min_length=4).install()
    yield wedge
    wedge.uninstall()


def test_a_wedge_scan_goes_to_the_scan_handler_not_the_focused_field(qtbot, form, bridge, wedge):
    form.field.setText("keep")
    with qtbot.waitSignal(bridge.scanned, timeout=2000) as blocker:
        QTest.keyClicks(form.field, "4006381333931")
        QTest.keyClick(form.field, Qt.Key.Key_Return)
    assert blocker.args[0].gtin == "04006381333931" and blocker.args[0].source == "wedge"
    assert form.field.text() == "keep"


def test_a_person_typing_is_never_taken_for_a_scan(qtbot, form, bridge, wedge):
    scanned = []
    bridge.scanned.connect(scanned.append)
    bridge.rejected.connect(scanned.append)
    returned = []
    form.field.returnPressed.connect(lambda: returned.append(form.field.text()))
    QTest.keyClicks(form.field, "4006381333931", Qt.KeyboardModifier.NoModifier, 90)
    qtbot.wait(60)
    QTest.keyClick(form.field, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 90)
    qtbot.wait(100)
    assert form.field.text() == "4006381333931"
    assert returned == ["4006381333931"]
    assert scanned == []


def test_a_short_fast_burst_is_typing_and_keeps_its_order(qtbot, form, bridge, wedge):
    scanned = []
    bridge.scanned.connect(scanned.append)
    QTest.keyClicks(form.field, "ab")
    QTest.keyClick(form.field, Qt.Key.Key_Return)
    QTest.keyClicks(form.field, "cd")
    qtbot.wait(100)
    assert form.field.text() == "abcd" and scanned == []


def test_a_one_digit_count_barcode_is_a_scan_with_the_default_settings(qtbot, form, bridge):
    wedge = KeyboardWedgeFilter(bridge).install()
    try:
        with qtbot.waitSignal(bridge.scanned, timeout=2000) as blocker:
            QTest.keyClicks(form.field, "5")
            QTest.keyClick(form.field, Qt.Key.Key_Return)
        assert blocker.args[0].text == "5" and form.field.text() == ""
        # A person typing the same, at a person's pace, types into the field.
        returned = []
        form.field.returnPressed.connect(lambda: returned.append(form.field.text()))
        QTest.keyClicks(form.field, "5", Qt.KeyboardModifier.NoModifier, 90)
        qtbot.wait(80)
        QTest.keyClick(form.field, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 90)
        qtbot.wait(100)
        assert returned == ["5"]
    finally:
        wedge.uninstall()


def test_wedge_gs1_with_ctrl_bracket_as_fnc1(qtbot, form, bridge, wedge):
    with qtbot.waitSignal(bridge.scanned, timeout=2000) as blocker:
        QTest.keyClicks(form.field, "]C10109506000134352" + "10ABC")
        QTest.keyClick(form.field, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(form.field, "21X9")
        QTest.keyClick(form.field, Qt.Key.Key_Return)
    event = blocker.args[0]
    assert (event.gtin, event.lot, event.serial) == ("09506000134352", "ABC", "X9")
    assert form.field.text() == ""


def test_a_wedge_scan_that_is_not_understood_is_rejected(qtbot, form, bridge, wedge):
    with qtbot.waitSignal(bridge.rejected, timeout=2000):
        QTest.keyClicks(form.field, "4006381333932")
        QTest.keyClick(form.field, Qt.Key.Key_Return)
    assert form.field.text() == ""


def test_setup_screen_lists_ports_tests_live_and_saves(qtbot, scanner_sim, station_config):
    settings = Settings(devices=[DeviceConfig(kind="scale", port="/dev/ttyUSB9", protocol="mt-sics")])
    ports = [PortInfo(scanner_sim.port, "Simulated scanner", 0x05E0, 0x1200, "SN1")]
    screen = DeviceSetupScreen(settings, config_path=station_config, lister=lambda: ports)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.device_list.count() == 1 and screen.kind.currentData() == "scale"
    assert screen.port.itemData(0) == scanner_sim.port and "USB 05E0:1200" in screen.port.itemText(0)

    screen.new_device()
    screen.kind.setCurrentIndex(screen.kind.findData("scanner"))
    screen.port.setCurrentIndex(0)
    screen.terminator.setText(r"\r")
    assert screen.current_config().port == scanner_sim.port
    screen.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in screen.status_label.text() or "connected" in screen.status_label.text(), timeout=3000)
    scanner_sim.scan("]C1" + "0109506000134352" + "10L1")
    scanner_sim.scan("]E04006381333932")
    qtbot.waitUntil(lambda: screen.not_understood == 1 and screen.understood == 1, timeout=3000)
    log = screen.log.toPlainText()
    assert "GTIN 09506000134352" in log and "lot L1" in log and "Not understood: bad check digit" in log
    screen.test_button.click()
    assert screen.test_bridge is None

    screen.match_usb.setChecked(True)
    screen.save()
    saved = load_settings(path=station_config)
    assert [d.kind for d in saved.devices] == ["scale", "scanner"]
    scanner = saved.devices[1]
    assert (scanner.port, scanner.terminator, scanner.usb_vid, scanner.usb_pid, scanner.usb_serial) == (
        scanner_sim.port, "\r", 0x05E0, 0x1200, "SN1")
    assert json.loads(station_config.read_text())["devices"][1]["kind"] == "scanner"
    screen.close()


def test_virtual_scanner_through_the_simulated_scanner(qtbot, bridge, scanner_sim):
    with qtbot.waitSignal(bridge.status_changed, timeout=3000):
        bridge.add_reader(DeviceReader(DeviceConfig(kind="scanner", port=scanner_sim.port), bridge.post))
    widget = VirtualScanner(bridge, simulator=scanner_sim, samples=[("Mug", "]E04006381333931")])
    qtbot.addWidget(widget)
    with qtbot.waitSignal(bridge.scanned, timeout=3000) as blocker:
        widget.command_buttons[Command.CLOSE_BOX].click()
    assert blocker.args[0].command is Command.CLOSE_BOX and blocker.args[0].source == "serial"
    with qtbot.waitSignal(bridge.scanned, timeout=3000) as blocker:
        widget.input.setText("]C10109506000134352<GS>")
        widget.scan_button.click()
    assert blocker.args[0].gtin == "09506000134352"


def test_virtual_scanner_without_a_simulator(qtbot, bridge):
    widget = VirtualScanner(bridge)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(bridge.scanned, timeout=2000) as blocker:
        widget.scan("]C0SKU-1")
    assert blocker.args[0].text == "SKU-1" and blocker.args[0].source == "virtual"


class _Feedback:
    def __init__(self):
        self.bad_messages, self.good_messages = [], []

    def bad(self, message):
        self.bad_messages.append(message)

    def good(self, message):
        self.good_messages.append(message)


class _Window(QMainWindow):
    def __init__(self):
        super().__init__()
        self.feedback = _Feedback()
        self.scans = []

    def handle_scan(self, text):
        self.scans.append(text)


def test_attach_to_window_routes_scans_and_problems(qtbot, scanner_sim):
    window = _Window()
    qtbot.addWidget(window)
    bridge = attach_to_window(window, Settings(devices=[DeviceConfig(kind="scanner", port=scanner_sim.port)]), demo=False)
    try:
        assert window.device_bridge is bridge
        qtbot.waitUntil(lambda: any(s.connected for s in bridge.statuses.values()), timeout=3000)
        scanner_sim.scan("]C0BADGE-7")
        scanner_sim.scan("]E04006381333931")
        scanner_sim.scan("CMD:NEXT-ORDER")
        scanner_sim.scan("]E04006381333932")
        qtbot.waitUntil(lambda: len(window.scans) == 3 and bool(window.feedback.bad_messages), timeout=3000)
        assert window.scans == ["BADGE-7", "]E04006381333931", "CMD:NEXT-ORDER"]
        # In the operator's words; the reader's own ("Invalid GTIN check digit...") never on screen.
        assert window.feedback.bad_messages[0] == "Misread: the check digit does not match. Scan it again."
        scanner_sim.unplug()
        qtbot.waitUntil(lambda: any("disconnected" in m for m in window.feedback.bad_messages), timeout=2500)
    finally:
        bridge.stop()
        bridge.wedge.uninstall()


def test_demo_mode_devices_and_virtual_scanner_dock(qtbot):
    window = _Window()
    qtbot.addWidget(window)
    bridge = attach_to_window(window, Settings(), demo=True)
    demo = bridge.demo_devices
    try:
        qtbot.waitUntil(lambda: sum(s.connected for s in bridge.statuses.values()) == 3, timeout=5000)
        dock = window.findChild(QWidget, "virtualScannerDock")
        assert dock is not None
        dock.widget().scan("]E04006381333931")
        qtbot.waitUntil(lambda: window.scans == ["]E04006381333931"], timeout=3000)
        with qtbot.waitSignal(bridge.tote_read, timeout=5000) as blocker:
            demo.place_tote({"09506000134352": 2})
        assert blocker.args[0].gtin_counts() == {"09506000134352": 2}
        with qtbot.waitSignal(bridge.weighed, timeout=3000):
            demo.scale.set_weight(812.0)
    finally:
        bridge.stop()
        bridge.wedge.uninstall()
        demo.close()


class _SwitchingWindow(_Window):
    language_change_requested = Signal(str)


def test_the_virtual_scanner_speaks_the_new_language_after_a_switch(qtbot, qapp):
    from app.ui.app import install_language

    window = _SwitchingWindow()
    qtbot.addWidget(window)
    window.language_change_requested.connect(lambda language: install_language(qapp, language))
    bridge = attach_to_window(window, Settings(), demo=True)
    demo = bridge.demo_devices
    try:
        dock = window.findChild(QWidget, "virtualScannerDock")
        assert dock.windowTitle() == "Virtual devices (demo)" and dock.widget().scan_button.text() == "Scan"
        window.language_change_requested.emit("zh_CN")
        assert dock.windowTitle() == "虚拟设备（演示）" and dock.widget().scan_button.text() != "Scan"
        dock.widget().scan("]E04006381333931")  # the new scanner still reaches the window
        qtbot.waitUntil(lambda: window.scans == ["]E04006381333931"], timeout=3000)
    finally:
        install_language(qapp, "en")
        bridge.stop()
        bridge.wedge.uninstall()
        demo.close()


def test_scan_text():
    assert scan_text(ScanEvent(raw="]C0X1", kind="text", text="X1")) == "X1"
    assert scan_text(ScanEvent(raw="]E04006381333931", kind="item", gtin="04006381333931")) == "]E04006381333931"
    assert isinstance(RejectedFrame(kind="scanner", reason="x").message, str)
