"""``station pack NUMBER --scans FILE [--station NAME] [--json]``: feed scans to the pack service the pack
screen uses (contracts.md).

FILE holds one scan a line, exactly as a scanner sends it (an AIM prefix such as ``]E0`` may lead; GS1
separators as the byte 0x1D), or ``epc:`` and the hex EPC of an RFID tag read. As an extension, a line
``weight:1234g`` (or ``kg``) is a box put on the scale (a stable reading); from the first such line the bench has
a scale, and a box closed (or the last item packed) waits for a weighing that comes after it. FILE is read line by line as it comes, so it may be
a pipe that a scanner feeds. Every scan is stored with its tick before the next line is read: a second run
goes on where the first stopped.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json
from app.context import open_context
from app.errors import InvalidInput
from app.packing.classify import Classified
from app.packing.service import PackService

_WEIGHT = re.compile(r"^weight:\s*([0-9]+(?:\.[0-9]+)?)\s*(g|kg)?\s*$", re.IGNORECASE)


def register(subparsers) -> None:
    sub = command(subparsers, "pack", pack, help="feed scans to the pack service (as the pack screen does)")
    sub.add_argument("number", metavar="NUMBER", help="the order to pack (our number, the shop's, or its label)")
    sub.add_argument("--scans", required=True, metavar="FILE", help="one scan a line ('-' for standard input)")
    sub.add_argument("--station", metavar="NAME", default=None, help="the packing station (default: this station's)")
    acting(sub)  # --user proved by the PIN, else cli@HOST (contracts.md "Who acts")
    register_commands_sheet(subparsers)


def register_commands_sheet(subparsers) -> None:
    sub = command(subparsers, "commands", commands_sheet,
                  help="a printable sheet (PDF) of the station's command barcodes, in English and Chinese")
    sub.add_argument("-o", "--output", metavar="FILE", default="command-barcodes.pdf", help="where to write the PDF")


def commands_sheet(args: argparse.Namespace) -> int:
    from app.devices.commands import Command, command_barcode
    from app.packing import command_sheet

    target = Path(args.output)
    try:
        target.write_bytes(command_sheet.render())
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    if args.json:
        print_json({"file": str(target), "commands": [command_barcode(c) for c in Command]})
    else:
        print(f"command barcodes written to {target}")
    return 0


def _lines(path: str) -> Iterator[bytes]:
    if path == "-":
        stream = sys.stdin.buffer
        for raw in iter(stream.readline, b""):
            yield raw
        return
    file = Path(path)
    if not file.exists():
        raise InvalidInput(f"no such scans file: {path}")
    with open(file, "rb", buffering=0) as stream:  # unbuffered: a pipe's lines are handled as they come
        reader = _LineReader(stream)
        yield from reader


class _LineReader:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.buffer = b""

    def __iter__(self) -> Iterator[bytes]:
        while True:
            cut = self.buffer.find(b"\n")
            if cut >= 0:
                line, self.buffer = self.buffer[: cut + 1], self.buffer[cut + 1:]
                yield line
                continue
            chunk = self.stream.read(4096)
            if not chunk:
                if self.buffer:
                    yield self.buffer
                return
            self.buffer += chunk


@changes_data
def pack(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        from app.orders.supervision import ensure_station

        ensure_station(ctx.sessions, station, "")
        actor = actor_of(ctx, args, station=station)
        service = PackService(ctx.sessions, ctx.settings, station, actor, pin=True)
        language = ctx.settings.language
        args.number = _our_number(ctx, args.number)
        opened = service.open(args.number)
        if not args.json:
            print(f"{args.number} at {station}: {opened.text(language)}")
        for raw in _lines(args.scans):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                shown = raw.decode("utf-8", "replace")
                answer = service.handle(Classified("bad", shown, reason="garbled: bytes that are not text"))
                _show(args, shown, answer, language)
                continue
            weight = _WEIGHT.match(text.strip())
            if weight:
                grams = float(weight.group(1)) * (1000 if (weight.group(2) or "g").lower() == "kg" else 1)
                # The box put on the scale: one weighing. It checks a box that waits for its weight; the box that
                # is closed later waits for a weighing of its own (a reading from before it was closed is old).
                answer = service.reading(grams, stable=True)
                if answer is not None:
                    _show(args, text, answer, language)
                continue
            answer = service.scan(text)
            _show(args, text, answer, language)
        status = _final_status(ctx, args.number)
        if args.json:
            print_json(status)
        else:
            print(f"{args.number}: {status['status']} ({status['packed']} of {status['quantity']} packed)"
                  + (f", tracking {status['tracking_number']}" if status.get("tracking_number") else ""))
        return 0


def _our_number(ctx, reference: str) -> str:
    """Our number for whatever names the order (app.orders.references: the shop's #1041, a label...); a text that
    names none goes to the pack service as it is, whose answer says so. A shop's number two orders share stops
    here with both named."""
    from app.orders.queries import our_number

    number = our_number(ctx.sessions, reference)
    return number if number is not None else reference


def _show(args: argparse.Namespace, scan: str, answer, language: str) -> None:
    if args.json:
        print_json(answer.to_json(scan, language))
    else:
        shown = "".join(ch if ch.isprintable() else ("<GS>" if ch == "\x1d" else f"<{ord(ch):02X}>") for ch in scan)
        print(f"{answer.verdict:<15} {shown:<40} {answer.text(language)}", flush=True)


def _final_status(ctx, number: str) -> dict:
    from app.orders.queries import pack_progress

    return pack_progress(ctx.sessions, number)
