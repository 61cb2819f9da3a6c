"""Load proof (issue 8, item 1): 16 station processes on one PostgreSQL claim, pick, pack and label 20,000 orders
at full speed, beside what ``pgbench`` (builtin simple-update) reaches on the same server in the same run.

1. A fresh database (``station_bench_load_<random>``), migrated, seeded with the demo warehouse, carriers, the
   stations with a print-to-folder printer each, and the orders brought to ``allocated`` by the real intake
   (``app/loadtest/seed.py``).
2. The stations, one process each, until no order waits (``app/loadtest/station.py``): claim, pick route,
   one GS1-128 scan a unit into the pack service, which packs, labels and prints.
3. The invariants, with SQL over the real tables (``app/loadtest/invariants.py``): orders claimed twice,
   oversold stock rows, missing and doubled events, incomplete timelines. Any nonzero count fails the bench.
4. ``pgbench -i -s 10`` in a scratch database, then ``pgbench -b simple-update -c 16 -j 2 -T 30``; both
   databases are dropped afterwards.

Usage: ``python scripts/bench/bench_load.py [--stations 16] [--orders 20000] [--db URL] [--quick] [--json]``.
``--db`` names the PostgreSQL server (any database on it: the bench makes its own); default ``STATION_TEST_PG``.
``--quick``: 4 stations, 1,000 orders, pgbench ``-s 1 -T 5``. The machine is shared (2 cores): note the load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

PG_SERVER = os.environ.get("STATION_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PGBENCH = shutil.which("pgbench") or "/usr/bin/pgbench"
_TPS = re.compile(r"^tps = ([0-9.]+) \((?:without initial connection time|excluding connections establishing)\)", re.M)


class InvariantBroken(AssertionError):
    """The load run broke a rule that must hold whatever the load: the figures say which."""


def _libpq(url: str) -> str:
    return make_url(url.replace("postgresql+psycopg://", "postgresql://")).set(drivername="postgresql").render_as_string(
        hide_password=False)


def _database(server: str, name: str) -> str:
    return make_url(_libpq(server)).set(database=name).render_as_string(hide_password=False)


def _admin(server: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def create_database(server: str, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(server, f'CREATE DATABASE "{name}"')
    return _database(server, name)


def drop_database(server: str, url: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def pgbench_tps(server: str, clients: int, scale: int, seconds: int) -> float:
    """``pgbench -i -s SCALE`` in a scratch database, then the builtin simple-update for SECONDS; its tps."""
    url = create_database(server, "station_bench_pgbench")
    target = make_url(url)
    args = ["-h", target.host or "127.0.0.1", "-p", str(target.port or 5432), "-U", target.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": target.password} if target.password else {})}
    try:
        subprocess.run([PGBENCH, *args, "-i", "-q", "-s", str(scale), target.database], check=True, env=env,
                       capture_output=True, text=True)
        done = subprocess.run([PGBENCH, *args, "-b", "simple-update", "-c", str(clients), "-j", "2", "-T", str(seconds),
                               "-n", target.database], check=True, env=env, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"pgbench failed: {exc.stderr.strip() or exc.stdout.strip()}") from exc
    finally:
        drop_database(server, url)
    match = _TPS.search(done.stdout)
    if match is None:
        raise RuntimeError(f"pgbench printed no tps figure:\n{done.stdout}")
    return float(match.group(1))


def committed_transactions(server: str, url: str) -> int:
    """Transactions committed in the database so far (PostgreSQL's statistics)."""
    import psycopg

    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        return int(conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = %s",
                                (make_url(url).database,)).fetchone()[0])


def load_run(url: str, stations: int, orders: int, folder: Path, server: str):
    """Seed ``url`` and run the stations on it: the LoadResult, and the transactions the run committed."""
    from app.context import open_context
    from app.loadtest.run import run_stations
    from app.loadtest.seed import LOAD_CHANNEL, seed_load

    printers = folder / "printers"
    with open_context(url, migrate_schema=True) as ctx:
        seeded = seed_load(ctx, orders, stations, printers)
    if seeded.allocated != orders:
        raise RuntimeError(f"seeding brought {seeded.allocated} of {orders} orders to allocated: {seeded.intake}")
    before = committed_transactions(server, url)
    result = run_stations(url, seeded.stations, LOAD_CHANNEL, printers)
    return result, committed_transactions(server, url) - before


def run(quick: bool = False, stations: int | None = None, orders: int | None = None, server: str | None = None) -> list[dict]:
    stations = stations or (4 if quick else 16)
    orders = orders or (1_000 if quick else 20_000)
    server = server or PG_SERVER
    url = create_database(server, "station_bench_load")
    try:
        with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
            result, transactions = load_run(url, stations, orders, Path(tmp), server)
    finally:
        drop_database(server, url)
    tps = pgbench_tps(server, clients=16, scale=1 if quick else 10, seconds=5 if quick else 30)
    label = f"{stations} stations, {orders:,} orders"
    figures = [
        {"name": f"load: orders claimed+picked+packed+labelled ({label})", "value": round(result.orders_per_second, 1),
         "unit": "orders/s", "backend": "postgresql", "goal": None},
        {"name": "load: pgbench simple-update, 16 clients, same server", "value": round(tps), "unit": "tps",
         "backend": "postgresql", "goal": None},
        {"name": "load: station orders/s per pgbench tps", "value": round(result.orders_per_second / tps, 4) if tps else 0,
         "unit": "ratio", "backend": "postgresql", "goal": None},
        {"name": "load: database transactions committed by the stations per second", "value": round(transactions / result.seconds),
         "unit": "tps", "backend": "postgresql", "goal": None},
        {"name": "load: station transactions/s per pgbench tps", "value": round(transactions / result.seconds / tps, 3) if tps else 0,
         "unit": "ratio", "backend": "postgresql", "goal": None},
        {"name": f"load: orders labelled of {orders:,}", "value": result.labelled, "unit": "orders", "backend": "postgresql",
         "goal": f"= {orders}"},
    ]
    figures += [{"name": f"load: {what}", "value": count, "unit": "count", "backend": "postgresql", "goal": "0"}
                for what, count in result.found.counts().items()]
    figures.append({"name": "load: scans and claims retried after a database refusal",
                    "value": sum(r.retried_scans + r.retried_claims for r in result.reports), "unit": "count",
                    "backend": "postgresql", "goal": None})
    for problem in result.problems[:20]:
        print(f"bench: load: {problem}", file=sys.stderr)
    if result.found.broken or result.labelled != orders or result.problems:
        for example in result.found.examples:
            print(f"bench: load: {example}", file=sys.stderr)
        broken = {k: v for k, v in result.found.counts().items() if v}
        raise InvariantBroken(f"load run broke its invariants {broken}; labelled {result.labelled} of {orders}; "
                              f"{len(result.problems)} station problems")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, help="station processes (default 16; --quick 4)")
    parser.add_argument("--orders", type=int, help="orders to claim, pick, pack and label (default 20000; --quick 1000)")
    parser.add_argument("--db", metavar="URL", help="the PostgreSQL server, as a URL to any database on it")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.db and not args.db.startswith(("postgresql", "postgres")):
        parser.error("--db must be a PostgreSQL URL: the load proof runs on the shared server")
    if (args.stations is not None and args.stations < 1) or (args.orders is not None and args.orders < 1):
        parser.error("--stations and --orders must be at least 1")
    import psycopg

    from app.errors import StationError

    try:
        figures = run(args.quick, args.stations, args.orders, args.db)
    except (InvariantBroken, RuntimeError) as exc:
        print(f"bench_load: {exc}", file=sys.stderr)
        return 1
    except (psycopg.Error, StationError) as exc:
        print(f"bench_load: the PostgreSQL server at {args.db or PG_SERVER} failed: {str(exc).strip().splitlines()[0]}",
              file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
    else:
        for f in figures:
            print(f"{f['name']:<70} {f['backend'] or '':<10} {f['value']:>10} {f['unit']:<8} goal {f['goal']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
