"""Pack verification figures (issue 9), through the real pack screen offscreen (PackScreen over PackService):

- scan to feedback on screen: from the scan's text reaching the screen to the message label repainted with
  the answer (the scan journalled and ticked in its own committed transaction before that), p50 and p99;
  goal p99 <= 50 ms;
- last scan to label job at the printer: from the order's last item scan to the label's first byte received
  by a raw-TCP (port 9100) printer the benchmark runs; goal <= 0.5 s. Measured twice: at a bench without a
  scale, and with the demo's virtual scale (the closed box put on a simulated MT-SICS scale polled five times a
  second, its weighing checked before the label is made).

Databases: every ``--db URL`` given, benched in a copy so the original is never written (an SQLite file is
copied with SQLite's backup API, a PostgreSQL database with ``CREATE DATABASE ... TEMPLATE``), else a demo
database made with ``station demo seed --orders N`` on SQLite and on PostgreSQL. The million-order databases
(``scripts/bench/bench_app.py --make``) hold a few hundred real demo orders and a million generated ones of one
line each: the orders packed are the real ``allocated`` orders of warehouse SH, then generated ones given
two to four more lines of catalogue products (in the copy), so every order takes several scans. Each order is
claimed by scanning its number; every unit is scanned as GS1-128 (lot, expiry and serial included where the
product tracks them).

Figures per scan kind (the scan that opens the order, the scans that tick a line, the scan that completes
the order), with the SQL statements each kind runs on the GUI thread.

Without ``--db`` (and without ``--quick``): the million-order databases where they exist
(``bench-results/app-million.db``, PostgreSQL ``station_bench_ui`` or ``STATION_BENCH_PG_MILLION``), a demo
database for a backend that has none.

Usage: ``python scripts/bench/bench_pack.py [--db URL ...] [--orders N] [--pack K] [--quick] [--json]``, e.g.
``--db sqlite:///bench-results/app-million.db --db postgresql://postgres@127.0.0.1:5432/station_bench_ui``.
The machine is shared (2 cores): figures are noisy; the load average is printed beside them (stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
PG_ADMIN = os.environ.get("STATION_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
STATION = "BENCH-PACK"
# The million-order SQLite database the lead builds (or the one the station app benchmark makes).
MILLIONS = (ROOT / "bench-results" / "app-million.db", ROOT / "bench-results" / "million.db")
# The million-order PostgreSQL database (bench_app.py --make) on the test server.
PG_MILLION = os.environ.get("STATION_BENCH_PG_MILLION", "postgresql://postgres@127.0.0.1:5432/station_bench_ui")


def _million_urls() -> list[str]:
    """The million-order databases that exist here: the SQLite file, the PostgreSQL database."""
    import psycopg
    from sqlalchemy.engine import make_url

    urls = [f"sqlite:///{path}" for path in MILLIONS if path.exists()][:1]
    parsed = make_url(PG_MILLION)
    try:
        admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
                urls.append(PG_MILLION)
    except psycopg.Error as exc:
        print(f"bench: PostgreSQL unavailable ({exc})", file=sys.stderr)
    return urls


class Printer:
    """A raw-TCP label printer: records when each job's first byte arrives."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.arrivals: list[float] = []
        self.event = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            first = True
            with conn:
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    if first:
                        self.arrivals.append(time.perf_counter())
                        self.event.set()
                        first = False

    def close(self) -> None:
        self.server.close()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _copy_sqlite(url: str, folder: Path) -> str:
    source = Path(url.split("sqlite:///", 1)[1])
    source = source if source.is_absolute() else ROOT / source
    target = folder / "pack-bench.db"
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def _copy_postgres(url: str) -> tuple[str, callable]:
    """A copy of the database to bench in (``CREATE DATABASE ... TEMPLATE``; nobody may be connected to the
    original meanwhile, so a busy original is retried for a while)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    name = f"station_packbench_{uuid.uuid4().hex[:8]}"
    for attempt in range(30):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
            break
        except psycopg.errors.ObjectInUse:
            if attempt == 29:
                raise
            time.sleep(2)

    def cleanup() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parsed.set(database=name).render_as_string(hide_password=False), cleanup


def _demo(backend: str, orders: int, folder: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'pack-demo.db'}"
        cleanup = lambda: None  # noqa: E731
    else:
        import psycopg

        name = f"station_packbench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name

        def cleanup() -> None:
            with psycopg.connect(PG_ADMIN.replace("+psycopg", ""), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    station = [sys.executable, "-m", "app.cli.main", "--db", url]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*station, "db", "upgrade"], check=True, cwd=ROOT, env=env, capture_output=True)
    subprocess.run([*station, "demo", "seed", "--orders", str(orders)], check=True, cwd=ROOT, env=env, capture_output=True)
    return url, cleanup


def _scans_for(session, order, serials) -> list[str]:
    from sqlalchemy import select

    from db.models import OrderLine, Product, ProductGtin

    scans = []
    expiry = (date.today() + timedelta(days=400)).strftime("%y%m%d")
    for line in session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)):
        product = session.get(Product, line.product_id)
        gtin = session.scalar(select(ProductGtin.gtin).where(ProductGtin.product_id == product.id, ProductGtin.units == 1))
        for _ in range(line.quantity - line.packed_quantity):
            text = "]C101" + gtin
            if product.tracks_expiry:
                text += "17" + expiry
            if product.tracks_lot:
                text += "10BENCH7\x1d"
            if product.tracks_serial:
                text += f"21S{next(serials)}\x1d"
            scans.append(text.rstrip("\x1d"))
    return scans


def _packable_orders(ctx, pack: int) -> list[str]:
    """``pack`` orders to pack at the bench: allocated standard-service orders of warehouse SH within China
    whose products have dimensions and a unit GTIN (the demo carriers have no scheduled service to every
    region: such an order would be packed but not labelled). Real demo orders first (up to 8 units, the most
    units first); then generated orders (``B...``, one line each), given two to four more lines here."""
    from sqlalchemy import func, select

    from db.models import Order, OrderLine, Product, ProductGtin, Warehouse

    with ctx.sessions() as s:
        warehouse_id = s.scalar(select(Warehouse.id).where(Warehouse.code == "SH"))
        fit = (select(Product.id).where(Product.length_mm.is_not(None), Product.weight_g > 0,
                                        Product.gtins.any(ProductGtin.units == 1)))
        packable = (Order.status == "allocated", Order.station_id.is_(None), Order.warehouse_id == warehouse_id,
                    Order.ship_country == "CN", Order.service_level == "standard")
        unfit = select(OrderLine.order_id).where(OrderLine.product_id.not_in(fit) | OrderLine.product_id.is_(None))
        units = select(func.sum(OrderLine.quantity)).where(OrderLine.order_id == Order.id).scalar_subquery()
        numbers = list(s.scalars(
            select(Order.number).where(*packable, ~Order.number.like("B%"), Order.id.not_in(unfit), units <= 8)
            .order_by(units.desc(), Order.id.desc()).limit(pack)
        ))
        wanted = pack - len(numbers)
        if wanted <= 0:
            return numbers
        products = list(s.scalars(select(Product).where(Product.id.in_(fit)).order_by(Product.id)))
        # The newest generated orders, their one line of a product that fits.
        generated = list(s.scalars(
            select(Order).join(OrderLine, OrderLine.order_id == Order.id)
            .where(*packable, Order.number.like("B%"), OrderLine.product_id.in_(fit))
            .order_by(Order.id.desc()).limit(wanted)
        ))
        chooser = random.Random(9)
        for order in generated:
            for line_no, product in enumerate(chooser.sample(products, chooser.randint(2, 4)), start=2):
                s.add(OrderLine(order_id=order.id, line_no=line_no, sku=product.sku, gtin="", product_id=product.id,
                                name=product.name_en, quantity=chooser.randint(1, 2), unit_price_cents=product.price_cents,
                                picked_quantity=0, packed_quantity=0))
            numbers.append(order.number)
        s.commit()
    return numbers


def bench_database(url: str, backend: str, pack: int, label: str, scale: bool = False) -> list[dict]:
    """The figures of one database; ``scale``: the bench has the demo's virtual scale (a simulated MT-SICS scale on
    a pseudo-terminal read by the real reader thread, and the demo's hand putting each closed box on it), so the
    last scan's figure includes waiting for the box's weighing."""
    from itertools import count

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import event, select

    from app.context import open_context
    from app.orders.supervision import ensure_station
    from app.shipping.carriers import seed_carriers
    from app.shipping.service import set_printer
    from app.ui.feedback import Feedback
    from app.ui.pack.screen import PackScreen
    from app.ui.screens import ScreenEnv
    from db.models import Order

    app = QApplication.instance() or QApplication([])
    ctx = open_context(url, migrate_schema=True)
    printer = Printer()
    try:
        ensure_station(ctx.sessions, STATION, "SH", register=True)
        with ctx.sessions() as s:
            seed_carriers(s)
            s.commit()
        with ctx.sessions() as s:  # the station's printers: in the database, where the app reads them
            for kind in ("label", "packing_slip"):
                set_printer(s, STATION, kind, f"tcp://127.0.0.1:{printer.port}")
            s.commit()
        numbers = _packable_orders(ctx, pack)
        if not numbers:
            print(f"bench: no allocated order to pack in {label}", file=sys.stderr)
            return []
        env = ScreenEnv(ctx=ctx, station=STATION, user_id=0, username="bench", display_name="Bench", role="packer",
                        feedback=Feedback(sound=False))
        demo = None
        if scale:
            from app.ui.devices.bridge import DeviceBridge
            from app.ui.devices.demo import DemoDevices

            bridge = DeviceBridge()
            demo = DemoDevices(bridge)
            bridge.demo_devices = demo
            deadline = time.perf_counter() + 10
            while bridge.state("scale") != "connected" and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.01)
        screen = PackScreen(env)
        if demo is not None:
            screen.device_bridge = bridge  # what the main window carries; the screen connects to it when shown
        screen.resize(1400, 860)
        screen.show()
        app.processEvents()
        # Wait for the document warm-up (fonts) the screen starts, as a station would have done by then.
        from app.shipping import label_pdf
        from app.shipping.service import sample_label

        label_pdf.render(sample_label(ctx.settings))
        serials = count(int(time.time()))
        # Milliseconds and SQL statements (run on the GUI thread: the scan's own) per scan kind.
        kinds = ("open", "tick", "complete")
        timings: dict[str, list[float]] = {kind: [] for kind in kinds}
        statements: dict[str, list[int]] = {kind: [] for kind in kinds}
        # CPU time of the GUI thread (with SQLite that includes the database's work): what the load does not change.
        cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
        handoff_s: list[float] = []
        failures = 0
        gui_thread = threading.get_ident()
        counted = [0]

        def count_statement(conn, cursor, statement: str, *_args) -> None:
            # The scan's own statements (not the hand-off thread's), transaction control left out (SQLite's
            # BEGIN IMMEDIATE goes through here, PostgreSQL's BEGIN does not).
            if threading.get_ident() == gui_thread and not statement.lstrip().upper().startswith(_CONTROL):
                counted[0] += 1

        event.listen(ctx.engine, "before_cursor_execute", count_statement)

        def timed_scan(text: str, kind: str) -> float:
            counted[0] = 0
            start, start_cpu = time.perf_counter(), time.thread_time()
            screen.handle_scan(text)
            screen.message.repaint()  # the answer painted on screen
            ms = (time.perf_counter() - start) * 1000
            cpu[kind].append((time.thread_time() - start_cpu) * 1000)
            timings[kind].append(ms)
            statements[kind].append(counted[0])
            return ms

        for number in numbers:
            timed_scan(number, "open")  # opens (claims) the order
            app.processEvents()
            with ctx.sessions() as s:
                order = s.scalar(select(Order).where(Order.number == number))
                scans = _scans_for(s, order, serials)
            for text in scans[:-1]:
                timed_scan(text, "tick")
                app.processEvents()
            printer.event.clear()
            before = len(printer.arrivals)
            start = time.perf_counter()
            timed_scan(scans[-1], "complete")
            done = False
            deadline = time.perf_counter() + 20
            while time.perf_counter() < deadline:
                app.processEvents()
                if len(printer.arrivals) > before:
                    done = True
                    break
                printer.event.wait(0.002)
            if done:
                handoff_s.append(printer.arrivals[before] - start)
            else:
                failures += 1
                print(f"bench: {number}: no label reached the printer ({screen.last_answer and screen.last_answer.text()})",
                      file=sys.stderr)
            # Let the slip go out too before the next order.
            time.sleep(0.05)
            app.processEvents()
        event.remove(ctx.engine, "before_cursor_execute", count_statement)
        screen.shutdown()
        env.close()  # the station's print-queue worker
        screen.close()
        if demo is not None:
            bridge.stop()
            demo.close()
            label = f"{label}, virtual scale"
        # The load average goes beside the figures (station bench records it too), not into their names: a name
        # is how runs are compared.
        print(f"bench_pack {backend}: load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
        every = [ms for kind in kinds for ms in timings[kind]]
        figures = [
            {"name": f"pack: scan to feedback on screen, p50 ({label})", "value": round(_pct(every, 50), 1),
             "unit": "ms", "backend": backend, "goal": None},
            {"name": f"pack: scan to feedback on screen, p99 ({label}, {len(every)} scans)",
             "value": round(_pct(every, 99), 1), "unit": "ms", "backend": backend, "goal": "<= 50"},
        ]
        named = {"open": "the scans that open an order", "tick": "the scans that tick a line",
                 "complete": "the scans that complete an order"}
        for kind in kinds:
            if not timings[kind]:
                continue
            what = f"{named[kind]} ({label}, {len(timings[kind])} scans)"
            figures += [
                {"name": f"pack: scan to feedback, p50 of {what}", "value": round(_pct(timings[kind], 50), 1), "unit": "ms",
                 "backend": backend, "goal": None},
                {"name": f"pack: scan to feedback, p99 of {what}", "value": round(_pct(timings[kind], 99), 1), "unit": "ms",
                 "backend": backend, "goal": "<= 50"},
                {"name": f"pack: GUI-thread CPU time, p99 of {what}", "value": round(_pct(cpu[kind], 99), 1), "unit": "ms",
                 "backend": backend, "goal": None},
                {"name": f"pack: SQL statements per scan, mean of {what}",
                 "value": round(sum(statements[kind]) / len(statements[kind]), 1), "unit": "statements", "backend": backend,
                 "goal": None},
            ]
        if handoff_s:
            figures += [
                {"name": f"pack: last scan to label job at the printer, p50 ({label})", "value": round(_pct(handoff_s, 50), 3),
                 "unit": "s", "backend": backend, "goal": None},
                {"name": f"pack: last scan to label job at the printer, max ({label}, {len(handoff_s)} orders)",
                 "value": round(max(handoff_s), 3), "unit": "s", "backend": backend, "goal": "<= 0.5"},
            ]
        if failures:
            figures.append({"name": f"pack: orders whose label never reached the printer ({label})", "value": failures,
                            "unit": "orders", "backend": backend, "goal": "0"})
        return figures
    finally:
        printer.close()
        ctx.dispose()


def run(quick: bool = False, dbs: list[str] | None = None, orders: int | None = None, pack: int | None = None,
        backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    orders = orders or (1000 if quick else 5000)
    pack = pack or (5 if quick else 30)
    figures: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="pack-bench-") as tmp:
        folder = Path(tmp)
        targets: list[tuple[str, str, str, callable]] = []
        given = bool(dbs)
        if not given and not quick:
            dbs = _million_urls()
        for url in dbs or []:
            backend = "sqlite" if url.startswith("sqlite") else "postgresql"
            if backend not in backends:
                continue
            label = Path(url.split("///", 1)[-1]).name if backend == "sqlite" else url.rsplit("/", 1)[-1]
            if backend == "sqlite":
                targets.append((_copy_sqlite(url, folder), backend, label, lambda: None))
                continue
            try:
                copy, cleanup = _copy_postgres(url)
            except Exception as exc:  # noqa: BLE001 - report and go on with the other databases
                print(f"bench: cannot copy {label} ({exc}); its figures are skipped", file=sys.stderr)
                continue
            targets.append((copy, backend, label, cleanup))
        # Without databases named: a demo database for each backend that has no million-order one.
        covered = {target[1] for target in targets} | {b for b in ("sqlite", "postgresql") if b not in backends}
        if not given and "sqlite" not in covered:
            url, cleanup = _demo("sqlite", orders, folder)
            targets.append((url, "sqlite", f"demo {orders:,} orders", cleanup))
        if not given and "postgresql" not in covered:
            try:
                url, cleanup = _demo("postgresql", orders, folder)
                targets.append((url, "postgresql", f"demo {orders:,} orders", cleanup))
            except Exception as exc:  # noqa: BLE001 - report and go on without PostgreSQL
                print(f"bench: PostgreSQL unavailable ({exc}); its figures are skipped", file=sys.stderr)
        try:
            for url, backend, label, _cleanup in targets:
                figures += bench_database(url, backend, pack, label)
                # The demo's path: the closed box weighed on the virtual scale before its label.
                figures += [f for f in bench_database(url, backend, max(3, pack // 3), label, scale=True)
                            if "last scan to label" in f["name"] or "scan to feedback on screen" in f["name"]]
        finally:  # every copy goes, also when a bench fails half-way
            for *_rest, cleanup in targets:
                cleanup()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", metavar="URL", help="a database to bench (repeat for several)")
    parser.add_argument("--orders", type=int, help="demo orders to seed when no --db is given")
    parser.add_argument("--pack", type=int, help="orders to pack per database")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.quick, args.db, args.orders, args.pack)
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
    else:
        for f in figures:
            print(f"{f['name']:<80} {f['backend'] or '':<10} {f['value']:>8} {f['unit']:<6} goal {f['goal']}")


if __name__ == "__main__":
    main()
