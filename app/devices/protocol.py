"""What a device protocol looks like to the reader thread.

A protocol turns the bytes of one device into events and may ask for bytes to be written to the device
(a scale is polled, an RFID reader is told to inventory). It is plain, single-threaded Python: the reader
thread (:mod:`app.devices.reader`) owns it and calls it; tests drive it directly with bytes and clock
values. Times are ``time.perf_counter_ns()`` values.
"""

from __future__ import annotations

from typing import Protocol as _Protocol

from app.devices.events import DeviceEvent


class DeviceProtocol(_Protocol):
    kind: str  # scanner | rfid | scale

    def start(self, now_ns: int) -> bytes:
        """The device was (re)connected: forget any state of the previous connection; return bytes to send."""
        ...

    def feed(self, data: bytes, now_ns: int) -> list[DeviceEvent]:
        """Bytes read from the device; returns the events they complete (RejectedFrame included)."""
        ...

    def tick(self, now_ns: int) -> tuple[list[DeviceEvent], bytes]:
        """Called at least every :attr:`tick_interval` seconds: time-driven events (a partial frame gone
        stale, a tote settled) and bytes to send now (a poll)."""
        ...

    def stop(self, now_ns: int) -> list[DeviceEvent]:
        """The device went away: report what was left half-read; nothing already delivered comes again."""
        ...

    @property
    def tick_interval(self) -> float:
        ...


def make_protocol(config, device: str = "") -> DeviceProtocol:
    """The protocol for a :class:`app.config.DeviceConfig` (``kind`` and ``protocol``); ``device`` names it in events."""
    from app.devices import rfid, scale, scanner

    kind = config.kind
    options = dict(config.options or {})
    if kind == "scanner":
        if config.protocol == "wedge":
            raise ValueError("a keyboard-wedge scanner types into the station; it has no port to read")
        return scanner.ScannerProtocol(
            prefix=config.prefix,
            suffix=config.suffix,
            terminator=config.terminator,
            idle_timeout=float(options["idle_timeout"]) if "idle_timeout" in options else None,
            device=device,
        )
    if kind == "rfid":
        name = config.protocol or "r2000"
        if name != "r2000":
            raise ValueError(f"unknown RFID reader protocol {name!r} (known: r2000)")
        return rfid.R2000Protocol(
            address=int(options.get("address", 0xFF)),
            settle=float(options.get("settle", rfid.DEFAULT_SETTLE)),
            forget=float(options.get("forget", rfid.DEFAULT_FORGET)),
            repeat=int(options.get("repeat", 1)),
            device=device,
        )
    if kind == "scale":
        name = config.protocol or "mt-sics"
        if name == "mt-sics":
            return scale.MtSicsProtocol(
                command=str(options.get("command", "SI")),
                poll_interval=float(options.get("poll_interval", scale.DEFAULT_POLL_INTERVAL)),
                device=device,
            )
        if name == "continuous":
            return scale.ContinuousProtocol(device=device)
        raise ValueError(f"unknown scale protocol {name!r} (known: mt-sics, continuous)")
    raise ValueError(f"unknown device kind {kind!r} (known: scanner, rfid, scale)")


KINDS = ("scanner", "rfid", "scale")
PROTOCOLS = {"scanner": ("serial", "wedge"), "rfid": ("r2000",), "scale": ("mt-sics", "continuous")}
