"""What least privilege costs at the bench (issue 19, item 2), on PostgreSQL: the same pack service scans orders of
one demo database first as the superuser the database was made with, then as a packer's login made by
``station db roles`` (column privileges on users, INSERT-only ledgers, the trigger functions run as the login);
each scan's time to its answer, p99 and median of each (goal: the role split costs no measurable scan time, p99
stays <= 50 ms). The orders are packed in turns by the two logins; the label is made off the scan, as the pack
screen's worker makes it, so it is not in these figures (bench_pack times it).

Usage: ``python scripts/bench/bench_roles.py [--quick] [--json]``
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench import bench_setup as setup  # noqa: E402


def _percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] if len(samples) > 1 else samples[0]


def _pack_alternately(urls: list[str], numbers: list[str], scans: dict[str, list[str]]) -> list[list[float]]:
    """The orders packed in turns, one by each login (the same station, two connections): order 1 by the first,
    order 2 by the second, ...; each login's scan times. Taking turns puts both under the same load and cache."""
    from app.context import open_context
    from app.packing.service import PackService
    from app.uow import Actor
    from scripts.bench.bench_pack import STATION

    contexts = [open_context(url, migrate_schema=False) for url in urls]
    timings: list[list[float]] = [[] for _ in urls]
    try:
        services = [PackService(ctx.sessions, ctx.settings, STATION, Actor(station=STATION, user="bench", role="packer"),
                                print_dispatch=lambda jobs: None, label=False) for ctx in contexts]
        for n, number in enumerate(numbers):
            which = n % len(services)
            service = services[which]
            service.open(number)
            for text in scans[number]:
                started = time.perf_counter()
                answer = service.scan(text)
                timings[which].append((time.perf_counter() - started) * 1000)
                assert answer.verdict in ("ok", "complete"), (number, answer)
    finally:
        for ctx in contexts:
            ctx.dispose()
    return timings


def run(quick: bool = False) -> list[dict]:
    from sqlalchemy import select
    from sqlalchemy.engine import make_url

    from app.context import open_context, set_up_roles
    from app.demo.seed import seed
    from app.orders.supervision import ensure_station
    from db.models import Order
    from scripts.bench.bench_pack import STATION, _packable_orders, _scans_for

    per_side = 20 if quick else 60
    load = os.getloadavg()
    url = setup.fresh_postgres()
    if url is None:
        return []
    prefix = f"b{uuid.uuid4().hex[:8]}_"
    login = f"{prefix}bench1"
    figures: list[dict] = []
    try:
        ctx = open_context(url, migrate_schema=True)
        try:
            seed(ctx, orders=4000, seed=5)
            ensure_station(ctx.sessions, STATION, "SH", register=True)
            numbers = _packable_orders(ctx, 2 * per_side)
            serials = count(int(time.time()))
            with ctx.sessions() as s:
                scans = {n: _scans_for(s, s.scalar(select(Order).where(Order.number == n)), serials) for n in numbers}
        finally:
            ctx.dispose()
        set_up_roles(url, prefix, [(login, "packer", None)])
        superuser, as_packer = _pack_alternately(
            [url, make_url(url).set(username=login).render_as_string(hide_password=False)], numbers, scans)
        for who, samples in (("the superuser", superuser), ("a packer's login (station db roles)", as_packer)):
            figures.append({"name": f"pack scan to its answer as {who}, p99 ({len(samples)} scans)",
                            "value": round(_percentile(samples, 99), 1), "unit": "ms", "backend": "postgresql",
                            "goal": "<= 50"})
            figures.append({"name": f"pack scan to its answer as {who}, median", "value": round(statistics.median(samples), 1),
                            "unit": "ms", "backend": "postgresql", "goal": None})
    finally:
        setup.drop_postgres(url)
        import psycopg

        with psycopg.connect(setup.PG_ADMIN, autocommit=True) as conn:
            for role in (login, *(f"{prefix}{r}" for r in
                                  ("packer", "shipping", "supervisor", "service", "admin", "web", "owner"))):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')
    print(f"bench_roles: load average {load[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end", file=sys.stderr)
    return figures


def main() -> None:
    setup.command_line(__doc__, lambda quick, backends: run(quick) if "postgresql" in backends else [])


if __name__ == "__main__":
    main()
