"""Goods in (issue 18), on SQLite and PostgreSQL: a receiving scan from the station's scanner to its answer, and the
put-away that follows it (the stock change, its ledger line, the backorders it may release), through the service
the Goods in screen calls. The catalogue is 100,000 products with their GTINs (10,000 with --quick), 20,000 bins; a
delivery of 200 lines is announced by CSV and received scan by scan (goal: p99 <= 50 ms).

The full run does it on a million-order database (the demo's reference data and a million generated orders,
``bench_app.py``'s maker: a fourteenth of them backordered, so each put-away looks for backorders to release among
tens of thousands); ``--quick`` on an empty one.

Usage: ``python scripts/bench/bench_goodsin.py [--quick] [--json] [--backend sqlite|postgresql|both] [--orders N]``
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.context import open_context  # noqa: E402
from app.goodsin import service  # noqa: E402
from app.uow import Actor, UnitOfWork  # noqa: E402
from db.models import Bin, Station, Warehouse  # noqa: E402
from scripts.bench import bench_setup as setup  # noqa: E402

DOCK = Actor(station="DOCK-1", user="bench", role="shipping")
LINES = 200


def _percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] if len(samples) > 1 else samples[0]


def measure(url: str, backend: str, catalogue: Path, products: int, bins: int, scans: int, orders: int = 0) -> list[dict]:
    if orders:
        from scripts.bench import bench_app

        started = time.perf_counter()
        (bench_app.make_postgres if backend == "postgresql" else bench_app.make_sqlite)(url, orders)
        print(f"bench_goodsin: {orders:,} orders made on {backend} in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    ctx = open_context(url, migrate_schema=True)
    if orders:  # as confirmation leaves them: each backordered order with its replenishment request
        from sqlalchemy import text

        with ctx.engine.begin() as conn:
            made = conn.execute(text(
                "INSERT INTO replenishments (product_id, warehouse_id, order_id, quantity, status, requested_at) "
                "SELECT l.product_id, o.warehouse_id, o.id, l.quantity, 'requested', o.created_at FROM orders o "
                "JOIN order_lines l ON l.order_id = o.id WHERE o.status = 'backordered' AND l.product_id IS NOT NULL"))
        print(f"bench_goodsin: {made.rowcount:,} replenishment requests of backordered orders", file=sys.stderr)
    try:
        setup.make_bins(ctx, bins)
        with UnitOfWork(ctx.sessions) as uow:
            s = uow.session
            warehouse = s.query(Warehouse).filter_by(code="BENCH").one()
            s.add(Bin(warehouse_id=warehouse.id, code="Q-1", zone="Q", aisle=99, position=0.0, level=1, quarantine=True))
            s.add(Station(name="DOCK-1", warehouse_id=warehouse.id, kind="pack"))
            uow.commit()
        setup.import_products(ctx.sessions, catalogue, setup.ACTOR, "csv")
        step = max(1, products // LINES)
        advice = catalogue.parent / f"advice-{backend}.csv"
        advice.write_text("reference,supplier,expected_on,purchase_order,sku,gtin,quantity,lot,expiry,sscc\n" + "".join(
            f"BENCH-1,Bench Supplier,2026-12-06,PO-1,SKU-{n * step:06d},,{scans},,,\n" for n in range(LINES)),
            encoding="utf-8")
        number = service.import_deliveries(ctx.sessions, DOCK, advice, warehouse="BENCH").created[0]
        service.open_delivery(ctx.sessions, DOCK, number)
        received, stored = [], []
        for n in range(scans):
            gtin = setup.gtin13((n % LINES) * step)
            start = time.perf_counter()
            answer = service.receive(ctx.sessions, DOCK, number, gtin)
            received.append((time.perf_counter() - start) * 1000)
            assert answer.entry_id is not None and answer.proposed_bin, answer
            start = time.perf_counter()
            service.put_away(ctx.sessions, DOCK, answer.entry_id, answer.proposed_bin)
            stored.append((time.perf_counter() - start) * 1000)
    finally:
        ctx.dispose()
    label = f"{products:,} products, {bins:,} bins, {scans} scans" + (f", {orders:,} orders" if orders else "")
    return [
        _fig(f"receiving scan to its answer, p99 ({label})", round(_percentile(received, 99), 1), backend, "<= 50"),
        _fig(f"receiving scan to its answer, median ({label})", round(statistics.median(received), 1), backend, None),
        _fig(f"put-away scan to its answer, p99 ({label})", round(_percentile(stored, 99), 1), backend, "<= 50"),
        _fig(f"put-away scan to its answer, median ({label})", round(statistics.median(stored), 1), backend, None),
    ]


def _fig(name: str, value: float, backend: str, goal: str | None) -> dict:
    return {"name": name, "value": value, "unit": "ms", "backend": backend, "goal": goal}


def run(quick: bool = False, backends: tuple[str, ...] = ("sqlite", "postgresql"), orders: int | None = None) -> list[dict]:
    orders = (0 if quick else 1_000_000) if orders is None else orders
    products = 10_000 if quick else 100_000
    bins = 2_000 if quick else 20_000
    scans = 100 if quick else 400
    figures: list[dict] = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = Path(tmp) / "products.csv"
        setup.write_catalogue(catalogue, products)
        if "sqlite" in backends:
            figures += measure(f"sqlite:///{Path(tmp) / 'goodsin.db'}", "sqlite", catalogue, products, bins, scans,
                               orders)
        if "postgresql" in backends:
            pg = setup.fresh_postgres()
            if pg:
                try:
                    figures += measure(pg, "postgresql", catalogue, products, bins, scans, orders)
                finally:
                    setup.drop_postgres(pg)
    print(f"bench_goodsin: load average {load[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end", file=sys.stderr)
    return figures


def main() -> None:
    orders = None
    if "--orders" in sys.argv:  # ours; the rest is bench_setup's command line
        at = sys.argv.index("--orders")
        orders = int(sys.argv[at + 1])
        del sys.argv[at:at + 2]
    setup.command_line(__doc__, lambda quick, backends: run(quick, backends, orders))


if __name__ == "__main__":
    main()
