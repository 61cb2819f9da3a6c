"""``station route`` (contracts.md) and ``station layout load|show``."""

from __future__ import annotations

import argparse
import json
import time

from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json
from app.context import open_context
from app.errors import InvalidInput
from app.routing import METHODS, Layout, load_picks, route


def register(subparsers) -> None:
    sub = command(subparsers, "route", route_command, help="an optimised pick route")
    sub.add_argument("--layout", required=True, metavar="FILE", help="warehouse layout (JSON)")
    sub.add_argument("--picks", required=True, metavar="FILE", help="picks: [{id, aisle, position}, ...] (JSON)")
    sub.add_argument("--method", default="auto", choices=METHODS, help="routing method (default: auto, the optimum)")
    sub.add_argument("--compare", action="store_true", help="also show S-shape and largest gap")

    pick = command(subparsers, "pick", pick_command, help="pick orders on one cart, feeding scans from a file")
    pick.add_argument("numbers", nargs="+", metavar="NUMBER",
                      help="the orders on the cart (tote 1, 2, ...): our numbers, the shop's (#1041) or their labels")
    pick.add_argument("--scans", metavar="FILE", help="one scan a line; also 'skip', 'short', 'qty N'")
    pick.add_argument("--station", metavar="NAME", help="the picking station (default: this station's name)")
    acting(pick)

    layout = subparsers.add_parser("layout", help="warehouse layouts for routing")
    layout_sub = layout.add_subparsers(dest="layout_command", metavar="ACTION", required=True)
    load = command(layout_sub, "load", layout_load, help="load a layout file into a warehouse and create its bins")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--warehouse", required=True, metavar="CODE")
    load.add_argument("--create", metavar="NAME", help="create the warehouse with this name if it does not exist")
    load.add_argument("--country", default="CN", help="country of a created warehouse (default CN)")
    acting(load)
    show = command(layout_sub, "show", layout_show, help="print a warehouse's layout")
    show.add_argument("--warehouse", required=True, metavar="CODE")


def route_command(args: argparse.Namespace) -> int:
    layout = Layout.load(args.layout)
    picks = load_picks(args.picks, layout)
    started = time.perf_counter()
    result = route(layout, picks, args.method)
    elapsed = time.perf_counter() - started
    comparisons = [route(layout, picks, m) for m in ("s-shape", "largest-gap")] if args.compare else []
    if args.json:
        out = result.to_json()
        if comparisons:
            out["compare"] = [c.to_json() for c in comparisons]
        print_json(out)
        return 0
    print(f"{result.method}: {result.length:.2f} m, {len(picks)} picks, {elapsed * 1000:.1f} ms")
    for n, pick in enumerate(result.sequence, start=1):
        print(f"{n:4d}. {pick.id:<12} aisle {pick.aisle:3d} at {pick.position:6.2f} m")
    for other in comparisons:
        saving = 100 * (1 - result.length / other.walk) if other.walk else 0.0
        print(f"{other.method}: {other.walk:.2f} m walked (optimum saves {saving:.1f}%)")
    return 0


@changes_data
def pick_command(args: argparse.Namespace) -> int:
    """Open a cart (or reopen this station's), print its route, then run each line of FILE through the
    same pick session the pick screen uses."""
    from pathlib import Path

    from app.orders.queries import statuses as order_statuses
    from app.picking.service import PickService
    from app.picking.session import PickSession

    lines: list[str] = []
    if args.scans:
        try:
            lines = Path(args.scans).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError as exc:
            raise InvalidInput(f"no such scans file: {args.scans}") from exc
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        service = PickService(ctx.sessions, actor_of(ctx, args, station=station))
        args.numbers = _our_numbers(ctx, args.numbers)
        session = PickSession(service, service.start(args.numbers))
        pick_list = session.pick_list
        stops = [{"bin": s.bin, "sku": s.sku, "quantity": s.quantity, "tote": s.tote, "order": s.order,
                  "lot": s.lot or None, "expiry": s.expiry.isoformat() if s.expiry else None}
                 for s in pick_list.stops]
        if args.json:
            print_json({"route": pick_list.route.to_json(), "stops": stops, "totes": pick_list.totes})
        else:
            print(f"{pick_list.route.method}: {pick_list.route.length:.1f} m, {len(stops)} stops")
            for n, stop in enumerate(stops, start=1):
                lot = f"  lot {stop['lot']}" + (f" (expires {stop['expiry']})" if stop["expiry"] else "") if stop["lot"] else ""
                print(f"{n:4d}. {stop['bin']:<10} {stop['quantity']:3d} x {stop['sku']:<16} tote {stop['tote']}{lot}")
        for raw in lines:
            if not raw.strip():
                continue
            word = raw.strip().lower()
            if word == "skip":
                feedback = session.skip()
            elif word == "short":
                feedback = session.short()
            elif word.startswith("qty "):
                try:
                    feedback = session.confirm_quantity(int(word.split()[1]))
                except ValueError as exc:
                    raise InvalidInput(f"'{raw.strip()}': qty needs a whole number") from exc
            else:
                feedback = session.handle_scan(raw)
            if args.json:
                print_json({"scan": raw, "verdict": feedback.verdict, "message": feedback.message})
            else:
                print(f"{raw!r:<28} {feedback.verdict:<8} {feedback.message}")
        statuses = order_statuses(ctx.sessions, args.numbers)
        done, total = session.progress
        if args.json:
            print_json({"orders": statuses, "stops_done": done, "stops": total})
        else:
            print("; ".join(f"{n}: {st}" for n, st in statuses.items()) + f" ({done} of {total} stops done)")
    return 0


def _our_numbers(ctx, references: list[str]) -> list[str]:
    """Our number for each text that names an order (app.orders.references: the shop's #1041, a label...); a text
    that names none goes to the pick service as it is, which says so. A shop's number two orders share stops here
    with both named."""
    from app.orders.queries import our_numbers

    return our_numbers(ctx.sessions, references)


@changes_data
def layout_load(args: argparse.Namespace) -> int:
    from app.picking.layouts import load_warehouse_layout

    layout = Layout.load(args.file)
    with open_context(args.db) as ctx:
        result = load_warehouse_layout(ctx.sessions, args.warehouse, layout, actor_of(ctx, args),
                                       create_name=args.create, country=args.country)
    if args.json:
        print_json({"warehouse": result.warehouse, "bins_added": result.bins_added, "bins_moved": result.bins_moved,
                    "bins": result.bins_total, "blocks": layout.blocks, "aisles": layout.aisles})
    else:
        print(f"warehouse {result.warehouse}: {layout.aisles} aisles, {layout.blocks} block(s), "
              f"{result.bins_total} bins ({result.bins_added} new, {result.bins_moved} moved)")
    return 0


def layout_show(args: argparse.Namespace) -> int:
    from app.picking.layouts import warehouse_layout

    with open_context(args.db) as ctx:
        layout = warehouse_layout(ctx.sessions, args.warehouse)
    if args.json:
        print_json(layout.to_mapping())
    else:
        print(json.dumps(layout.to_mapping(), indent=2))
    return 0


__all__ = ["register", "InvalidInput"]
