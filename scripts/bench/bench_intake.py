"""Foundation figures (issue 2):

- ``station demo seed --orders 1000000`` on SQLite (goal: at most 180 s); the database it makes is
  kept for the other benchmarks (``--million PATH``).
- Intake + rules + confirmation from a 100,000-order native JSON file, through ``station import``'s
  own code path (goal: 3,000 orders/s on SQLite, 1,500 on PostgreSQL), with reservation by FEFO: the stock of every
  lot-tracked product lies in four lots (one expired, one inside the 30 days it must still have, two good), so
  confirmation skips and orders lots as it does in a warehouse with lots.
- ``station orders --status review --limit 50`` on the million-order database (goal: 150 ms).

Usage: ``python scripts/bench/bench_intake.py [--quick] [--json] [--million PATH] [--skip-million]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.context import open_context  # noqa: E402
from app.demo import seed as demo  # noqa: E402
from app.intake.detect import parse_file  # noqa: E402
from app.intake.model import IncomingOrder  # noqa: E402
from app.intake.service import import_records  # noqa: E402

PG_ADMIN = os.environ.get("STATION_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
STATION = str(ROOT / ".venv" / "bin" / "station")


def money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def to_native(order: IncomingOrder) -> dict:
    a = order.ship_to
    return {
        "channel": order.channel,
        "external_id": order.external_id,
        "placed_at": order.placed_at.isoformat(),
        "promised_ship_at": order.promised_ship_at.isoformat() if order.promised_ship_at else None,
        "priority": order.priority,
        "service_level": order.service_level,
        "currency": order.currency,
        "customer": {"email": order.customer_email, "name": order.customer_name},
        "ship_to": {k: getattr(a, k) for k in ("name", "company", "address1", "address2", "city", "region", "postcode", "country", "phone", "email")},
        "lines": [{"sku": l.sku, "quantity": l.quantity, "price": money(l.unit_price_cents)} for l in order.lines],
        "goods": money(order.goods_cents),
        "coupon": {"code": order.coupon_code, "amount": money(order.coupon_cents)} if order.coupon_code else None,
        "points": {"used": order.points_used, "amount": money(order.points_cents)} if order.points_used else None,
        "shipping": money(order.shipping_cents),
        "payment": {"status": order.payment_status, "amount": money(order.paid_cents), "reference": order.payment_reference},
    }


def write_orders_file(path: Path, count: int, ctx) -> None:
    generator = demo.OrderGenerator(ctx, seed=42, now=datetime.now(UTC))
    orders = [{k: v for k, v in to_native(o).items() if v is not None} for o in generator.orders(count, start=5_000_001)]
    for o in orders:
        o["channel"] = "bench"
    path.write_text(json.dumps({"format": "warehouse-station/orders", "version": 1, "orders": orders}, ensure_ascii=False))


def fresh_postgres() -> str | None:
    try:
        import psycopg

        name = f"station_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    except Exception as exc:  # noqa: BLE001 - the benchmark reports and goes on without PostgreSQL
        print(f"bench: PostgreSQL unavailable ({exc}); its figures are skipped", file=sys.stderr)
        return None


def drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fefo_lots(ctx) -> int:
    """Split the stock of each lot-tracked product in four lots in its bin: expired yesterday, expiring inside the
    30-day minimum shelf life the product is given, in 90 days, in 400 days. Returns the stock rows made."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from db.models import Product, Stock

    today = date.today()
    made = 0
    with ctx.sessions() as s:
        tracked = list(s.scalars(select(Product).where(Product.tracks_lot.is_(True))))
        for product in tracked:
            product.min_shelf_life_days = 30
        for row in list(s.scalars(select(Stock).where(Stock.product_id.in_([p.id for p in tracked]), Stock.lot == ""))):
            total = row.on_hand
            parts = [("L-OLD", -1, total // 10), ("L-NEAR", 10, total // 10), ("L-SOON", 90, total * 4 // 10)]
            for lot, days, units in parts:
                s.add(Stock(product_id=row.product_id, bin_id=row.bin_id, warehouse_id=row.warehouse_id, on_hand=units,
                            reserved=0, lot=lot, expiry=today + timedelta(days=days)))
                made += 1
            row.lot, row.expiry = "L-LATE", today + timedelta(days=400)
            row.on_hand = total - sum(units for _, _, units in parts)
        s.commit()
    return made


def intake_rate(url: str, orders_file: Path) -> tuple[float, float]:
    """Orders a second (wall time), and this process's CPU seconds per 1,000 orders (the machine is shared, so
    the CPU figure is the steadier one; PostgreSQL's own work is not in it)."""
    ctx = open_context(url, migrate_schema=True)
    try:
        demo.seed_reference(ctx, seed=1)
        fefo_lots(ctx)
        start, cpu_start = time.perf_counter(), time.process_time()
        _, records = parse_file(orders_file)
        summary = import_records(ctx.sessions, ctx.settings, records)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        assert summary.imported == records.total, summary.as_json()
        from sqlalchemy import func, select

        from db.models import Stock

        with ctx.sessions() as s:  # FEFO held: nothing reserved from the expired lot or the one too close to expiry
            by_lot = dict(s.execute(select(Stock.lot, func.sum(Stock.reserved)).group_by(Stock.lot)).all())
        assert not by_lot.get("L-OLD") and not by_lot.get("L-NEAR"), by_lot
        print(f"bench_intake: units reserved by lot {by_lot}", file=sys.stderr)
        return summary.imported / elapsed, cpu / summary.imported * 1000
    finally:
        ctx.dispose()


def _intake_figures(backend: str, rate: float, cpu_per_1000: float, n_file: int, goal: str) -> list[dict]:
    name = f"intake+rules+confirmation with FEFO lots ({n_file:,} orders from JSON)"
    return [
        {"name": name, "value": round(rate), "unit": "orders/s", "backend": backend, "goal": goal},
        {"name": f"{name}, CPU of the importing process", "value": round(cpu_per_1000, 3), "unit": "s/1000 orders",
         "backend": backend, "goal": None},
    ]


def query_ms(url: str, repeats: int = 15) -> tuple[float, float]:
    """Wall time of the real command, less the interpreter's start-up (measured with --help)."""
    def run(*argv: str) -> float:
        start = time.perf_counter()
        subprocess.run([STATION, *argv], check=True, capture_output=True)
        return time.perf_counter() - start

    startup = statistics.median(run("--help") for _ in range(5))
    samples = [run("--db", url, "orders", "--status", "review", "--limit", "50") for _ in range(repeats)]
    in_process = _in_process_query_ms(url)
    return max(statistics.median(samples) - startup, 0) * 1000, in_process


def _in_process_query_ms(url: str) -> float:
    import contextlib
    import io

    from app.cli.main import main

    samples = []
    for _ in range(10):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            main(["--db", url, "orders", "--status", "review", "--limit", "50"])
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def run(quick: bool = False, million: Path | None = None, skip_million: bool = False) -> list[dict]:
    figures: list[dict] = []
    n_file = 10_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        scratch = open_context(f"sqlite:///{tmpdir / 'gen.db'}", migrate_schema=True)
        demo.seed_reference(scratch, seed=1)
        orders_file = tmpdir / "orders.json"
        write_orders_file(orders_file, n_file, scratch)
        scratch.dispose()

        figures += _intake_figures("sqlite", *intake_rate(f"sqlite:///{tmpdir / 'intake.db'}", orders_file), n_file, ">= 3000")
        pg = fresh_postgres()
        if pg:
            try:
                figures += _intake_figures("postgresql", *intake_rate(pg, orders_file), n_file, ">= 1500")
            finally:
                drop_postgres(pg)

    if not skip_million:
        target = million or ROOT / "bench-results" / "million.db"
        count = 50_000 if quick else 1_000_000
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([STATION, "--db", f"sqlite:///{target}", "demo", "seed", "--orders", str(count)], check=True)
            wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            figures.append({"name": f"demo seed --orders {count:,}", "value": round(wall, 1), "unit": "s", "backend": "sqlite", "goal": "<= 180"})
            figures.append({"name": f"demo seed --orders {count:,}, CPU (user + system)", "value": round(cpu, 1), "unit": "s", "backend": "sqlite", "goal": None})
            # The seed is this benchmark's first child: the largest child's peak is the seed's (Linux: KiB).
            figures.append({"name": f"demo seed --orders {count:,}, peak resident memory", "value": round(after.ru_maxrss / 1024), "unit": "MB", "backend": "sqlite", "goal": None})
        cli_ms, in_process_ms = query_ms(f"sqlite:///{target}")
        figures.append({"name": "orders --status review --limit 50 (command, less interpreter start-up)", "value": round(cli_ms, 1), "unit": "ms", "backend": "sqlite", "goal": "<= 150"})
        figures.append({"name": "orders --status review --limit 50 (in process)", "value": round(in_process_ms, 1), "unit": "ms", "backend": "sqlite", "goal": "<= 150"})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--million", type=Path)
    parser.add_argument("--skip-million", action="store_true")
    args = parser.parse_args()
    figures = run(args.quick, args.million, args.skip_million)
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
    else:
        for f in figures:
            print(f"{f['name']:<75} {f['backend'] or '':<10} {f['value']:>10} {f['unit']:<13} goal {f['goal'] or '-'}")


if __name__ == "__main__":
    main()
