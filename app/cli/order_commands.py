"""``station demo seed``, ``import``, ``products``, ``orders``, ``order`` (contracts.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.main import command, print_json
from app.context import Context, open_context
from app.domain.lifecycle import STATUSES
from app.domain.money import format_cents
from app.errors import InvalidInput
from app.orders import queries


def register(subparsers) -> None:
    demo = subparsers.add_parser("demo", help="demo data")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seed = command(demo_sub, "seed", demo_seed, help="a demo warehouse with N orders")
    seed.add_argument("--orders", type=int, default=2000, metavar="N")
    seed.add_argument("--seed", type=int, default=1, metavar="S")

    imp = command(subparsers, "import", import_file, help="order intake from a file")
    imp.add_argument("file")
    imp.add_argument("--format", default="auto", choices=("auto", "json", "csv", "shopify", "woocommerce", "edifact"))

    intake = command(subparsers, "intake", continuous_intake, help="continuous intake: a watched folder or order webhooks")
    source = intake.add_mutually_exclusive_group(required=True)
    source.add_argument("--watch", metavar="DIR", help="take order files dropped into DIR")
    source.add_argument("--listen", metavar="HOST:PORT", help="accept Shopify/WooCommerce order webhooks")
    intake.add_argument("--format", default="auto", choices=("auto", "json", "csv", "shopify", "woocommerce", "edifact"))
    intake.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the folder")
    intake.add_argument("--once", action="store_true", help="take what is in the folder now, then stop")

    orders_cmd = command(subparsers, "orders", orders, help="list orders")
    orders_cmd.add_argument("--status", choices=STATUSES)
    orders_cmd.add_argument("--limit", type=int, default=50)

    one = command(subparsers, "order", order, help="one order with lines, flags and timeline")
    one.add_argument("number", metavar="NUMBER",
                     help="our order number, the shop's (#1041), a tracking number, an SSCC or the label's QR text")


class Progress:
    """A progress bar on stderr for long jobs; stdout stays clean for --json."""

    def __init__(self, total: int | None, unit: str, minimum: int = 1000, desc: str | None = None) -> None:
        self.bar = None
        if total is None or total >= minimum:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, dynamic_ncols=True, mininterval=0.5)

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def reached(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def demo_seed(args: argparse.Namespace) -> int:
    from app.demo import seed as demo

    if args.orders < 0:
        raise InvalidInput("--orders must be 0 or more")
    bars: dict[str, Progress] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            bars[stage] = Progress(total, "order", desc=stage)
        bars[stage].reached(done)

    with open_context(args.db, migrate_schema=True) as ctx:
        try:
            report = demo.seed(ctx, orders=args.orders, seed=args.seed, progress=progress)
        finally:
            for bar in bars.values():
                bar.close()
    result = {"products": report.products, **report.orders.as_json(), "statuses": report.statuses}
    if args.json:
        print_json(result)
    else:
        print(f"demo warehouse ready: {report.products} products, {report.orders.imported} new orders")
        for status in STATUSES:
            if report.statuses.get(status):
                print(f"  {status:<12} {report.statuses[status]:>9,}")
    return 0


def import_file(args: argparse.Namespace) -> int:
    from app.intake.detect import parse_file
    from app.intake.service import import_records

    fmt, records = parse_file(args.file, args.format)
    bar = Progress(records.total, "order")
    with open_context(args.db) as ctx:
        try:
            summary = import_records(ctx.sessions, ctx.settings, records, progress=bar)
        finally:
            bar.close()
    if args.json:
        print_json(summary.as_json())
    else:
        print(f"{args.file} ({fmt}): {summary.imported} imported, {summary.duplicates} duplicates, {len(summary.rejected)} rejected")
        for status, count in sorted(summary.statuses.items()):
            print(f"  {status:<12} {count:>8}")
        for rejected in summary.rejected:
            print(f"  rejected {rejected['record']}: {rejected['error']}")
    return 0


def continuous_intake(args: argparse.Namespace) -> int:
    from app.context import Actor
    from app.intake import watch, webhook
    from app.intake.service import ingest_into

    with open_context(args.db) as ctx:
        ingest = ingest_into(ctx.sessions, ctx.settings, Actor.system(ctx.settings.station))
        if args.listen:
            print(f"listening for order webhooks on {args.listen} (POST {webhook.SHOPIFY_PATH}, {webhook.WOOCOMMERCE_PATH})", file=sys.stderr)
            webhook.serve(args.listen, ctx.settings.webhook_secret, ingest)
            return 0
        # --once takes what is there now: files still being written carry a partial name (.part, .tmp).
        settle = 0.0 if args.once else 2.0
        watcher = watch.watch(args.watch, ingest, format=args.format, interval=args.interval, settle=settle)

        def report(outcome) -> None:
            if args.json:
                print_json({"file": str(outcome.path), "status": outcome.status, "reason": outcome.reason, **outcome.summary})
            else:
                print(outcome.line(), flush=True)

        if args.once:
            for outcome in watcher.scan_once():
                report(outcome)
            return 0
        print(f"watching {args.watch} (Ctrl-C to stop)", file=sys.stderr)
        watcher.run(report=report)
        return 0


def orders(args: argparse.Namespace) -> int:
    if args.limit <= 0:
        raise InvalidInput("--limit must be positive")
    with open_context(args.db) as ctx:
        rows = queries.order_list(ctx.sessions, args.status, args.limit)
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(
                f"{r['number']:<12} {r['status']:<12} p{r['priority']} {r['channel']:<12} "
                f"{format_cents(r['goods_cents'], r['currency']):>12}  {r['ship_name']}, {r['ship_city']} {r['ship_country']}"
            )
    return 0


def order_detail(ctx: Context, number: str) -> dict[str, Any]:
    """One order by anything that names it, as ``station order --json`` prints it."""
    return queries.order_detail(ctx.sessions, number)


def order(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        detail = order_detail(ctx, args.number)
    if args.json:
        print_json(detail)
        return 0
    money = detail["money"]
    cur = money["currency"]
    print(f"{detail['number']}  {detail['status']}  ({detail['channel']} {detail['external_id']}, priority {detail['priority']})")
    print(f"  warehouse {detail['warehouse'] or '-'}  station {detail['station'] or '-'}  tracking {detail['tracking_number'] or '-'}")
    to = detail["ship_to"]
    print(f"  ship to {to['name']}, {to['address1']}, {to['city']} {to['region']} {to['postcode']} {to['country']}")
    print(
        f"  goods {format_cents(money['goods'], cur)} - coupon {format_cents(money['coupon'], cur)} "
        f"- points {format_cents(money['points'], cur)} + shipping {format_cents(money['shipping'], cur)}; "
        f"paid {format_cents(money['paid'], cur)} ({money['payment_status']})"
    )
    for line in detail["lines"]:
        print(f"  {line['line']:>3}. {line['quantity']:>3} x {line['sku']:<12} {line['name']}")
    for flag in detail["flags"]:
        print(f"  flag {flag['code']}: {flag['message']}{' (resolved)' if flag['resolved'] else ''}")
    for event in detail["events"]:
        who = " ".join(x for x in (event["station"], event["user"]) if x)
        print(f"  {event['at'][:19]}  {event['kind']:<12} {who}")
    return 0
