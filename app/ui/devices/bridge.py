"""The Qt bridge: device events as signals on the GUI thread.

Use::

    bridge = DeviceBridge()
    bridge.scanned.connect(pack_screen.on_scan)       # ScanEvent
    bridge.tote_read.connect(pack_screen.on_tote)     # ToteReadEvent -> app.devices.rfid.compare_tote
    bridge.weighed.connect(pack_screen.on_weight)     # WeightEvent
    bridge.rejected.connect(pack_screen.not_understood)  # RejectedFrame: show event.message
    bridge.status_changed.connect(status_bar.on_device)  # DeviceStatus
    bridge.start(settings.devices)                    # one reader thread per configured device
    ...
    bridge.stop()

Whatever thread an event comes from (a reader thread, the keyboard-wedge filter, the virtual scanner),
every signal is emitted on the thread the bridge lives in - the GUI thread - so slots may touch widgets
and call services directly, whatever connection type they use. The path is one straight line: reader
thread -> protocol parser -> :meth:`DeviceBridge.post` -> queued call -> signal.

Signals (each carries the event object of :mod:`app.devices.events`):

* ``scanned(ScanEvent)``, ``tag_read(TagEvent)``, ``tote_read(ToteReadEvent)``, ``weighed(WeightEvent)``,
  ``rejected(RejectedFrame)``, ``status_changed(DeviceStatus)``;
* ``event(DeviceEvent)`` for every one of them, after its own signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.devices.events import (
    DeviceEvent,
    DeviceStatus,
    RejectedFrame,
    ScaleReply,
    ScanEvent,
    TagEvent,
    ToteReadEvent,
    WeightEvent,
)
from app.devices.reader import DeviceReader
from app.devices.scanner import parse_scan, scan_text
from app.ui.scan_router import rejected_text


class DeviceBridge(QObject):
    scanned = Signal(object)
    tag_read = Signal(object)
    tote_read = Signal(object)
    weighed = Signal(object)
    scale_replied = Signal(object)  # ScaleReply: the scale's answer to a tare or zero
    rejected = Signal(object)
    status_changed = Signal(object)
    event = Signal(object)

    _incoming = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._incoming.connect(self.dispatch, Qt.ConnectionType.QueuedConnection)
        self._signals = {
            ScanEvent: self.scanned,
            TagEvent: self.tag_read,
            ToteReadEvent: self.tote_read,
            WeightEvent: self.weighed,
            ScaleReply: self.scale_replied,
            RejectedFrame: self.rejected,
            DeviceStatus: self.status_changed,
        }
        self.readers: list[DeviceReader] = []
        self.statuses: dict[str, DeviceStatus] = {}
        self.rejected_count = 0
        self.delivered_count = 0

    # -- devices ------------------------------------------------------------------------------------

    def start(self, configs: Iterable) -> list[DeviceReader]:
        """Start one reader thread per :class:`app.config.DeviceConfig` of a kind the bridge reads
        (scanner, rfid, scale; keyboard-wedge entries are handled by the wedge filter)."""
        started = []
        for config in configs:
            if config.kind not in ("scanner", "rfid", "scale") or config.protocol == "wedge":
                continue
            started.append(self.add_reader(DeviceReader(config, self.post)))
        return started

    def add_reader(self, reader: DeviceReader) -> DeviceReader:
        self.readers.append(reader)
        if not reader.running:
            reader.start()
        return reader

    def stop(self) -> None:
        for reader in self.readers:
            reader.stop()
        self.readers.clear()

    def has(self, kind: str) -> bool:
        """Does this station have a device of ``kind`` (scanner, rfid, scale), connected or not?"""
        return any(reader.config.kind == kind for reader in self.readers)

    def state(self, kind: str) -> str:
        """``connected``, ``disconnected``, ``searching`` (set up, not found yet) or ``none`` (not set up)."""
        readers = [r for r in self.readers if r.config.kind == kind]
        if not readers:
            return "none"
        states = [self.statuses[r.name].state for r in readers if r.name in self.statuses]
        if "connected" in states:
            return "connected"
        return "disconnected" if "disconnected" in states else "searching"

    def scale_command(self, name: str) -> str | None:
        """Ask the station's scale to ``tare`` or ``zero``; its answer comes as ``scale_replied``. Returns None
        when the command is on its way, else why it cannot be sent (no scale, not connected, a scale that
        takes no commands)."""
        readers = [r for r in self.readers if r.config.kind == "scale"]
        if not readers:
            return "none"
        reader = next((r for r in readers if r.connected), None)
        if reader is None:
            return "disconnected"
        try:
            reader.send(reader.protocol.command_bytes(name))
        except (ValueError, AttributeError):
            return "no_commands"
        return None

    # -- events -------------------------------------------------------------------------------------

    def post(self, event: DeviceEvent) -> None:
        """Deliver ``event`` from any thread; the signals fire on the bridge's (GUI) thread."""
        if QThread.currentThread() is self.thread():
            self.dispatch(event)
        else:
            self._incoming.emit(event)

    @Slot(object)
    def dispatch(self, event: DeviceEvent) -> None:
        """Emit the signals for ``event``; call on the GUI thread (use :meth:`post` from elsewhere)."""
        if isinstance(event, RejectedFrame):
            self.rejected_count += 1
        elif isinstance(event, DeviceStatus):
            self.statuses[event.device] = event
        self.delivered_count += 1
        signal = self._signals.get(type(event))
        if signal is not None:
            signal.emit(event)
        self.event.emit(event)

    def inject_scan(self, text: str, *, source: str = "virtual", device: str = "") -> ScanEvent | RejectedFrame:
        """Parse ``text`` as a scan (as if a scanner had sent it) and deliver it."""
        event = parse_scan(text, source=source, device=device or source)
        self.post(event)
        return event


def wedge_options(settings) -> dict:
    """Keyboard-wedge tuning from a ``DeviceConfig(kind="scanner", protocol="wedge")`` entry, if any."""
    from PySide6.QtCore import Qt as _Qt

    for config in settings.devices:
        if config.kind == "scanner" and config.protocol == "wedge":
            options = config.options or {}
            terminators = {"\t": (_Qt.Key.Key_Tab,)}.get(config.terminator, (_Qt.Key.Key_Return, _Qt.Key.Key_Enter))
            result = {"terminators": terminators}
            if "max_gap_ms" in options:
                result["max_gap_ms"] = int(options["max_gap_ms"])
            if "min_length" in options:
                result["min_length"] = int(options["min_length"])
            return result
    return {}


def attach_to_window(window, settings, *, demo: bool | None = None) -> DeviceBridge:
    """Wire the station's devices to its main window.

    Starts a reader for every configured serial device and installs the application-wide keyboard-wedge
    filter; scans go to ``window.handle_scan_event(ScanEvent)`` when the window has it, else to
    ``window.handle_scan(text)`` (see :func:`scan_text`); input that was not understood and devices coming
    and going are shown through ``window.feedback`` when there is one. In demo mode (``demo``, or
    ``settings.demo.enabled``) the simulated devices of :class:`app.ui.devices.demo.DemoDevices` are
    started too, with the on-screen virtual scanner in a dock (built again in the new language when the window
    emits ``language_change_requested``). The bridge is kept as
    ``window.device_bridge``; everything stops when the application quits."""
    from PySide6.QtCore import QCoreApplication

    from app.ui.devices.wedge import KeyboardWedgeFilter

    bridge = DeviceBridge(window)
    window.device_bridge = bridge
    on_event = getattr(window, "handle_scan_event", None)
    feedback = getattr(window, "feedback", None)
    if on_event is not None:
        # The window's router takes every scan, read or misread, parsed once here.
        bridge.scanned.connect(on_event)
        bridge.rejected.connect(on_event)
    else:
        bridge.scanned.connect(lambda event: window.handle_scan(scan_text(event)))
        if feedback is not None:
            bridge.rejected.connect(lambda event: feedback.bad(rejected_text(event, getattr(window, "language", "en"))))
    if feedback is not None:
        bridge.status_changed.connect(lambda event: _show_status(feedback, event))
    bridge.wedge = KeyboardWedgeFilter(bridge, parent=bridge, **wedge_options(settings)).install()
    bridge.wedge.window = window
    bridge.start(settings.devices)
    demo = settings.demo.enabled if demo is None else demo
    bridge.demo_devices = None
    if demo:
        from app.ui.devices.demo import DemoDevices

        folder = settings.demo.printer_folder
        bridge.demo_devices = DemoDevices(bridge, company_prefix=settings.gs1_company_prefix,
                                          printer_folder=Path(folder) if folder else None)
        _add_virtual_scanner_dock(window, bridge.demo_devices)

    def shutdown() -> None:
        bridge.stop()
        if bridge.demo_devices is not None:
            bridge.demo_devices.close()
            bridge.demo_devices = None

    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(shutdown)
    return bridge


_KIND_NAMES = {"scanner": "Scanner", "rfid": "RFID reader", "scale": "Scale"}


def _show_status(feedback, event: DeviceStatus) -> None:
    from PySide6.QtCore import QCoreApplication

    name = QCoreApplication.translate("Devices", _KIND_NAMES.get(event.kind, event.kind))
    if event.state == "disconnected":
        feedback.bad(QCoreApplication.translate("Devices", "%1 disconnected: waiting for it to come back").replace("%1", name))
    elif event.state == "connected" and event.seq > 1:
        feedback.good(QCoreApplication.translate("Devices", "%1 connected").replace("%1", name))


def _add_virtual_scanner_dock(window, demo_devices) -> None:
    """The demo's virtual devices in one row along the bottom of the window: docked there, they cover no
    button of any screen (a floating panel over a 1366 x 768 monitor always covers something)."""
    from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

    if not isinstance(window, QMainWindow):
        return
    dock = QDockWidget(window)
    dock.setObjectName("virtualScannerDock")
    dock.setTitleBarWidget(QWidget(dock))  # no title bar: the row says "Demo:" itself
    dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)

    def fill(_language: str = "") -> None:
        old = dock.widget()
        dock.setWindowTitle(QDockWidget.tr("Virtual devices (demo)"))
        dock.setWidget(demo_devices.virtual_scanner(parent=dock))
        if old is not None:
            old.deleteLater()

    fill()
    if hasattr(window, "language_change_requested"):
        # Connected after the window's own switch, so the row is built again once the new language is in.
        window.language_change_requested.connect(fill)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
