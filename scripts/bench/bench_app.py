#!/usr/bin/env python3
"""Desktop app figures (issue 3), on a big database, SQLite and PostgreSQL:

- start to log-in screen (goal: at most 2 s): ``station gui`` as a subprocess, offscreen, until the
  log-in screen is shown (STATION_EXIT_AFTER_LOGIN_SHOWN);
- queue first paint (goal: at most 1 s): the queue screen built, counted, first window read and painted;
- a filter change (goal: at most 200 ms): status, priority, warehouse, station, channel, date, search;
  the slowest of them and the median;
- the whole app's resident memory (goal: at most 300 MB) after every screen was built and the queue
  scrolled through far apart windows;
- a change at one station visible at another (goal: at most 1 s on PostgreSQL): a committed change to
  a listener on its own connection, median and worst of 20.

Usage::

    python scripts/bench/bench_app.py [--db URL ...] [--quick] [--json]
    python scripts/bench/bench_app.py --make postgresql://postgres@127.0.0.1:5432/station_bench_ui --orders 1000000

Without ``--db``: the SQLite million-order database ``bench-results/million.db`` (made by
``station demo seed --orders 1000000`` / bench_intake.py) if it is there, and a PostgreSQL database
``station_bench_ui`` that ``--make`` fills with demo reference data and N generated orders
(INSERT ... SELECT generate_series: a minute for a million). Any database with demo data works, a
small one too. The machine is shared: figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SQLITE_MILLION = ROOT / "bench-results" / "million.db"  # bench_intake.py's demo seed of a million
SQLITE_MADE = ROOT / "bench-results" / "app-million.db"  # --make sqlite:///bench-results/app-million.db
PG_BENCH = "postgresql://postgres@127.0.0.1:5432/station_bench_ui"


def figure(name: str, value: float, unit: str, backend: str | None, goal: str) -> dict:
    return {"name": name, "value": round(value, 3), "unit": unit, "backend": backend, "goal": goal}


# --- making a big PostgreSQL database ----------------------------------------------------------------

def make_postgres(url: str, orders: int) -> None:
    """A fresh database: schema, demo reference data (a few hundred real demo orders), then ``orders``
    generated orders with one line each, straight in SQL."""
    import psycopg
    from sqlalchemy.engine import make_url

    from app.context import open_context
    from app.demo.seed import seed
    from db import migrate
    from db.session import make_engine

    parsed = make_url(url)
    admin = parsed.set(database="postgres").set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    ctx = open_context(url, migrate_schema=False)
    try:
        seed(ctx, orders=300, seed=1)
    finally:
        ctx.dispose()
    statuses = ["allocated"] * 10 + ["review"] * 2 + ["backordered", "on_hold", "picking", "picked", "packing",
                                                       "packed", "labelled"] + ["shipped"] * 12 + ["delivered"] * 40
    started = time.perf_counter()
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        conn.execute(
            """
            INSERT INTO orders (number, channel, external_id, status, priority, placed_at, promised_ship_at,
                service_level, customer_id, ship_name, ship_company, ship_address1, ship_address2, ship_city,
                ship_region, ship_postcode, ship_country, ship_phone, ship_email, currency, goods_cents,
                coupon_code, coupon_cents, points_used, points_cents, shipping_cents, paid_cents,
                payment_status, payment_reference, warehouse_id, station_id, tracking_number, note,
                created_at, updated_at, version)
            SELECT 'B' || lpad(g::text, 9, '0'),
                   (ARRAY['web','jd','tmall','shopify','woocommerce'])[1 + g %% 5],
                   'B' || g,
                   (%(statuses)s::text[])[1 + (g * 7919) %% %(n_statuses)s],
                   CASE WHEN g %% 31 = 0 THEN 2 WHEN g %% 9 = 0 THEN 1 ELSE 0 END,
                   now() - ((g * 37) %% 129600) * interval '1 minute',
                   now() - ((g * 37) %% 129600) * interval '1 minute' + interval '48 hours',
                   'standard',
                   (SELECT min(id) FROM customers) + g %% (SELECT count(*) FROM customers),
                   'Customer ' || (g %% 50000), '', (g %% 900) || ' Renmin Road', '', 'Shanghai', 'Shanghai',
                   '200120', 'CN', '', '', 'CNY', 5000 + g %% 20000, '', 0, 0, 0, 1000,
                   6000 + g %% 20000, 'paid', 'PAY-B' || g,
                   (SELECT min(id) FROM warehouses) + g %% (SELECT count(*) FROM warehouses),
                   NULL, NULL, '', now(), now(), 1
            FROM generate_series(1::bigint, %(orders)s::bigint) AS g
            """,
            {"statuses": statuses, "n_statuses": len(statuses), "orders": orders},
        )
        conn.execute(
            """
            INSERT INTO order_lines (order_id, line_no, sku, gtin, product_id, name, quantity, unit_price_cents,
                                     picked_quantity, packed_quantity)
            SELECT o.id, 1, p.sku, '', p.id, p.name_en, 1, p.price_cents, 0, 0
            FROM orders o
            JOIN (SELECT id, sku, name_en, price_cents, row_number() OVER (ORDER BY id) - 1 AS k FROM products) p
              ON p.k = o.id % (SELECT count(*) FROM products)
            WHERE o.number LIKE 'B%'
            """
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    print(f"made {orders} orders in {time.perf_counter() - started:.0f} s at {parsed.database}", file=sys.stderr)


def make_sqlite(url: str, orders: int) -> None:
    """The same on an SQLite file: demo reference data, then ``orders`` generated orders (recursive CTE)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from app.context import open_context
    from app.demo.seed import seed

    path = Path(make_url(url).database)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    ctx = open_context(url, migrate_schema=True)
    started = time.perf_counter()
    try:
        seed(ctx, orders=300, seed=1)
        statuses = ["allocated"] * 10 + ["review"] * 2 + ["backordered", "on_hold", "picking", "picked", "packing",
                                                           "packed", "labelled"] + ["shipped"] * 12 + ["delivered"] * 40
        case = "CASE (g * 7919) % {} {} END".format(
            len(statuses), " ".join(f"WHEN {i} THEN '{st}'" for i, st in enumerate(statuses)))
        with ctx.engine.begin() as conn:
            conn.execute(text(f"""
                WITH RECURSIVE gen(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM gen WHERE g < :orders),
                     c AS (SELECT min(id) AS first, count(*) AS n FROM customers),
                     w AS (SELECT min(id) AS first, count(*) AS n FROM warehouses)
                INSERT INTO orders (number, channel, external_id, status, priority, placed_at, promised_ship_at,
                    service_level, customer_id, ship_name, ship_company, ship_address1, ship_address2, ship_city,
                    ship_region, ship_postcode, ship_country, ship_phone, ship_email, currency, goods_cents,
                    coupon_code, coupon_cents, points_used, points_cents, shipping_cents, paid_cents,
                    payment_status, payment_reference, warehouse_id, station_id, tracking_number, note,
                    created_at, updated_at, version)
                SELECT 'B' || substr('000000000' || g, -9), 
                       CASE g % 5 WHEN 0 THEN 'web' WHEN 1 THEN 'jd' WHEN 2 THEN 'tmall' WHEN 3 THEN 'shopify' ELSE 'woocommerce' END,
                       'B' || g, {case},
                       CASE WHEN g % 31 = 0 THEN 2 WHEN g % 9 = 0 THEN 1 ELSE 0 END,
                       strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ((g * 37) % 129600) || ' minutes') || '000',
                       strftime('%Y-%m-%d %H:%M:%f', 'now', (2880 - (g * 37) % 129600) || ' minutes') || '000',
                       'standard', c.first + g % c.n, 'Customer ' || (g % 50000), '', (g % 900) || ' Renmin Road',
                       '', 'Shanghai', 'Shanghai', '200120', 'CN', '', '', 'CNY', 5000 + g % 20000, '', 0, 0, 0,
                       1000, 6000 + g % 20000, 'paid', 'PAY-B' || g, w.first + g % w.n, NULL, NULL, '',
                       strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', 1
                FROM gen, c, w
            """), {"orders": orders})
            conn.execute(text("""
                INSERT INTO order_lines (order_id, line_no, sku, gtin, product_id, name, quantity, unit_price_cents,
                                         picked_quantity, packed_quantity)
                SELECT o.id, 1, p.sku, '', p.id, p.name_en, 1, p.price_cents, 0, 0
                FROM orders o JOIN (SELECT id, sku, name_en, price_cents,
                                           row_number() OVER (ORDER BY id) - 1 AS k FROM products) p
                  ON p.k = o.id % (SELECT count(*) FROM products)
                WHERE o.number LIKE 'B%'
            """))
        with ctx.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        ctx.dispose()
    print(f"made {orders} orders in {time.perf_counter() - started:.0f} s at {path}", file=sys.stderr)


# --- the figures -------------------------------------------------------------------------------------

def start_to_login(url: str, runs: int, entry: tuple[str, ...] = ("app.cli.main", "gui")) -> tuple[list[float], list[float]]:
    """Wall-clock seconds from launching the app until its log-in screen is painted, and the CPU seconds
    the process had used by then (the machine is shared: CPU time is the steadier figure)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STATION_EXIT_AFTER_LOGIN_SHOWN="1")
    times, cpu = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", *entry, "--db", url, "--station", "STATION-1"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = ""
        for line in proc.stdout:
            if line.startswith("login-shown"):
                times.append(time.perf_counter() - started)
                cpu.append(float(line.split()[3]))
                break
        _, err = proc.communicate(timeout=120)
        if not line.startswith("login-shown"):
            raise RuntimeError(f"the station did not show its log-in screen: {err.strip()[-500:]}")
    return times, cpu


def in_app(url: str, quick: bool) -> dict:
    """Runs in a child process (a Qt application of its own): first paint, filter changes, memory."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, __file__, "--child", url] + (["--quick"] if quick else []),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"the app benchmark failed: {proc.stderr.strip()[-800:]}")
    return json.loads(lines[-1])


def child(url: str, quick: bool) -> dict:
    from sqlalchemy import select

    from app.config import Settings
    from app.context import open_context
    from app.orders import queue as oq
    from app.ui.app import create_application, limit_sqlite_cache, release_memory
    from app.ui.feedback import Feedback
    from app.ui.queue.view import QueueScreen, index_of
    from app.ui.screens import ScreenEnv, screens_for
    from db.models import Order, User

    ctx = open_context(url, settings=Settings(db_url=url), migrate_schema=False)
    app = create_application(language="en")
    limit_sqlite_cache(ctx)  # as app.ui.app.run does
    with ctx.sessions() as s:
        user = s.scalar(select(User).where(User.role == "supervisor").limit(1))
        sample = s.execute(select(Order.number).order_by(Order.id.desc()).limit(1)).scalar_one()
    env = ScreenEnv(ctx=ctx, station="STATION-1", user_id=user.id, username=user.username,
                    display_name=user.display_name, role=user.role, feedback=Feedback(sound=False))

    def paint(widget) -> None:
        widget.grab()  # renders every visible cell: the rows are really read
        app.processEvents()

    first_paints, first_paints_cpu = [], []
    for _ in range(2 if quick else 4):
        started, cpu = time.perf_counter(), time.process_time()
        screen = QueueScreen(env)
        screen.resize(1400, 800)
        screen.show()
        paint(screen)
        first_paints.append(time.perf_counter() - started)
        first_paints_cpu.append(time.process_time() - cpu)
        screen.close()
        screen.deleteLater()
        app.processEvents()

    screen = QueueScreen(env)
    screen.resize(1400, 800)
    screen.show()
    paint(screen)
    view = screen.view
    view._load_channels()
    changes = {
        "status=allocated": lambda: view.status.setCurrentIndex(index_of(view.status, ("allocated",))),
        "status=review": lambda: view.status.setCurrentIndex(index_of(view.status, ("review",))),
        "waiting to pack": lambda: view.status.setCurrentIndex(1),
        "priority=urgent": lambda: view.priority.setCurrentIndex(view.priority.findData(2)),
        "warehouse": lambda: view.warehouse.setCurrentIndex(1),
        "station=none": lambda: view.station.setCurrentIndex(view.station.findData(oq.UNASSIGNED)),
        "channel": lambda: view.channel.setCurrentIndex(min(1, view.channel.count() - 1)),
        "placed today": lambda: view.placed.setCurrentIndex(1),
        "last 7 days": lambda: view.placed.setCurrentIndex(2),
        "search order number": lambda: (view.search.setText(sample), view.apply_filter()),
        "clear all": lambda: _clear_filters(view),
    }
    filter_times: dict[str, float] = {}
    filter_cpu: dict[str, float] = {}
    for name, change in changes.items():
        started, cpu = time.perf_counter(), time.process_time()
        change()
        paint(view.table)
        filter_times[name] = time.perf_counter() - started
        filter_cpu[name] = time.process_time() - cpu
    # Scroll far and wide through the whole queue, as a supervisor dragging the scroll bar would.
    _clear_filters(view)
    bar = view.table.verticalScrollBar()
    scroll_times = []
    for fraction in (0.1, 0.5, 0.9, 0.99, 0.3, 0.7):
        started = time.perf_counter()
        bar.setValue(int(bar.maximum() * fraction))
        paint(view.table)
        scroll_times.append(time.perf_counter() - started)
    # The station's own screens, then every screen an administrator has, built.
    mine = [spec.build(env) for spec in screens_for("admin") if spec.name in ("review", "supervisor", "settings")]
    for w in mine:
        w.resize(1400, 800)
        w.show()
        paint(w)
    release_memory()  # as the main window does a moment after it builds a screen
    rss_station_mb = _rss_mb()
    others = [spec.build(env) for spec in screens_for("admin") if spec.name not in ("queue", "review", "supervisor", "settings")]
    for w in others:
        w.resize(1400, 800)
        w.show()
        paint(w)
    release_memory()
    rss_mb = _rss_mb()
    return {"first_paint": first_paints, "first_paint_cpu": first_paints_cpu, "filters": filter_times,
            "filters_cpu": filter_cpu, "scroll": scroll_times, "rss_mb": rss_mb, "rss_station_mb": rss_station_mb,
            "rows": view.model.rowCount(), "cached_rows": view.model.cached_rows()}


def _clear_filters(view) -> None:
    for combo in (view.status, view.priority, view.warehouse, view.station, view.channel, view.placed):
        combo.blockSignals(True)
        combo.setCurrentIndex(0)
        combo.blockSignals(False)
    view.search.blockSignals(True)
    view.search.clear()
    view.search.blockSignals(False)
    view.apply_filter()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sync_latency(url: str, runs: int) -> list[float]:
    """A change committed at one station until a listener at another hears it."""
    from app.config import Settings
    from app.context import open_context
    from app.sync import notify_change
    from app.sync.listener import ChangeListener

    ctx = open_context(url, settings=Settings(db_url=url), migrate_schema=False)
    heard = threading.Event()
    arrived: dict[str, float] = {}
    connected = threading.Event()

    def on_change(topic: str, key: str) -> None:
        if topic == "bench":
            arrived[key] = time.perf_counter()
            heard.set()

    listener = ChangeListener(url, on_change, lambda ok: ok and connected.set()).start()
    latencies = []
    try:
        connected.wait(10)
        for i in range(runs):
            heard.clear()
            key = f"b{i}-{time.time_ns()}"
            with ctx.sessions() as s:
                notify_change(s, "bench", key)
                sent = time.perf_counter()
                s.commit()
            if not heard.wait(5):
                raise RuntimeError("a change was not heard within 5 s")
            latencies.append(arrived[key] - sent)
            time.sleep(0.05)
    finally:
        listener.stop()
        ctx.dispose()
    return latencies


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def measure(url: str, quick: bool) -> list[dict]:
    backend = backend_of(url)
    from db import migrate
    from db.session import make_engine

    engine = make_engine(url)  # the bench database follows the schema as other branches add tables
    migrate.upgrade(engine)
    engine.dispose()
    figures = []
    starts, starts_cpu = start_to_login(url, 2 if quick else 4)
    figures.append(figure("start to log-in screen (median, wall)", statistics.median(starts), "s", backend, "<= 2 s"))
    figures.append(figure("start to log-in screen (median, CPU)", statistics.median(starts_cpu), "s", backend, "<= 2 s"))
    starts, starts_cpu = start_to_login(url, 2 if quick else 4, entry=("app.ui",))
    figures.append(figure("start to log-in screen, python -m app.ui (median, wall)", statistics.median(starts), "s",
                          backend, "<= 2 s"))
    figures.append(figure("start to log-in screen, python -m app.ui (median, CPU)", statistics.median(starts_cpu), "s",
                          backend, "<= 2 s"))
    result = in_app(url, quick)
    figures.append(figure("queue first paint (median, wall)", statistics.median(result["first_paint"]), "s", backend, "<= 1 s"))
    figures.append(figure("queue first paint (median, CPU)", statistics.median(result["first_paint_cpu"]), "s", backend,
                          "<= 1 s"))
    filters = result["filters"]
    slowest = max(filters, key=filters.get)
    figures.append(figure(f"filter change, slowest ({slowest})", filters[slowest] * 1000, "ms", backend, "<= 200 ms"))
    figures.append(figure("filter change (median)", statistics.median(filters.values()) * 1000, "ms", backend, "<= 200 ms"))
    cpu = result["filters_cpu"]
    figures.append(figure(f"filter change, slowest CPU ({max(cpu, key=cpu.get)})", max(cpu.values()) * 1000, "ms", backend,
                          "<= 200 ms"))
    figures.append(figure("scroll to a far window (worst)", max(result["scroll"]) * 1000, "ms", backend, "smooth"))
    figures.append(figure("whole app resident memory", result["rss_mb"], "MB", backend, "<= 300 MB"))
    figures.append(figure("resident memory with the queue, review, supervisor, settings screens only",
                          result["rss_station_mb"], "MB", backend, "<= 300 MB"))
    figures.append(figure("orders in the queue", result["rows"], "orders", backend, "1,000,000"))
    latencies = sync_latency(url, 10 if quick else 20)
    figures.append(figure("change seen at another station (median)", statistics.median(latencies) * 1000, "ms", backend,
                          "<= 1000 ms" if backend == "postgresql" else "poll every 250 ms"))
    figures.append(figure("change seen at another station (worst)", max(latencies) * 1000, "ms", backend,
                          "<= 1000 ms" if backend == "postgresql" else "poll every 250 ms"))
    if not quick:
        figures.append({"detail": {k: round(v * 1000, 1) for k, v in filters.items()}, "backend": backend})
    return figures


def default_urls() -> list[str]:
    urls = []
    for path in (SQLITE_MILLION, SQLITE_MADE):
        if path.exists():
            urls.append(f"sqlite:///{path}")
            break
    try:
        import psycopg

        with psycopg.connect(PG_BENCH.replace("+psycopg", ""), connect_timeout=3) as conn:
            conn.execute("SELECT 1 FROM orders LIMIT 1")
        urls.append(PG_BENCH)
    except Exception:  # noqa: BLE001 - no PostgreSQL bench database: SQLite only
        pass
    return urls


def run(quick: bool = False, urls: list[str] | None = None) -> list[dict]:
    figures = []
    for url in urls or default_urls():
        figures += measure(url, quick)
    return [f for f in figures if "name" in f]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="desktop app figures (issue 3)")
    parser.add_argument("--db", action="append", help="a database with demo data (repeat for several)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--make", metavar="URL", help="make a bench database (PostgreSQL or SQLite) and exit")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.quick)), flush=True)
        os._exit(0)  # screens of other packages may still run worker threads: measured, done
    if args.make:
        (make_sqlite if args.make.startswith("sqlite") else make_postgres)(args.make, args.orders)
        return 0
    urls = args.db or default_urls()
    if not urls:
        print("bench_app: no database: pass --db URL (or make one with --make)", file=sys.stderr)
        return 1
    figures = []
    for url in urls:
        figures += measure(url, args.quick)
    if args.json:
        print(json.dumps({"figures": [f for f in figures if "name" in f]}, ensure_ascii=False))
    else:
        for f in figures:
            if "name" in f:
                print(f"{f['backend'] or '':<11} {f['name']:<48} {f['value']:>10} {f['unit']:<7} goal {f['goal']}")
            else:
                print(f"{f['backend']:<11} filter changes (ms): {f['detail']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
