"""One thread per device: find the port, open it, read, parse, deliver; reconnect by itself.

The scan path is one straight line: this thread reads the bytes, hands them to the device's protocol
(:mod:`app.devices.scanner`, :mod:`app.devices.rfid`, :mod:`app.devices.scale`) and passes each event it
returns to ``sink`` - in the GUI, :class:`app.ui.devices.bridge.DeviceBridge`, which re-emits it as a Qt
signal on the GUI thread; on the command line, a queue.

Hot-plug: a read or write error, or the port vanishing (checked every ``presence_interval`` seconds),
closes the port at once and delivers ``DeviceStatus(state="disconnected")``; the thread then looks for the
device every ``retry_interval`` seconds - by port, or by USB vendor/product/serial number - and delivers
``DeviceStatus(state="connected")`` when it is back. Every complete frame read is delivered exactly once, in
order, with ``seq`` counting up across reconnections; a frame cut off by the unplug is delivered as a
:class:`RejectedFrame`, never as an item, and nothing from before the unplug is delivered again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import serial

from app.devices.events import DeviceEvent, DeviceStatus
from app.devices.ports import PortLister, list_serial_ports, port_present, resolve_port
from app.devices.protocol import DeviceProtocol, make_protocol

log = logging.getLogger("station.devices")

Sink = Callable[[DeviceEvent], None]

_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD, "M": serial.PARITY_MARK, "S": serial.PARITY_SPACE}


def open_serial(port: str, config, timeout: float) -> serial.SerialBase:
    """Open ``port`` with the framing of ``config`` (baud rate, data bits, parity, stop bits)."""
    handle = serial.serial_for_url(port, do_not_open=True)
    handle.baudrate = int(config.baudrate)
    handle.bytesize = int(config.bytesize)
    handle.parity = _PARITY.get(str(config.parity).upper()[:1], serial.PARITY_NONE)
    handle.stopbits = float(config.stopbits) if float(config.stopbits) == 1.5 else int(config.stopbits)
    handle.timeout = timeout
    handle.write_timeout = 1.0
    handle.open()
    return handle


class DeviceReader:
    """Reads one configured device (:class:`app.config.DeviceConfig`) on a thread of its own."""

    def __init__(
        self,
        config,
        sink: Sink,
        *,
        name: str | None = None,
        protocol: DeviceProtocol | None = None,
        lister: PortLister = list_serial_ports,
        retry_interval: float = 0.25,
        presence_interval: float = 0.5,
    ) -> None:
        self.config = config
        self.name = name or config.port or f"{config.kind}"
        self.sink = sink
        self.protocol = protocol or make_protocol(config, device=self.name)
        self.lister = lister
        self.retry_interval = retry_interval
        self.presence_interval = presence_interval
        self.counts: Counter[str] = Counter()
        self.port: str | None = None
        self._serial: serial.SerialBase | None = None
        self._seq = 0
        self._state = ""
        self._outbox: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"device-{config.kind}-{self.name}", daemon=True)

    # -- control, from any thread -----------------------------------------------------------------

    def start(self) -> DeviceReader:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def connected(self) -> bool:
        return self._state == "connected"

    def send(self, data: bytes) -> None:
        """Queue bytes for the device (a tare command, say); written by the reader thread."""
        self._outbox.put(bytes(data))

    # -- the thread ---------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._serial is None:
                    if not self._connect():
                        self._stop.wait(self.retry_interval)
                    continue
                self._service()
        except Exception:  # noqa: BLE001 - a bug here must be logged, never kill the app
            log.exception("device reader %s stopped by an unexpected error", self.name)
        finally:
            self._close()

    def _connect(self) -> bool:
        port = resolve_port(self.config, self.lister)
        if port is None:
            self._set_state(self._absent_state, "", "device not found")
            return False
        try:
            self._serial = open_serial(port, self.config, timeout=min(0.05, self.protocol.tick_interval))
        except (serial.SerialException, OSError, ValueError) as exc:
            self._serial = None
            self._set_state(self._absent_state, port, f"cannot open: {exc}")
            return False
        self.port = port
        now = time.perf_counter_ns()
        if self._state:
            self.counts["reconnects"] += 1
        self._set_state("connected", port, "")
        self._last_presence = now
        self._write(self.protocol.start(now))
        return True

    @property
    def _absent_state(self) -> str:
        """Not there: ``searching`` until it has been connected once, ``disconnected`` after."""
        return "disconnected" if self._state in ("connected", "disconnected") else "searching"

    def _service(self) -> None:
        handle = self._serial
        assert handle is not None
        try:
            data = handle.read(handle.in_waiting or 1)
            if data:
                waiting = handle.in_waiting
                if waiting:
                    data += handle.read(waiting)
        except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
            self._lost(f"read failed: {exc}")
            return
        now = time.perf_counter_ns()
        if data:
            self.counts["bytes"] += len(data)
            for event in self.protocol.feed(data, now):
                self._deliver(event)
        events, out = self.protocol.tick(now)
        for event in events:
            self._deliver(event)
        while True:
            try:
                out += self._outbox.get_nowait()
            except queue.Empty:
                break
        if out and not self._write(out):
            return
        if now - self._last_presence >= self.presence_interval * 1e9:
            self._last_presence = now
            if self.port and not port_present(self.port):
                self._lost("the port vanished")

    def _write(self, data: bytes) -> bool:
        if not data or self._serial is None:
            return True
        try:
            self._serial.write(data)
            return True
        except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
            self._lost(f"write failed: {exc}")
            return False

    def _lost(self, detail: str) -> None:
        now = time.perf_counter_ns()
        self._close()
        for event in self.protocol.stop(now):
            self._deliver(event)
        self._set_state("disconnected", self.port or "", detail)

    def _close(self) -> None:
        handle, self._serial = self._serial, None
        if handle is not None:
            try:
                handle.close()
            except Exception:  # noqa: BLE001 - closing a port whose device is gone may fail; it is gone anyway
                pass

    def _set_state(self, state: str, port: str, detail: str) -> None:
        if state == self._state:
            return
        self._state = state
        self._deliver(DeviceStatus(kind=self.config.kind, state=state, port=port, detail=detail, received_ns=time.perf_counter_ns()))

    def _deliver(self, event: DeviceEvent) -> None:
        self._seq += 1
        event = replace(event, seq=self._seq, device=self.name)
        self.counts[event.event_name] += 1
        try:
            self.sink(event)
        except Exception:  # noqa: BLE001 - a consumer's bug must not stop the device
            log.exception("device event consumer failed on %s", event.event_name)
