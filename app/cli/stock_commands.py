"""``station stock``: ``stock import FILE`` (opening stock), ``stock adjust SKU BIN DELTA --reason R``,
``stock ledger [--sku SKU] [--limit N]`` and ``stock SKU`` (where a product lies) (contracts.md)."""

from __future__ import annotations

import argparse
import sys

from app.catalogue import queries
from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import add_common_options, command, print_json
from app.cli.products_commands import _report
from app.context import open_context
from app.errors import InvalidInput

ACTIONS = ("import", "adjust", "ledger")


def register(subparsers) -> None:
    stock = command(subparsers, "stock", run, help="stock: 'stock SKU', 'stock import FILE', 'stock adjust SKU BIN DELTA "
                                                   "--reason R', 'stock ledger'")
    stock.add_argument("target", metavar="SKU|import|adjust|ledger")
    stock.add_argument("rest", nargs=argparse.REMAINDER)


def _parser(action: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"station stock {action}")
    add_common_options(parser)
    if action in ("import", "adjust"):
        acting(parser)
    if action == "import":
        parser.add_argument("file", metavar="FILE", help="CSV: sku, bin, on_hand, optional lot, expiry, warehouse")
    elif action == "adjust":
        parser.add_argument("sku", metavar="SKU")
        parser.add_argument("bin", metavar="BIN")
        parser.add_argument("delta", metavar="DELTA", type=int, help="units added (negative: taken away)")
        parser.add_argument("--reason", required=True, help="why the stock changes (on the ledger)")
        parser.add_argument("--lot", default="")
        parser.add_argument("--warehouse", default="")
    elif action == "ledger":
        parser.add_argument("--sku", default=None)
        parser.add_argument("--limit", type=int, default=100)
    return parser


@changes_data
def run(args: argparse.Namespace) -> int:
    if args.target in ACTIONS:
        sub = _parser(args.target).parse_args(args.rest)
        args.db = getattr(sub, "db", None) or args.db
        args.json = getattr(sub, "json", False) or args.json
        return {"import": import_stock, "adjust": adjust, "ledger": show_ledger}[args.target](args, sub)
    sub, unknown = _parser("SKU").parse_known_args(args.rest)
    if unknown:
        raise InvalidInput(f"stock {args.target}: unexpected {' '.join(unknown)} (stock SKU shows where a product lies)")
    args.db = getattr(sub, "db", None) or args.db
    args.json = getattr(sub, "json", False) or args.json
    return show_stock(args)


def import_stock(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    from app.catalogue.stock import import_stock as run_import

    with open_context(args.db) as ctx:
        result = run_import(ctx.sessions, sub.file, actor_of(ctx, sub))
    return _report(args, result)


def adjust(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    from app.catalogue.stock import adjust as run_adjust

    with open_context(args.db) as ctx:
        done = run_adjust(ctx.sessions, sub.sku, sub.bin, sub.delta, sub.reason, actor_of(ctx, sub), lot=sub.lot,
                          warehouse=sub.warehouse)
    if args.json:
        print_json({"sku": done.sku, "bin": done.bin, "lot": done.lot, "before": done.before, "after": done.after})
    else:
        print(f"{done.sku} in {done.bin}{' lot ' + done.lot if done.lot else ''}: {done.before} -> {done.after}")
    return 0


def show_ledger(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    if sub.limit <= 0:
        raise InvalidInput("--limit must be positive")
    with open_context(args.db) as ctx:
        lines = queries.ledger(ctx.sessions, sub.sku, sub.limit)
    if args.json:
        print_json([line.__dict__ for line in lines])
    else:
        for l in lines:
            print(f"{l.at:%Y-%m-%d %H:%M:%S} {l.sku:<14} {l.warehouse}:{l.bin:<10} {l.lot:<10} {l.before:>8} -> {l.after:<8} "
                  f"({l.delta:+}) {l.reason} {l.reference} {l.user}{' @ ' + l.station if l.station else ''}")
    return 0


def show_stock(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        places = queries.stock_of(ctx.sessions, args.target)
        lines = queries.ledger(ctx.sessions, args.target, 20)
    if args.json:
        print_json({"sku": args.target, "on_hand": sum(p.on_hand for p in places),
                    "places": [p.__dict__ for p in places], "ledger": [l.__dict__ for l in lines]})
        return 0
    print(f"{args.target}: {sum(p.on_hand for p in places):,} on hand, {sum(p.reserved for p in places):,} reserved")
    for p in places:
        expiry = f" expires {p.expiry}" if p.expiry else ""
        print(f"  {p.warehouse}:{p.bin:<10} {('lot ' + p.lot) if p.lot else '':<14} {p.on_hand:>8} on hand {p.reserved:>6} reserved{expiry}")
    if lines:
        print("latest changes:", file=sys.stdout)
        for l in lines:
            print(f"  {l.at:%Y-%m-%d %H:%M} {l.warehouse}:{l.bin} {l.before} -> {l.after} ({l.delta:+}) {l.reason} {l.reference} {l.user}")
    return 0
