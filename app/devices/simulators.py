"""Simulated devices on pseudo-terminals, speaking the real protocols.

Each simulator opens a pty and behaves like the device on its far end: the station (or
``station devices listen``) opens :attr:`PtyDevice.path` like any serial port. ``link`` gives it a stable
name (a symlink, like udev's ``/dev/serial/by-id/...``) that survives :meth:`PtyDevice.unplug` /
:meth:`PtyDevice.plug`, so hot-plug can be tried without hardware.

* :class:`ScannerSimulator` sends scans framed with prefix, suffix and terminator, optionally with AIM
  identifiers, paced at the serial line's baud rate.
* :class:`RfidReaderSimulator` answers the R2000 protocol: real-time inventory rounds over the tags "in
  the field" (:meth:`~RfidReaderSimulator.place` a tote, :meth:`~RfidReaderSimulator.remove` it).
* :class:`ScaleSimulator` answers MT-SICS (``S``, ``SI``, ``Z``, ``T``, ``I4``, ``@``) or sends the continuous
  ``ST,GS,+0001.234kg`` format by itself.

Used by the tests, the benchmark, demo mode and the runnable scripts in ``scripts/sim/``.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Iterable
from pathlib import Path

from app.devices import rfid


class DeviceUnplugged(OSError):
    pass


class PtyDevice:
    """A device at the far end of a pseudo-terminal."""

    def __init__(self, *, link: str | Path | None = None, baudrate: int | None = None) -> None:
        self.link = Path(link) if link else None
        self.baudrate = baudrate
        self.path = ""
        self._master: int | None = None
        self._slave: int | None = None
        self._write_lock = threading.Lock()
        self._closing = threading.Event()
        self._listener: threading.Thread | None = None
        self.plug()

    # -- plugging -----------------------------------------------------------------------------------

    @property
    def plugged(self) -> bool:
        return self._master is not None

    @property
    def port(self) -> str:
        """What the station should open: the stable link if there is one, else the pty itself."""
        return str(self.link) if self.link else self.path

    def plug(self) -> None:
        if self.plugged:
            return
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line editing, no CR/LF translation until the station configures it
        self._master, self._slave = master, slave
        self.path = os.ttyname(slave)
        if self.link:
            tmp = self.link.with_name(self.link.name + ".new")
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(self.path)
            tmp.replace(self.link)
        self._closing.clear()
        self._listener = threading.Thread(target=self._listen, name=f"sim-{type(self).__name__}", daemon=True)
        self._listener.start()

    def unplug(self) -> None:
        """Pull the cable: the station's next read fails, and the port (and its link) disappears."""
        if not self.plugged:
            return
        self._closing.set()
        if self._listener is not None and self._listener is not threading.current_thread():
            self._listener.join(1.0)
        with self._write_lock:
            master, slave = self._master, self._slave
            self._master = self._slave = None
            if self.link:
                self.link.unlink(missing_ok=True)
            for fd in (master, slave):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass

    def close(self) -> None:
        self.unplug()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- talking ------------------------------------------------------------------------------------

    def write(self, data: bytes, *, paced: bool = True) -> int:
        """Send bytes to the station; returns ``time.perf_counter_ns()`` right after the last byte left."""
        with self._write_lock:
            if self._master is None:
                raise DeviceUnplugged("the simulated device is unplugged")
            view = memoryview(data)
            while view:
                written = os.write(self._master, view)
                view = view[written:]
            sent = time.perf_counter_ns()
        if paced and self.baudrate:
            time.sleep(len(data) * 10 / self.baudrate)
        return sent

    send_raw = write

    def handle(self, data: bytes) -> None:
        """Bytes the station sent to the device."""

    def _listen(self) -> None:
        master = self._master
        while not self._closing.is_set() and master is not None:
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except OSError:
                if self._closing.wait(0.05):
                    return
                continue
            if data:
                try:
                    self.handle(data)
                except DeviceUnplugged:
                    return


class ScannerSimulator(PtyDevice):
    """A serial barcode scanner."""

    def __init__(self, *, prefix: str = "", suffix: str = "", terminator: str = "\r", aim: bool = True,
                 link: str | Path | None = None, baudrate: int | None = None) -> None:
        self.prefix, self.suffix, self.terminator, self.aim = prefix, suffix, terminator, aim
        super().__init__(link=link, baudrate=baudrate)

    def frame(self, data: str, symbology: str = "") -> bytes:
        ident = symbology if self.aim else ""
        return (self.prefix + ident + data + self.suffix + self.terminator).encode("utf-8")

    def scan(self, data: str, symbology: str = "") -> int:
        """Send one scan; ``symbology`` is its AIM identifier (``]C1``...), sent only when ``aim`` is on.
        Returns the time the last byte was written."""
        return self.write(self.frame(data, symbology))


class RfidReaderSimulator(PtyDevice):
    """An R2000-module UHF reader answering real-time inventory over the tags in its field."""

    def __init__(self, *, address: int = rfid.BROADCAST, link: str | Path | None = None, baudrate: int | None = 115200,
                 min_round: float = 0.02) -> None:
        self.address = address
        self.min_round = min_round
        self._tags: dict[str, int] = {}
        self._tags_lock = threading.Lock()
        self._framer = rfid.R2000Framer()
        self.rounds = 0
        self.last_tag_write_ns = 0  # when the last tag frame of the latest round left (for the benchmark)
        self.commands: list[int] = []
        super().__init__(link=link, baudrate=baudrate)

    def place(self, epcs: Iterable[str], rssi: int = -55) -> None:
        """Put tags (EPC hex) in the field."""
        with self._tags_lock:
            for epc in epcs:
                self._tags[epc.upper()] = rssi

    def remove(self, epcs: Iterable[str] | None = None) -> None:
        """Take tags out of the field (all of them when ``epcs`` is None)."""
        with self._tags_lock:
            if epcs is None:
                self._tags.clear()
            for epc in epcs or ():
                self._tags.pop(epc.upper(), None)

    def handle(self, data: bytes) -> None:
        for frame in self._framer.feed(data):
            if isinstance(frame, rfid.FrameError):
                self.write(rfid.error_frame(0x41, 0x00, self.address))
                continue
            self.commands.append(frame.command)
            if frame.command == rfid.Cmd.REAL_TIME_INVENTORY:
                repeat = frame.data[0] if frame.data else 1
                for _ in range(max(1, min(repeat, 16))):
                    self._round()
            elif frame.command == rfid.Cmd.GET_FIRMWARE_VERSION:
                self.write(rfid.build_frame(frame.command, b"\x08\x01", self.address))
            elif frame.command != rfid.Cmd.RESET:
                self.write(rfid.build_frame(frame.command, b"\x10", self.address))

    def _round(self) -> None:
        started = time.monotonic()
        with self._tags_lock:
            tags = list(self._tags.items())
        if tags:
            payload = b"".join(
                rfid.tag_frame(bytes.fromhex(epc), rssi_dbm=rssi - (i % 7), antenna=1, freq=i % 50, address=self.address)
                for i, (epc, rssi) in enumerate(tags)
            )
            self.last_tag_write_ns = self.write(payload)
        self.rounds += 1
        rest = self.min_round - (time.monotonic() - started)
        if rest > 0:
            time.sleep(rest)
        self.write(rfid.round_end_frame(read_rate=len(tags), total_read=len(tags), address=self.address))


class ScaleSimulator(PtyDevice):
    """A packing scale speaking MT-SICS (``mode="mt-sics"``) or sending continuous output (``"continuous"``)."""

    def __init__(self, *, mode: str = "mt-sics", unit: str = "g", rate: float = 10.0, settle_wait: float = 2.0,
                 link: str | Path | None = None, baudrate: int | None = None) -> None:
        if mode not in ("mt-sics", "continuous"):
            raise ValueError(f"unknown scale mode {mode!r}")
        self.mode, self.unit, self.rate, self.settle_wait = mode, unit, rate, settle_wait
        self.weight = 0.0  # what lies on the platform (gross, grams or the unit's)
        self.stable = True
        self.overload = False
        self.tare = 0.0
        self.zero_offset = 0.0  # set by Z: the platform's reading taken as zero
        self.zero_range = 600.0  # Z works within this of the zero it knows (2 % of a 30 kg scale)
        self.commands: list[str] = []  # every command the station sent, in order
        self._line = bytearray()
        self._stable_changed = threading.Condition()
        self._streamer: threading.Thread | None = None
        super().__init__(link=link, baudrate=baudrate)

    def set_weight(self, weight: float, *, stable: bool = True) -> None:
        with self._stable_changed:
            self.weight, self.stable, self.overload = float(weight), stable, False
            self._stable_changed.notify_all()

    def set_overload(self, on: bool = True) -> None:
        self.overload = on

    def plug(self) -> None:
        super().plug()
        if self.mode == "continuous":
            self._streamer = threading.Thread(target=self._stream, name="sim-scale-stream", daemon=True)
            self._streamer.start()

    @property
    def shown(self) -> float:
        """What the scale shows: the load less its zero and its tare."""
        return self.weight - self.zero_offset - self.tare

    def _value(self) -> str:
        decimals = 3 if self.unit == "kg" else 2 if self.unit == "g" else 3
        return f"{self.shown:.{decimals}f}"

    def _stream(self) -> None:
        while not self._closing.wait(1.0 / self.rate):
            if self.overload:
                line = f"OL,GS,+9999.999{self.unit}\r\n"
            else:
                value = self.shown
                sign = "-" if value < 0 else "+"
                line = f"{'ST' if self.stable else 'US'},{'NT' if self.tare else 'GS'},{sign}{abs(value):08.3f}{self.unit}\r\n"
            try:
                self.write(line.encode("ascii"), paced=False)
            except (DeviceUnplugged, OSError):
                return

    def handle(self, data: bytes) -> None:
        if self.mode != "mt-sics":
            return
        self._line += data
        while True:
            cut = min((i for i in (self._line.find(b"\r"), self._line.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                return
            command = bytes(self._line[:cut]).decode("ascii", "replace").strip().upper()
            del self._line[: cut + 1]
            if command:
                self.commands.append(command)
                self.write(self.answer(command).encode("ascii") + b"\r\n")

    def answer(self, command: str) -> str:
        if command in ("S", "SI"):
            if self.overload:
                return "S +"
            if command == "S" and not self.stable:
                with self._stable_changed:
                    self._stable_changed.wait_for(lambda: self.stable or self._closing.is_set(), timeout=self.settle_wait)
                if not self.stable:
                    return "S I"
            return f"S {'S' if self.stable else 'D'} {self._value():>10} {self.unit}"
        if command == "Z":
            if not self.stable:
                return "Z I"
            drift = self.weight - self.zero_offset
            if abs(drift) > self.zero_range:
                return "Z +" if drift > 0 else "Z -"
            self.zero_offset, self.tare = self.weight, 0.0
            return "Z A"
        if command == "T":
            if not self.stable:
                return "T I"
            if self.weight - self.zero_offset < 0:
                return "T -"
            self.tare = self.weight - self.zero_offset
            return f"T S {self.tare:>10.2f} {self.unit}"
        if command == "I4":
            return 'I4 A "0123456789"'
        if command == "@":
            return 'I4 A "0123456789"'
        return "ES"
