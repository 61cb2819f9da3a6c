"""``station pack NUMBER --scans FILE [--station NAME] [--json]``: feed scans to the pack service the pack
screen uses (contracts.md).

FILE holds one scan a line, exactly as a scanner sends it (an AIM prefix such as ``]E0`` may lead; GS1
separators as the byte 0x1D), or ``epc:`` and the hex EPC of an RFID tag read. As an extension, a line
``weight:1234g`` (or ``kg``) is a stable scale reading. FILE is read line by line as it comes, so it may be
a pipe that a scanner feeds. Every scan is stored with its tick before the next line is read: a second run
goes on where the first stopped.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Iterator

from app.cli.main import command, print_json
from app.context import open_context
from app.errors import InvalidInput
from app.packing.classify import Classified
from app.packing.service import PackService
from app.services.uow import Actor

_WEIGHT = re.compile(r"^weight:\s*([0-9]+(?:\.[0-9]+)?)\s*(g|kg)?\s*$", re.IGNORECASE)


def register(subparsers) -> None:
    sub = command(subparsers, "pack", pack, help="feed scans to the pack service (as the pack screen does)")
    sub.add_argument("number", metavar="NUMBER", help="the order to pack")
    sub.add_argument("--scans", required=True, metavar="FILE", help="one scan a line ('-' for standard input)")
    sub.add_argument("--station", metavar="NAME", default=None, help="the packing station (default: this station's)")
    sub.add_argument("--user", default="cli", help="who packs, for the timeline (default: cli)")


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


def pack(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        from app.services.supervision import ensure_station

        ensure_station(ctx.sessions, station, "")
        actor = Actor(station=station, user=args.user, role="packer")
        service = PackService(ctx.sessions, ctx.settings, station, actor, pin=True)
        language = ctx.settings.language
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
                answer = service.weigh(grams, stable=True, raw=text.strip())
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


def _show(args: argparse.Namespace, scan: str, answer, language: str) -> None:
    if args.json:
        print_json(answer.to_json(scan, language))
    else:
        shown = "".join(ch if ch.isprintable() else ("<GS>" if ch == "\x1d" else f"<{ord(ch):02X}>") for ch in scan)
        print(f"{answer.verdict:<15} {shown:<40} {answer.text(language)}", flush=True)


def _final_status(ctx, number: str) -> dict:
    from sqlalchemy import func, select

    from db.models import Order, OrderLine

    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        packed, quantity = s.execute(
            select(func.coalesce(func.sum(OrderLine.packed_quantity), 0), func.coalesce(func.sum(OrderLine.quantity), 0))
            .where(OrderLine.order_id == order.id)
        ).one()
        return {"status": order.status, "order": number, "packed": int(packed), "quantity": int(quantity),
                "tracking_number": order.tracking_number}
