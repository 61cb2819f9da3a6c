"""``station devices listen`` and ``station devices ports``: check a bench's scanner, RFID reader and scale.

``listen`` opens one device with the same reader thread and parsers the station uses and prints each
event it understood - one JSON object a line with ``--json`` (see :mod:`app.devices.events` for the
fields: scans have ``raw``, ``symbology``, ``gtin``, ``lot``, ``expiry``, ``sscc``...; tags ``epc``, ``gtin``,
``serial``, ``rssi``; weights ``weight``, ``unit``, ``stable``) - and each frame it rejected, with the reason.
Device comings and goings are printed too (``"event": "status"``). It runs until Ctrl+C, ``--count``
events or ``--seconds``.
"""

from __future__ import annotations

import argparse
import queue
import sys
import time

from app.cli.main import command, print_json
from app.config import DeviceConfig, load_settings
from app.devices.events import DeviceStatus, RejectedFrame, describe_event
from app.devices.ports import list_serial_ports
from app.devices.protocol import KINDS, PROTOCOLS
from app.devices.reader import DeviceReader
from app.devices.scanner import decode_escapes
from app.errors import InvalidInput


def register(subparsers) -> None:
    devices = subparsers.add_parser("devices", help="scanners, RFID readers and scales")
    sub = devices.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    listen = command(sub, "listen", listen_command, help="read a device and print what it understood, one event a line")
    listen.add_argument("--port", help="serial port, pty or pyserial URL (default: the configured device of --kind)")
    listen.add_argument("--kind", choices=KINDS, help="device kind (default: scanner, or the configured device's)")
    listen.add_argument("--protocol", help="scale: mt-sics or continuous; rfid: r2000")
    listen.add_argument("--baud", type=int, help="baud rate (default: configured, else 9600; 115200 for rfid)")
    listen.add_argument("--bytesize", type=int, choices=(7, 8))
    listen.add_argument("--parity", choices=("N", "E", "O"))
    listen.add_argument("--stopbits", type=int, choices=(1, 2))
    listen.add_argument("--prefix", help=r"scanner prefix (escapes such as \x02 understood)")
    listen.add_argument("--suffix", help="scanner suffix")
    listen.add_argument("--terminator", help=r"scanner terminator (default \r)")
    listen.add_argument("--count", type=int, help="stop after this many understood events")
    listen.add_argument("--seconds", type=float, help="stop after this long")
    listen.add_argument("--no-status", action="store_true", help="do not print connected/disconnected lines")
    command(sub, "ports", ports_command, help="list the serial ports of this machine")


def _config(args: argparse.Namespace) -> DeviceConfig:
    settings = load_settings(args.db)
    configured = [d for d in settings.devices if d.protocol != "wedge"]
    base = None
    if args.port:
        base = next((d for d in configured if d.port == args.port and (not args.kind or d.kind == args.kind)), None)
    elif args.kind:
        base = next((d for d in configured if d.kind == args.kind), None)
    if base is None and not args.port:
        raise InvalidInput("name the device's port with --port (no such device is configured)")
    kind = args.kind or (base.kind if base else "scanner")
    config = DeviceConfig(**{**(base.__dict__ if base else {}), "kind": kind}) if base else DeviceConfig(
        kind=kind, port=args.port, baudrate=115200 if kind == "rfid" else 9600
    )
    if args.port:
        config.port = args.port
        config.usb_vid = config.usb_pid = config.usb_serial = None
    if args.protocol:
        if args.protocol not in PROTOCOLS[kind]:
            raise InvalidInput(f"a {kind} speaks {', '.join(PROTOCOLS[kind])}, not {args.protocol}")
        config.protocol = args.protocol
    for name, attr in (("baud", "baudrate"), ("bytesize", "bytesize"), ("parity", "parity"), ("stopbits", "stopbits")):
        if getattr(args, name) is not None:
            setattr(config, attr, getattr(args, name))
    for name in ("prefix", "suffix", "terminator"):
        if getattr(args, name) is not None:
            setattr(config, name, decode_escapes(getattr(args, name)))
    if config.protocol == "wedge":
        raise InvalidInput("a keyboard-wedge scanner types into the station: try it on the device set-up screen")
    return config


def listen_command(args: argparse.Namespace) -> int:
    config = _config(args)
    events: queue.SimpleQueue = queue.SimpleQueue()
    try:
        reader = DeviceReader(config, events.put, name=config.port)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    reader.start()
    understood = rejected = 0
    deadline = time.monotonic() + args.seconds if args.seconds else None
    try:
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                break
            if args.count is not None and understood >= args.count:
                break
            try:
                event = events.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(event, DeviceStatus):
                if args.no_status:
                    continue
            elif isinstance(event, RejectedFrame):
                rejected += 1
            else:
                understood += 1
            if args.json:
                print_json(event.to_json())
            else:
                stream = sys.stderr if isinstance(event, DeviceStatus) else sys.stdout
                print(describe_event(event), file=stream, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()
    if not args.json:
        print(f"{understood} understood, {rejected} not understood", file=sys.stderr)
    return 0


def ports_command(args: argparse.Namespace) -> int:
    ports = list_serial_ports()
    if args.json:
        print_json([
            {"device": p.device, "description": p.description, "usb_vid": p.vid, "usb_pid": p.pid,
             "usb_serial": p.serial_number, "manufacturer": p.manufacturer}
            for p in ports
        ])
    else:
        for p in ports:
            print(p.label())
        if not ports:
            print("no serial ports found", file=sys.stderr)
    return 0
