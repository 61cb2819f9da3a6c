"""Run N station processes at once against one database and collect what each did.

Each station is a process of its own (``spawn``: a fresh interpreter, its own engine and connections, as a
station machine has). The clock starts when every station is up (interpreter started, catalogue read) and
stops when the last one finds no order waiting.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from app.loadtest import invariants
from app.loadtest.station import StationReport
from db.session import make_engine, make_session_factory

START_TIMEOUT_S = 300.0


@dataclass
class LoadResult:
    reports: list[StationReport]
    seconds: float
    found: invariants.Invariants

    @property
    def labelled(self) -> int:
        return sum(len(r.labelled) for r in self.reports)

    @property
    def orders_per_second(self) -> float:
        return self.labelled / self.seconds if self.seconds else 0.0

    @property
    def problems(self) -> list[str]:
        return [f"{r.station}: {p}" for r in self.reports for p in r.problems]


def _station_process(url: str, name: str, ready, results) -> None:
    from app.loadtest.station import Station

    station = None
    try:
        station = Station(url, name)
        ready.wait(START_TIMEOUT_S)
        results.put(station.run())
    except BaseException as exc:  # noqa: BLE001 - a crashed station must still report, and the run must end
        report = station.report if station is not None else StationReport(name)
        report.problems.append(f"station stopped: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        if station is None:
            ready.abort()
        results.put(report)
    finally:
        if station is not None:
            station.close()


def run_stations(url: str, stations: list[str], channel: str, printer_dir: Path | None = None) -> LoadResult:
    """Run the stations until no order waits, then check the invariants over ``channel``'s orders."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(len(stations) + 1)
    results = context.Queue()
    processes = [context.Process(target=_station_process, args=(url, name, ready, results), name=name, daemon=True)
                 for name in stations]
    for process in processes:
        process.start()
    reports: list[StationReport] = []
    try:
        ready.wait(START_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - a station failed to start: its report says why
        pass
    started = time.perf_counter()
    while len(reports) < len(stations):
        try:
            reports.append(results.get(timeout=2.0))
        except queue.Empty:
            if not any(p.is_alive() for p in processes) and results.empty():
                break  # a station died without a word (killed): the others have reported
    seconds = time.perf_counter() - started
    for process in processes:
        process.join(timeout=30)
    missing = {name for name in stations} - {r.station for r in reports}
    reports += [StationReport(name, problems=["station died without reporting"]) for name in sorted(missing)]

    # A plain engine: the check reads tables the run wrote, whatever migrations the checkout has gained meanwhile.
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            found = invariants.check(session, channel, [r.claimed for r in reports], printer_dir)
    finally:
        engine.dispose()
    return LoadResult(reports, seconds, found)
