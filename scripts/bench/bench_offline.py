"""Offline scan journal figures (issue 8, faults), through the real pack service, journal file and databases:

- a scan while the shared database is away: from the scan reaching the pack service to its amber answer, the
  scan on the station's disk (SQLite, fsync'd) first; p50 and p99; goal p99 <= 50 ms, the same as any scan's
  feedback (issue 9). It does not depend on the shared database (the station's own disk): backend null;
- the replay when the database is back: stored scans recorded per second through the normal scan path (one
  transaction and one client-key check each), on SQLite and PostgreSQL, and the time to record the 30 scans
  a packer makes in a 60 s outage.

Usage: ``python scripts/bench/bench_offline.py [--quick] [--json]``. The machine is shared: the load average
is printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _station(url: str, journal: Path, units: int):
    """A fresh order of ``units`` cables opened at the bench's station, with the station's offline journal."""
    from app.context import open_context
    from app.packing.offline import OfflineScans, ScanJournal, database_name
    from app.packing.service import PackService
    from app.uow import Actor
    from tests.packing.factories import make_bench, make_order

    ctx = open_context(url, migrate_schema=False)
    with ctx.sessions() as s:
        bench = make_bench(s)
        number = make_order(s, [("P-CABLE", units)]).number
        s.commit()
    actor = Actor(station=bench.station, user=bench.packer, role="packer")
    offline = OfflineScans(ScanJournal(journal, bench.station, database_name(url)))

    def make_service(**kwargs) -> PackService:
        return PackService(ctx.sessions, ctx.settings, bench.station, actor, print_dispatch=lambda jobs: None, **kwargs)

    service = make_service(offline=offline)
    service.open(number)
    offline.remember(service.view())
    return ctx, bench, offline, service, make_service


def bench_database(url: str, backend: str, units: int, folder: Path) -> list[dict]:
    from app.packing.classify import classify
    from app.packing.offline import Replayer

    ctx, bench, offline, service, make_service = _station(url, folder / f"journal-{backend}.sqlite", units)
    figures = []
    try:
        # The database "goes away": one scan is stored, so every later one joins the journal behind it.
        offline.store(classify(bench.gtins["P-CABLE"]), offline.new_key())
        answers_ms = []
        for _ in range(units - 1):
            started = time.perf_counter()
            answer = service.scan(bench.gtins["P-CABLE"])
            answers_ms.append((time.perf_counter() - started) * 1000)
            assert answer.reason == "stored_offline", answer.reason
        if backend == "sqlite":  # the journal is the station's own file: one figure, whatever the database
            p99 = statistics.quantiles(answers_ms, n=100, method="inclusive")[98]
            figures += [
                {"name": "scan stored at the station (database away), answer p50", "value": round(statistics.median(answers_ms), 2),
                 "unit": "ms", "backend": None, "goal": None},
                {"name": "scan stored at the station (database away), answer p99", "value": round(p99, 2), "unit": "ms",
                 "backend": None, "goal": "<= 50"},
            ]
        replayer = Replayer(offline.journal, make_service)
        started = time.perf_counter()
        outcomes = replayer.replay_all()
        elapsed = time.perf_counter() - started
        assert len(outcomes) == units and all(o.answer.good for o in outcomes)
        figures += [
            {"name": "stored scans replayed when the database is back", "value": round(units / elapsed, 1),
             "unit": "scans/s", "backend": backend, "goal": None},
            {"name": "a 60 s outage's 30 stored scans recorded after reconnect", "value": round(30 * elapsed / units, 3),
             "unit": "s", "backend": backend, "goal": None},
        ]
    finally:
        offline.journal.close()
        ctx.dispose()
    return figures


def run(quick: bool = False, backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    from tests.helpers.databases import DatabaseFactory, postgres_unavailable_reason

    units = 60 if quick else 300
    figures: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="offline-bench-") as tmp:
        folder = Path(tmp)
        factory = DatabaseFactory(folder, f"offline{os.getpid()}")
        try:
            for backend in backends:
                if backend == "postgresql" and postgres_unavailable_reason():
                    print(f"bench_offline: {postgres_unavailable_reason()}: no PostgreSQL figures", file=sys.stderr)
                    continue
                url = factory.create(backend)
                try:
                    figures += bench_database(url, backend, units, folder)
                finally:
                    factory.drop(url)
        finally:
            factory.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(quick=args.quick)
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
        return
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for f in figures:
        print(f"{f['name']:<62} {f['backend'] or '-':<10} {f['value']:>10} {f['unit']:<8} {f['goal'] or '-'}")


if __name__ == "__main__":
    main()
