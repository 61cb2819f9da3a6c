"""Serial ports on this machine, and finding the one a configured device is on.

A device is found by USB vendor/product id (and serial number, when set) if the config names them -
so it is found again whatever ``/dev/ttyACM*`` name it gets after being plugged back - else by its port:
a path (``/dev/ttyUSB0``, ``/dev/serial/by-id/...``, a pseudo-terminal) or a pyserial URL
(``socket://host:port``, ``rfc2217://...``, ``loop://``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from serial.tools import list_ports


@dataclass(frozen=True)
class PortInfo:
    device: str
    description: str = ""
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    manufacturer: str | None = None

    @property
    def usb_id(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}" if self.vid is not None and self.pid is not None else ""

    def label(self) -> str:
        parts = [self.device]
        if self.description and self.description != "n/a":
            parts.append(self.description)
        if self.usb_id:
            parts.append(f"USB {self.usb_id}" + (f" SN {self.serial_number}" if self.serial_number else ""))
        return " - ".join(parts)


PortLister = Callable[[], Iterable[PortInfo]]


def list_serial_ports() -> list[PortInfo]:
    ports = []
    for p in list_ports.comports(include_links=True):
        ports.append(PortInfo(p.device, p.description or "", p.vid, p.pid, p.serial_number, p.manufacturer))
    return sorted(ports, key=lambda p: p.device)


def is_url(port: str) -> bool:
    return "://" in port


def resolve_port(config, lister: PortLister = list_serial_ports) -> str | None:
    """The port to open for ``config`` now, or None when the device is not there."""
    if config.usb_vid is not None and config.usb_pid is not None:
        for port in lister():
            if port.vid == config.usb_vid and port.pid == config.usb_pid and (
                not config.usb_serial or port.serial_number == config.usb_serial
            ):
                return port.device
        return None
    if not config.port:
        return None
    if is_url(config.port):
        return config.port
    return config.port if os.path.exists(config.port) else None


def port_present(port: str) -> bool:
    return is_url(port) or os.path.exists(port)
