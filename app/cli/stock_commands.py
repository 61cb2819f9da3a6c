"""``station stock``: ``stock import FILE`` (opening stock), ``stock adjust SKU BIN DELTA --reason R``,
``stock ledger [--sku SKU] [--limit N]``, ``stock SKU`` (where a product lies) and the cycle counts:
``stock count BIN --scans FILE`` (a blind count, as the counting station's scanner sends it), ``stock counts`` (those
waiting for a supervisor), ``stock approve COUNT [--refuse]`` and ``stock plan --warehouse CODE`` (the bins due
today) (contracts.md).

A count's scans file holds one scan a line: an item or case barcode (GS1 data with lot and expiry), a SKU; and the
words ``qty N`` (the next scan counts N; ``qty -1`` takes one back), ``lot TEXT``, ``expiry YYYY-MM-DD`` and
``cancel``. The count closes at the end of the file (or at ``close``, or at the bin's label scanned again)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.catalogue import queries
from app.catalogue.stock import ADJUST_REASONS
from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import add_common_options, command, print_json
from app.cli.products_commands import _report
from app.context import open_context
from app.errors import InvalidInput, NotFound

ACTIONS = ("import", "adjust", "ledger", "count", "counts", "approve", "plan", "available")


def register(subparsers) -> None:
    stock = command(subparsers, "stock", run, help="stock: 'stock SKU', 'stock import FILE', 'stock adjust SKU BIN DELTA "
                                                   "--reason R', 'stock ledger', 'stock count BIN --scans FILE', "
                                                   "'stock counts', 'stock approve COUNT', 'stock plan'")
    stock.add_argument("target", metavar="SKU|import|adjust|ledger|count|counts|approve|plan|available")
    stock.add_argument("rest", nargs=argparse.REMAINDER)


def _parser(action: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"station stock {action}")
    add_common_options(parser)
    if action in ("import", "adjust", "count", "approve"):
        acting(parser)
    if action == "import":
        parser.add_argument("file", metavar="FILE", help="CSV: sku, bin, on_hand, optional lot, expiry, warehouse")
    elif action == "adjust":
        parser.add_argument("sku", metavar="SKU")
        parser.add_argument("bin", metavar="BIN")
        parser.add_argument("delta", metavar="DELTA", type=int, help="units added (negative: taken away)")
        parser.add_argument("--reason", required=True, choices=ADJUST_REASONS,
                            help="why the stock changes (on the ledger): " + ", ".join(ADJUST_REASONS))
        parser.add_argument("--note", default="", help="what happened, in words (required with --reason other)")
        parser.add_argument("--lot", default="")
        parser.add_argument("--warehouse", default="")
    elif action == "count":
        parser.add_argument("bin", metavar="BIN", help="the bin counted")
        parser.add_argument("--scans", required=True, metavar="FILE")
        parser.add_argument("--warehouse", default="", help="the bin's warehouse (when its code is in several)")
        parser.add_argument("--station", default=None, metavar="NAME", help="the counting station (default: this one)")
    elif action == "approve":
        parser.add_argument("number", metavar="COUNT", help="the count's number (CC...)")
        parser.add_argument("--refuse", action="store_true", help="refuse it: the bin is counted again")
        parser.add_argument("--note", default="")
    elif action == "plan":
        parser.add_argument("--warehouse", required=True, metavar="CODE")
        parser.add_argument("--every", type=int, default=90, metavar="DAYS", help="every bin at least this often")
        parser.add_argument("--fast-every", type=int, default=30, metavar="DAYS", help="fast movers at least this often")
        parser.add_argument("--per-day", type=int, default=None, metavar="N", help="at most N bins a day")
        parser.add_argument("--empty-bins", action="store_true", help="also bins without stock")
    elif action == "available":
        parser.add_argument("skus", nargs="*", metavar="SKU", help="these products (default: those changed since --since)")
        parser.add_argument("--since", type=int, default=None, metavar="CURSOR",
                            help="the products whose sellable stock changed after this cursor (0: from the start)")
        parser.add_argument("--warehouse", action="append", default=[], metavar="CODE",
                            help="only stock in this warehouse (repeatable; default: every warehouse)")
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
        return {"import": import_stock, "adjust": adjust, "ledger": show_ledger, "count": count, "counts": waiting,
                "approve": approve, "plan": count_plan, "available": show_available}[args.target](args, sub)
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
                          warehouse=sub.warehouse, note=sub.note)
    if args.json:
        print_json({"sku": done.sku, "bin": done.bin, "lot": done.lot, "before": done.before, "after": done.after})
    else:
        print(f"{done.sku} in {done.bin}{' lot ' + done.lot if done.lot else ''}: {done.before} -> {done.after}")
    return 0


def count(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    from app.counting.session import CountingSession

    try:
        lines = Path(sub.scans).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise NotFound(f"no such scans file: {sub.scans}") from None
    with open_context(args.db) as ctx:
        station = CountingSession(ctx.sessions, actor_of(ctx, sub, station=sub.station), sub.warehouse)
        opened = station.open(sub.bin)
        _say(args, {"count": station.number, "bin": station.bin, "status": "counting",
                    "station": station.actor.station}, opened.message)
        answer = opened
        for raw in lines:
            if not raw.strip():
                continue
            answer = station.scan(raw.strip())
            if answer.verdict == "noted":
                continue
            if answer.result is not None:
                break
            _say(args, {"scan": raw.strip(), "verdict": answer.verdict, "message": answer.message},
                 f"{raw.strip()!r:<32} {answer.verdict:<9} {answer.message}")
        if answer.result is None and station.number is not None:
            answer = station.close()
        result = answer.result
        assert result is not None
        # Blind for the counter: what the books said is for a supervisor (stock counts / the Counting screen).
        _say(args, {"verdict": answer.verdict, **result.as_json(blind=True)}, result.message)
    return 0


def waiting(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    from app.counting.queries import waiting_counts

    with open_context(args.db) as ctx:
        rows = waiting_counts(ctx.sessions)
    if args.json:
        print_json([{**r.__dict__, "closed_at": r.closed_at.isoformat() if r.closed_at else None} for r in rows])
        return 0
    for r in rows:
        print(f"{r.number}  {r.warehouse}:{r.bin:<10} {r.differences} difference(s), {r.needing_approval} above the "
              f"threshold  counted by {r.counted_by or '-'} at {r.station or '-'}")
    return 0


def approve(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    from app.counting.service import decide_count

    with open_context(args.db) as ctx:
        result = decide_count(ctx.sessions, actor_of(ctx, sub), sub.number, approve=not sub.refuse, note=sub.note)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.message)
        for line in result.differences:
            print(f"  {line.sku:<16} {('lot ' + line.lot) if line.lot else '':<12} books {line.expected:>6}  "
                  f"counted {line.counted:>6}  ({line.delta:+})")
    return 0


def count_plan(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    from app.counting.queries import count_plan as plan
    from app.domain.countplan import PlanRules

    try:
        rules = PlanRules(every_days=sub.every, fast_every_days=sub.fast_every, per_day=sub.per_day,
                          empty_bins=sub.empty_bins)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with open_context(args.db) as ctx:
        due = plan(ctx.sessions, sub.warehouse, rules)
    if args.json:
        print_json([{"bin": b.code, "due": b.due.isoformat(), "overdue_days": b.overdue_days, "fast": b.fast}
                    for b in due])
        return 0
    for b in due:
        print(f"{b.code:<12} due {b.due}  {b.overdue_days:>4} day(s) overdue{'  fast mover' if b.fast else ''}")
    print(f"{len(due)} bin(s) to count")
    return 0


def show_available(args: argparse.Namespace, sub: argparse.Namespace) -> int:
    """What a shop may sell: ``available = on hand - reserved - quarantined``; with ``--since`` the products changed
    after a cursor, and the cursor to go on from (what the shops' stock sender reads)."""
    from app.catalogue.availability import StockChanges, available, changes_since

    if sub.skus and sub.since is not None:
        raise InvalidInput("give SKUs or --since, not both")
    with open_context(args.db) as ctx:
        if sub.skus:
            found = StockChanges(-1, available(ctx.sessions, sub.skus, sub.warehouse))
        else:
            found = changes_since(ctx.sessions, sub.since or 0, warehouses=sub.warehouse)
    if args.json:
        data = found.as_json()
        if sub.skus:
            data.pop("cursor")
        print_json(data)
        return 0
    for a in found.products:
        print(f"{a.sku:<16} {a.available:>8} available  ({a.on_hand} on hand, {a.reserved} reserved, "
              f"{a.quarantined} quarantined)")
    if not sub.skus:
        print(f"cursor {found.cursor}")
    return 0


def _say(args: argparse.Namespace, data: dict, text: str) -> None:
    if args.json:
        print_json(data)
    else:
        print(text)


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
