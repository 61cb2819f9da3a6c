"""Devices at the packing bench: barcode scanners, UHF RFID readers and scales on serial ports.

Plain Python, no Qt. The scan path is one straight line::

    DeviceReader thread (reader.py)  ->  protocol parser  ->  sink
        serial port, hot-plug              scanner.py: AIM + GS1 (biip) + command barcodes
                                           rfid.py: R2000 frames, SGTIN/SSCC EPCs (pyepc), totes
                                           scale.py: MT-SICS, continuous output

The sink is :class:`app.ui.devices.bridge.DeviceBridge` in the GUI (Qt signals on the GUI thread) or a
queue in ``station devices listen``. What comes out is in :mod:`app.devices.events`; the pack service
takes :class:`~app.devices.events.ScanEvent` (and compares RFID totes with
:func:`app.devices.rfid.compare_tote`). Simulators speaking the real protocols on pseudo-terminals are in
:mod:`app.devices.simulators`.
"""

from app.devices.commands import Command, command_barcode, parse_command
from app.devices.events import (
    DeviceEvent,
    DeviceStatus,
    RejectedFrame,
    ScanEvent,
    TagEvent,
    ToteReadEvent,
    WeightEvent,
    describe_event,
)
from app.devices.scanner import parse_scan

__all__ = [
    "Command",
    "DeviceEvent",
    "DeviceStatus",
    "RejectedFrame",
    "ScanEvent",
    "TagEvent",
    "ToteReadEvent",
    "WeightEvent",
    "command_barcode",
    "describe_event",
    "parse_command",
    "parse_scan",
]
