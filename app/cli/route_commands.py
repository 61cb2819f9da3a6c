"""``station route`` (contracts.md) and ``station layout load|show``."""

from __future__ import annotations

import argparse
import json
import time

from app.cli.main import command, print_json
from app.context import open_context
from app.errors import InvalidInput, NotFound
from app.routing import METHODS, Layout, load_picks, route


def register(subparsers) -> None:
    sub = command(subparsers, "route", route_command, help="an optimised pick route")
    sub.add_argument("--layout", required=True, metavar="FILE", help="warehouse layout (JSON)")
    sub.add_argument("--picks", required=True, metavar="FILE", help="picks: [{id, aisle, position}, ...] (JSON)")
    sub.add_argument("--method", default="auto", choices=METHODS, help="routing method (default: auto, the optimum)")
    sub.add_argument("--compare", action="store_true", help="also show S-shape and largest gap")

    layout = subparsers.add_parser("layout", help="warehouse layouts for routing")
    layout_sub = layout.add_subparsers(dest="layout_command", metavar="ACTION", required=True)
    load = command(layout_sub, "load", layout_load, help="load a layout file into a warehouse and create its bins")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--warehouse", required=True, metavar="CODE")
    load.add_argument("--create", metavar="NAME", help="create the warehouse with this name if it does not exist")
    load.add_argument("--country", default="CN", help="country of a created warehouse (default CN)")
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


def layout_load(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.picking.layouts import load_layout
    from app.services.uow import UnitOfWork
    from db.models import Warehouse

    layout = Layout.load(args.file)
    ctx = open_context(args.db)
    try:
        with UnitOfWork(ctx.sessions) as uow:
            warehouse = uow.session.scalar(select(Warehouse).where(Warehouse.code == args.warehouse))
            if warehouse is None:
                if not args.create:
                    raise NotFound(f"no warehouse with code {args.warehouse} (use --create NAME to create it)")
                warehouse = Warehouse(code=args.warehouse, name=args.create, country=args.country.upper()[:2],
                                      latitude=0.0, longitude=0.0)
                uow.session.add(warehouse)
                uow.session.flush()
            result = load_layout(uow.session, warehouse, layout)
            uow.commit()
    finally:
        ctx.dispose()
    if args.json:
        print_json({"warehouse": result.warehouse, "bins_added": result.bins_added, "bins_moved": result.bins_moved,
                    "bins": result.bins_total, "blocks": layout.blocks, "aisles": layout.aisles})
    else:
        print(f"warehouse {result.warehouse}: {layout.aisles} aisles, {layout.blocks} block(s), "
              f"{result.bins_total} bins ({result.bins_added} new, {result.bins_moved} moved)")
    return 0


def layout_show(args: argparse.Namespace) -> int:
    from app.picking.layouts import layout_of, warehouse_by_code
    from app.services.uow import UnitOfWork

    ctx = open_context(args.db)
    try:
        with UnitOfWork(ctx.sessions) as uow:
            layout = layout_of(warehouse_by_code(uow.session, args.warehouse))
    finally:
        ctx.dispose()
    if args.json:
        print_json(layout.to_mapping())
    else:
        print(json.dumps(layout.to_mapping(), indent=2))
    return 0


__all__ = ["register", "InvalidInput"]
