"""``station deliveries import|list|show`` and ``station receive REFERENCE --scans FILE`` (contracts.md): goods in
through :mod:`app.goodsin.service`, the service the Goods in screen uses.

The scans file holds one scan a line, as the goods-in station's scanner would send them: an item or case barcode
(GS1 data with lot, expiry, serial), a SKU; and these words: ``qty N`` (the next scan counts N), ``lot TEXT`` and
``expiry YYYY-MM-DD`` (what the next scan's barcode lacks), ``damaged REASON`` (the next scan goes to quarantine),
``bin CODE [REASON]`` (put the last counted units away), ``close`` (close the delivery: the discrepancy report).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json, print_rows
from app.context import open_context
from app.errors import InvalidInput, NotFound

FORMATS = ("auto", "csv", "desadv", "ordrsp")


def register(subparsers) -> None:
    deliveries = subparsers.add_parser("deliveries", help="deliveries announced by suppliers (goods in)")
    sub = deliveries.add_subparsers(dest="deliveries_command", metavar="ACTION", required=True)
    imp = command(sub, "import", import_cmd, help="load a supplier's advice: CSV, EDIFACT DESADV or ORDRSP")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--warehouse", required=True, metavar="CODE", help="the warehouse the goods arrive at")
    imp.add_argument("--format", default="auto", choices=FORMATS)
    acting(imp)
    order = command(sub, "order", order_cmd, help="order the replenishment requests waiting for a warehouse from a "
                                                  "supplier: one expected delivery")
    order.add_argument("--warehouse", required=True, metavar="CODE")
    order.add_argument("--supplier", required=True, metavar="NAME")
    order.add_argument("--reference", default="", metavar="PO", help="the supplier's order number (default: ours)")
    order.add_argument("--expected", default=None, metavar="YYYY-MM-DD", help="when it should arrive")
    order.add_argument("--sku", action="append", default=[], metavar="SKU", help="only these products (repeatable)")
    acting(order)
    listing = command(sub, "list", list_cmd, help="deliveries with their status")
    listing.add_argument("--status", default=None, help="expected, receiving, closed or cancelled")
    show = command(sub, "show", show_cmd, help="one delivery's lines: expected, received, damaged")
    show.add_argument("reference", metavar="REFERENCE", help="our number (GI...), the supplier's reference or an SSCC")

    receive = command(subparsers, "receive", receive_cmd,
                      help="goods in against an expected delivery, then put-away, from a file of scans")
    receive.add_argument("reference", metavar="REFERENCE", help="our number (GI...), the supplier's reference or an SSCC")
    receive.add_argument("--scans", required=True, metavar="FILE")
    receive.add_argument("--station", metavar="NAME", default=None, help="the goods-in station (default: this one)")
    acting(receive)


@changes_data
def import_cmd(args: argparse.Namespace) -> int:
    from app.goodsin.service import import_deliveries

    path = Path(args.file)
    if not path.is_file():
        raise NotFound(f"no such file: {path}")
    with open_context(args.db) as ctx:
        result = import_deliveries(ctx.sessions, actor_of(ctx, args), path, warehouse=args.warehouse, fmt=args.format)
    if args.json:
        print_json(result.as_json())
    else:
        for problem in result.rejected:
            print(f"station: {path.name}: {problem}", file=sys.stderr)
        if not result.rejected:
            print(f"{len(result.created)} created, {len(result.updated)} updated, {len(result.unchanged)} unchanged: "
                  + ", ".join(result.created + result.updated + result.unchanged))
    return 1 if result.rejected else 0


@changes_data
def order_cmd(args: argparse.Namespace) -> int:
    from app.goodsin.service import order_replenishments

    try:
        expected = date.fromisoformat(args.expected.strip()) if args.expected else None
    except ValueError:
        raise InvalidInput(f"--expected: {args.expected[:20]!r} is not a date (YYYY-MM-DD)") from None
    with open_context(args.db) as ctx:
        state = order_replenishments(ctx.sessions, actor_of(ctx, args), warehouse=args.warehouse,
                                     supplier=args.supplier, reference=args.reference, expected_on=expected,
                                     skus=args.sku)
    if args.json:
        print_json(state.as_json())
    else:
        print(f"{state.number} ({state.reference}) from {state.supplier} to {state.warehouse}: "
              + ", ".join(f"{line.expected} x {line.sku}" for line in state.lines))
    return 0


def list_cmd(args: argparse.Namespace) -> int:
    from app.goodsin.queries import deliveries

    with open_context(args.db) as ctx:
        rows = deliveries(ctx.sessions, status=args.status)
    return print_rows(args, rows, lambda r: f"{r.number}  {r.reference:<20} {r.supplier[:24]:<24} {r.warehouse:<6} "
                                            f"{r.expected_on or '-'!s:<10} {r.status:<9} {r.received}/{r.expected}"
                                            + (f" (+{r.damaged} damaged)" if r.damaged else "")
                                            + (f" at {r.receiving_station}" if r.receiving_station else ""))


def show_cmd(args: argparse.Namespace) -> int:
    from app.goodsin.service import delivery_state

    with open_context(args.db) as ctx:
        state = delivery_state(ctx.sessions, args.reference)
    if args.json:
        print_json(state.as_json())
        return 0
    print(f"{state.number} {state.reference} from {state.supplier or '-'} to {state.warehouse}: {state.status}"
          + (f" at {state.receiving_station}" if state.receiving_station else ""))
    for line in state.lines:
        print(f"  {line.line_no:3d} {line.sku:<16} expected {line.expected:5d}  received {line.received:5d}  "
              f"damaged {line.damaged:3d}" + (f"  lot {line.lot}" if line.lot else ""))
    return 0


@changes_data
def receive_cmd(args: argparse.Namespace) -> int:
    from app.goodsin.session import ReceivingSession

    try:
        lines = Path(args.scans).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise NotFound(f"no such scans file: {args.scans}") from None
    with open_context(args.db) as ctx:
        station = ReceivingSession(ctx.sessions, actor_of(ctx, args, station=args.station))
        opened = station.open(args.reference)
        _say(args, {"delivery": station.number, "status": "receiving", "station": station.actor.station},
             opened.message)
        for n, raw in enumerate(lines, start=1):
            text = raw.strip()
            if not text:
                continue
            word, _, rest = text.partition(" ")
            word = word.lower()
            if word == "qty":
                station.quantity = _whole(rest, n)
            elif word == "lot":
                station.lot = rest.strip()
            elif word == "expiry":
                station.expiry = _date(rest, n)
            elif word == "damaged":
                station.damaged = rest.strip() or "damaged"
            elif word == "bin":
                code, _, reason = rest.strip().partition(" ")
                station.bin_reason = reason.strip()
                done = station.put_away(code)
                _say(args, {"verdict": done.verdict, "bin": code.upper(), "released": list(done.released),
                            "message": done.message}, done.message)
            elif word == "close":
                answer, closed = station.close()
                _say(args, {"verdict": "closed", "delivery": closed.number, "exact": closed.exact,
                            "lines": [d.__dict__ for d in closed.lines]}, answer.message)
            else:
                answer = station.scan(raw)
                _say(args, {"scan": raw, "verdict": answer.verdict, "message": answer.message},
                     f"{raw!r:<32} {answer.verdict:<11} {answer.message}")
    return 0


def _say(args: argparse.Namespace, data: dict, text: str) -> None:
    if args.json:
        print_json(data)
    else:
        print(text)


def _whole(text: str, n: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(f"line {n}: qty needs a whole number") from None


def _date(text: str, n: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"line {n}: expiry needs a date written YYYY-MM-DD") from None
