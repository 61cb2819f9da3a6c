#!/usr/bin/env python3
"""The shops, both ways (issue 20), on SQLite and PostgreSQL, against the stand-in shops on loopback
(tests/helpers/shops.py: real HTTP servers answering as Shopify's Admin GraphQL API and WooCommerce's REST API):

- the scan path with write-back on: the pack bench's last scan to label job at the printer (bench_pack's own
  measurement) while every packed order's shop answers only after 2 s and ``station channels push`` runs beside it
  in its own process, as ``station serve`` would; goal <= 0.5 s;
- 10,000 fulfilments drained from the outbox to a shop (goal >= 50/s), each kind of shop;
- 10,000 new orders pulled from a shop into the database, through the intake (goal >= 1,000 orders/s).

Usage: ``python scripts/bench/bench_channels.py [--quick] [--json] [--backend sqlite|postgresql|both]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.bench import bench_pack  # noqa: E402
from tests.helpers.shops import SHOPIFY_TOKEN, WOO_KEY, WOO_SECRET, StandInShop  # noqa: E402

GOALS = {"scan": "<= 0.5", "drain": ">= 50", "pull": ">= 1000"}


def _demo(backend: str, orders: int, folder: Path) -> tuple[str, Callable[[], None]]:
    """bench_pack's demo database (seeded by ``station demo seed`` in a process of its own)."""
    url, cleanup = bench_pack._demo(backend, orders, folder)
    return url, cleanup


def _credentials(name: str, kind: str) -> dict[str, str]:
    return {"token": SHOPIFY_TOKEN} if kind == "shopify" else {"key": WOO_KEY, "secret": WOO_SECRET}


def _context(url: str, name: str, kind: str):
    from app.context import open_context

    ctx = open_context(url, migrate_schema=True)
    ctx.settings.channels = {name: _credentials(name, kind)}
    return ctx


def scan_path(backend: str, folder: Path, pack: int) -> list[dict]:
    """bench_pack's figures with every packed order from a shop that answers in 2 s."""
    from sqlalchemy import select

    from app.channels.service import add_channel
    from app.uow import Actor
    from db.models import Order
    from db.models.channels import ChannelMessage

    url, cleanup = _demo(backend, 400, folder)
    shop = StandInShop("shopify").start()
    shop.delay_s = 2.0
    pusher = None
    try:
        ctx = _context(url, "benchshop", "shopify")
        add_channel(ctx.sessions, Actor(station="BENCH", user="bench", role="admin"), "benchshop", "shopify", shop.url)
        with ctx.sessions() as s, s.begin():
            orders = s.scalars(select(Order).where(Order.status == "allocated")).all()
            for n, order in enumerate(orders, start=1):
                order.channel, order.external_id, order.shop_number = "benchshop", str(90_000 + n), str(90_000 + n)
                # The shop holds the same order: its lines are the warehouse's.
                shop.add_order_with_lines(90_000 + n, [(line.sku, line.quantity) for line in order.lines])
        ctx.dispose()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "STATION_CHANNEL_BENCHSHOP_TOKEN": SHOPIFY_TOKEN,
               "STATION_CONFIG": str(folder / "none.json")}
        pusher = subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", url, "channels", "push", "--every",
                                   "0.2"], cwd=ROOT, env=env, stdout=(log := open(folder / "pusher.log", "w")), stderr=log)
        figures = bench_pack.bench_database(url, backend, pack, "shop answering in 2 s")
        deadline = time.monotonic() + 60
        ctx = _context(url, "benchshop", "shopify")
        sent = queued = 0
        while time.monotonic() < deadline:
            with ctx.sessions() as s:
                states = [m for m in s.scalars(select(ChannelMessage.state))]
            queued, sent = len(states), states.count("sent")
            if queued and sent == queued:
                break
            time.sleep(0.5)
        ctx.dispose()
        out = [dict(f, name=f["name"].replace("pack: ", "channels: write-back on, ", 1))
               for f in figures if "last scan to label" in f["name"] or "never reached" in f["name"]]
        out.append({"name": "channels: fulfilments the shop got while and after packing (2 s a request)",
                    "value": sent, "unit": f"of {queued}", "backend": backend, "goal": f"= {queued}"})
        return out
    finally:
        if pusher is not None:
            pusher.terminate()
            pusher.wait(10)
        shop.stop()
        cleanup()


def _fresh(backend: str, folder: Path, tag: str) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{folder / (tag + '.db')}", lambda: None
    import uuid

    import psycopg

    name = f"station_chbench_{uuid.uuid4().hex[:8]}"
    admin = bench_pack.PG_ADMIN.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def cleanup() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return bench_pack.PG_ADMIN.rsplit("/", 1)[0] + "/" + name, cleanup


def drain(backend: str, folder: Path, kind: str, count: int) -> list[dict]:
    """``count`` fulfilments queued, then drained to the shop as ``station serve`` does it."""
    from app.channels.service import add_channel, send_fulfilments
    from app.uow import Actor
    from db.base import utcnow
    from db.bulk import insert_rows
    from db.models.channels import Channel, ChannelMessage

    url, cleanup = _fresh(backend, folder, f"drain-{kind}")
    shop = StandInShop(kind).start()
    try:
        ctx = _context(url, "shop", kind)
        add_channel(ctx.sessions, Actor(station="BENCH", user="bench", role="admin"), "shop", kind, shop.url)
        shop.add_orders(count, start=100_001)
        with ctx.sessions() as s, s.begin():
            channel_id = s.query(Channel.id).scalar()
            now = utcnow()
            insert_rows(s, ChannelMessage.__table__, [
                {"channel_id": channel_id, "kind": "fulfilment", "key": f"fulfilment:{channel_id}:BT{i:08d}",
                 "order_id": None, "parcel_id": None, "state": "pending", "attempts": 0, "next_attempt_at": now,
                 "last_error": "", "remote_id": "", "created_at": now, "http_status": None, "claimed_at": None,
                 "sent_at": None,
                 "payload": {"order_id": str(100_001 + i), "shop_number": f"#{100_001 + i}",
                             "lines": [{"sku": "SKU-1", "quantity": 2, "name": "Mug"}], "carrier": "SF Express",
                             "tracking_number": f"BT{i:08d}", "tracking_token": f"tok{i}", "complete": True,
                             "notify_customer": True}}
                for i in range(count)])
        clients: dict = {}
        started = time.perf_counter()
        sent = failed = 0
        while True:
            round_ = send_fulfilments(ctx.sessions, ctx.settings, batch=200, clients=clients)
            sent += round_.sent
            failed += len(round_.failed)
            if not (round_.sent or round_.failed or round_.retrying):
                break
        elapsed = time.perf_counter() - started
        for client in clients.values():
            client.close()
        ctx.dispose()
        made = sum(len(v) for v in shop.fulfilments.values())
        return [{"name": f"channels: fulfilments drained to {kind} ({count:,}), per second", "value": round(sent / elapsed, 1),
                 "unit": "/s", "backend": backend, "goal": GOALS["drain"]},
                {"name": f"channels: fulfilments the {kind} shop holds after the drain ({count:,} queued)", "value": made,
                 "unit": f"of {count}", "backend": backend, "goal": f"= {count}"}]
    finally:
        shop.stop()
        cleanup()


def pull_rate(backend: str, folder: Path, kind: str, count: int) -> list[dict]:
    """``count`` new orders at the shop, pulled into a warehouse with the demo catalogue."""
    from sqlalchemy import func, select

    from app.channels.service import add_channel, pull
    from app.uow import Actor
    from db.models import Order, Product

    sub = folder / f"pull-{kind}"
    sub.mkdir(exist_ok=True)
    url, cleanup = _demo(backend, 0, sub)
    ctx = _context(url, "shop", kind)
    with ctx.sessions() as s:
        skus = tuple(s.scalars(select(Product.sku).order_by(Product.id).limit(40)))
    # The shop in a process of its own: a real one does not share the station's interpreter.
    shop = subprocess.Popen([sys.executable, "-m", "tests.helpers.shops", kind, "--orders", str(count), "--start",
                             "200001", "--skus", ",".join(skus)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert shop.stdout is not None
        shop_url = shop.stdout.readline().strip()
        actor = Actor(station="BENCH", user="bench", role="admin")
        add_channel(ctx.sessions, actor, "shop", kind, shop_url)
        started = time.perf_counter()
        result = pull(ctx.sessions, ctx.settings, "shop", actor)
        elapsed = time.perf_counter() - started
        with ctx.sessions() as s:
            stored = s.scalar(select(func.count()).select_from(Order).where(Order.channel == "shop"))
        ctx.dispose()
        if result.error:
            print(f"bench_channels: pull from {kind} stopped: {result.error}", file=sys.stderr)
        return [{"name": f"channels: new orders pulled from {kind} into the database ({count:,}), per second",
                 "value": round(stored / elapsed, 1), "unit": "orders/s", "backend": backend, "goal": GOALS["pull"]},
                {"name": f"channels: orders stored after pulling {count:,} from {kind}", "value": stored,
                 "unit": f"of {count}", "backend": backend, "goal": f"= {count}"}]
    finally:
        if shop.stdin is not None:
            shop.stdin.close()
        shop.wait(30)
        cleanup()


def run(quick: bool = False, backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    count = 1_000 if quick else 10_000
    pack = 5 if quick else 20
    figures: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="channels-bench-") as tmp:
        folder = Path(tmp)
        for backend in backends:
            bfolder = folder / backend
            bfolder.mkdir()
            try:
                figures += scan_path(backend, bfolder, pack)
                for kind in ("shopify", "woocommerce"):
                    figures += drain(backend, bfolder, kind, count)
                    figures += pull_rate(backend, bfolder, kind, count)
            except Exception as exc:  # noqa: BLE001 - one backend's failure is said; the other still runs
                if backend == "postgresql" and "connect" in str(exc).lower():
                    print(f"bench_channels: PostgreSQL unavailable ({exc}); its figures are skipped", file=sys.stderr)
                    continue
                raise
            print(f"bench_channels {backend}: load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    figures = run(args.quick, backends)
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
    else:
        for f in figures:
            print(f"{f['name']:<90} {f.get('backend') or '-':<10} {f['value']:>10} {f['unit']:<10} {f.get('goal') or ''}")


if __name__ == "__main__":
    main()
