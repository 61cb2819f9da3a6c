"""After-sales figures (issue 7):

- every report (``station report NAME``) over the whole database: goal at most 2 s each, measured after the
  report rollups are current (median of ``--repeat`` runs, each in its own transaction as the CLI does);
- the one-off back-fill of the rollups on a database that never had them (no goal: it happens once; later
  refreshes read only the new events);
- a timeline lookup (``station track``: by order number, tracking number or SSCC): goal at most 100 ms
  (median and 95th percentile over a sample of orders).

Usage: ``python scripts/bench/bench_aftersales.py [--db URL ...] [--orders N] [--quick] [--json] [--repeat N]``.
Without ``--db`` it uses ``bench-results/million.db`` when it exists (copied first, so the lead's file is not
written to), else a demo database of ``--orders`` orders made with ``station demo seed``; and a demo database of as
many orders on the PostgreSQL test server (``STATION_TEST_PG``) when one answers. The machine is
shared with other engineers: the figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from app import reports  # noqa: E402
from app.aftersales import tracking  # noqa: E402
from app.context import open_context  # noqa: E402
from app.errors import StationError  # noqa: E402
from app.reports import rollup  # noqa: E402
from app.uow import UnitOfWork  # noqa: E402
from db.models import Order  # noqa: E402
from db.models.shipping import Parcel  # noqa: E402

MILLION = ROOT / "bench-results" / "million.db"
REPORT_GOAL_MS = 2000
LOOKUP_GOAL_MS = 100


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def copy_sqlite(path: Path) -> str:
    """A consistent copy of a live SQLite file (the online backup API), so the benchmark never writes to it."""
    target = Path(tempfile.mkdtemp(prefix="bench_aftersales_")) / path.name
    _log(f"copying {path} to {target} ...")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{target}"


def demo_db(orders: int) -> str:
    from app.demo import seed as demo

    target = Path(tempfile.mkdtemp(prefix="bench_aftersales_")) / "demo.db"
    url = f"sqlite:///{target}"
    ctx = open_context(url)
    _log(f"seeding {orders} demo orders into {target} ...")
    demo.seed(ctx, orders=orders, seed=7)
    ctx.dispose()
    return url


def bench_db(url: str, repeat: int, lookups: int) -> list[dict]:
    ctx = open_context(url)
    backend = ctx.backend
    figures: list[dict] = []
    try:
        with ctx.sessions() as s:
            orders = s.scalar(select(func.count()).select_from(Order)) or 0
        label = f"{orders:,} orders"
        _log(f"{backend} {label}: rolling the timeline up ...")
        t = time.perf_counter()
        with UnitOfWork(ctx.sessions) as uow:
            done = rollup.refresh(uow.session)
            uow.commit()
        backfill = time.perf_counter() - t
        if not done.events:
            _log("  (the rollups were already current: the back-fill figure is a plain refresh)")
        with ctx.sessions() as s:
            events = s.execute(text("SELECT count(*) FROM order_events")).scalar() or 0
        figures.append({"name": f"report rollup back-fill ({events:,} events, {label})",
                        "value": round(backfill, 2), "unit": "s", "backend": backend, "goal": None})
        worst = 0.0
        for name in reports.names():
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                with UnitOfWork(ctx.sessions) as uow:
                    result = reports.run(uow.session, name)
                    uow.commit()
                times.append((time.perf_counter() - t) * 1000)
            ms = statistics.median(times)
            worst = max(worst, ms)
            _log(f"  report {name}: {ms:.1f} ms ({len(result.rows)} rows)")
            figures.append({"name": f"report {name} ({label})", "value": round(ms, 1), "unit": "ms",
                            "backend": backend, "goal": REPORT_GOAL_MS})
        figures.append({"name": f"slowest report ({label})", "value": round(worst, 1), "unit": "ms",
                        "backend": backend, "goal": REPORT_GOAL_MS})

        with ctx.sessions() as s:
            top = s.scalar(select(func.max(Order.id))) or 0
            rng = random.Random(11)
            queries: list[str] = []
            tries = 0
            while len(queries) < lookups and top and tries < lookups * 20:
                tries += 1
                order = s.get(Order, rng.randint(1, top))
                if order is None:
                    continue
                parcel = s.scalar(select(Parcel).where(Parcel.order_id == order.id).limit(1))
                kind = len(queries) % 3
                if kind == 1 and parcel is not None:
                    queries.append(parcel.tracking_number)
                elif kind == 2 and parcel is not None:
                    queries.append("00" + parcel.sscc)
                else:
                    queries.append(order.number)
        times = []
        cpu = []
        events = []
        for q in queries:
            t = time.perf_counter()
            c = time.process_time()
            with ctx.sessions() as s:
                view = tracking.lookup(s, q)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            events.append(len(view.events))
        if times:
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            _log(f"  timeline lookup: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms over {len(times)} "
                 f"lookups ({statistics.mean(events):.1f} events each)")
            figures.append({"name": f"timeline lookup, median ({label})", "value": round(statistics.median(times), 1),
                            "unit": "ms", "backend": backend, "goal": LOOKUP_GOAL_MS})
            figures.append({"name": f"timeline lookup, 95th percentile ({label})", "value": round(p95, 1),
                            "unit": "ms", "backend": backend, "goal": LOOKUP_GOAL_MS})
            # The machine is shared: the client's own CPU time per lookup shows what is ours in the wall time.
            figures.append({"name": f"timeline lookup, client CPU time, median ({label})",
                            "value": round(statistics.median(cpu), 1), "unit": "ms", "backend": backend, "goal": None})
        if hasattr(os, "getloadavg"):
            _log(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        ctx.dispose()
    return figures


def pg_demo_db(factory, orders: int) -> str:
    """A fresh PostgreSQL database on the test server with ``orders`` demo orders."""
    from app.demo import seed as demo

    url = factory.create("postgresql")
    ctx = open_context(url)
    _log(f"seeding {orders} demo orders into PostgreSQL {url.rsplit('/', 1)[-1]} ...")
    demo.seed(ctx, orders=orders, seed=7)
    ctx.dispose()
    return url


def run(quick: bool = False, dbs: list[str] | None = None, orders: int | None = None, repeat: int | None = None,
        backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """Without ``dbs``: SQLite (the million-order file when there is one, else a demo database) and a demo
    database on the PostgreSQL test server, as ``backends`` asks."""
    from tests.helpers.databases import DatabaseFactory, postgres_unavailable_reason

    repeat = repeat or (3 if quick else 5)
    lookups = 60 if quick else 300
    temp_urls: list[str] = []
    factory = None
    if not dbs:
        dbs = []
        if "sqlite" in backends:
            dbs.append(copy_sqlite(MILLION) if MILLION.exists() and not quick else demo_db(orders or (2000 if quick else 20000)))
        if "postgresql" in backends:
            if postgres_unavailable_reason():
                _log(f"bench_aftersales: {postgres_unavailable_reason()}: no PostgreSQL figures")
            else:
                factory = DatabaseFactory(Path(tempfile.mkdtemp(prefix="bench_aftersales_pg_")), f"bench{os.getpid()}")
                dbs.append(pg_demo_db(factory, orders or (2000 if quick else 20000)))
        temp_urls = list(dbs)
    figures: list[dict] = []
    try:
        for url in dbs:
            figures += bench_db(url, repeat, lookups)
    finally:
        for url in temp_urls:
            if url.startswith("sqlite"):
                shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
            elif factory is not None:
                factory.drop(url)
        if factory is not None:
            factory.close()
            shutil.rmtree(factory.folder, ignore_errors=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", metavar="URL", help="a database to bench (repeat for several); "
                        "a SQLite database is written to (its report rollups)")
    parser.add_argument("--orders", type=int, help="demo orders to seed when no --db is given")
    parser.add_argument("--repeat", type=int, help="runs of each report (median)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        figures = run(args.quick, args.db, args.orders, args.repeat)
    except StationError as exc:
        print(f"bench_aftersales: {exc.message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
    else:
        for f in figures:
            goal = f" (goal {f['goal']} {f['unit']})" if f["goal"] is not None else ""
            print(f"{f['name']} [{f['backend']}]: {f['value']} {f['unit']}{goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
