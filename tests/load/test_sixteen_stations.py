"""Issue 8, load: station processes at once on one database claim, pick, pack and label every order, and the
invariants hold (no order claimed twice, no stock oversold, no event lost or doubled, every timeline complete).
The same code as ``scripts/bench/bench_load.py`` at a small scale; the bench has the 16-station figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from app.context import open_context
from app.loadtest.invariants import check
from app.loadtest.run import run_stations
from app.loadtest.seed import LOAD_CHANNEL, seed_load
from app.loadtest.station import Station
from db.models import Order, Stock
from tests.conftest import BACKENDS, require_backend

# Processes and orders a backend runs in the test: SQLite serialises writers (BEGIN IMMEDIATE), so fewer.
SCALE = {"postgresql": (4, 200), "sqlite": (2, 100)}


@pytest.fixture(params=BACKENDS)
def fresh_url(request, database_factory):
    require_backend(request.param)
    url = database_factory.create(request.param)
    yield request.param, url
    database_factory.drop(url)


def _seed(url: str, orders: int, stations: int, printers: Path):
    with open_context(url, migrate_schema=False) as ctx:
        seeded = seed_load(ctx, orders, stations, printers)
    assert seeded.intake.rejected == []
    assert seeded.allocated == orders
    return seeded


@pytest.mark.slow
def test_stations_at_once_label_every_order_once(fresh_url, tmp_path):
    backend, url = fresh_url
    stations, orders = SCALE[backend]
    printers = tmp_path / "printers"
    seeded = _seed(url, orders, stations, printers)

    result = run_stations(url, seeded.stations, LOAD_CHANNEL, printers)

    assert result.problems == []
    assert result.labelled == orders
    assert result.found.orders == orders
    assert result.found.counts() == {"orders claimed twice": 0, "oversold stock rows": 0, "missing events": 0,
                                     "doubled events": 0, "incomplete timelines": 0}, result.found.examples
    claimed = [number for report in result.reports for number in report.claimed]
    assert len(claimed) == len(set(claimed)) == orders
    with open_context(url, migrate_schema=False) as ctx, ctx.sessions() as s:
        statuses = dict(s.execute(select(Order.status, text("count(*)")).where(Order.channel == LOAD_CHANNEL)
                                  .group_by(Order.status)).all())
    assert statuses == {"labelled": orders}


def test_the_check_finds_each_kind_of_breakage(fresh_url, tmp_path):
    """A checker that always says 0 proves nothing: break each rule on purpose and see it counted."""
    _, url = fresh_url
    printers = tmp_path / "printers"
    seeded = _seed(url, 6, 1, printers)
    station = Station(url, seeded.stations[0])
    try:
        report = station.run()
    finally:
        station.close()
    assert len(report.labelled) == 6 and report.problems == []
    with open_context(url, migrate_schema=False) as ctx, ctx.sessions() as s:
        assert check(s, LOAD_CHANNEL, [report.claimed], printers).counts() == dict.fromkeys(
            ("orders claimed twice", "oversold stock rows", "missing events", "doubled events", "incomplete timelines"), 0)
        first, second = report.claimed[:2]
        # A second claim on the timeline, and another station saying it claimed the same order.
        order_id = s.scalar(select(Order.id).where(Order.number == first))
        s.execute(text("INSERT INTO order_events (order_id, at, kind, station, \"user\", data) "
                       "SELECT order_id, at, kind, 'LOAD-99', \"user\", data FROM order_events "
                       "WHERE order_id = :id AND kind = 'claimed'"), {"id": order_id})
        # One unit more reserved on a stock row than its reservations hold (the database's own check constraint
        # refuses more reserved than on hand, so the checker must catch the subtler kind).
        stock_id = s.scalar(select(Stock.id).where(Stock.reserved > 0).order_by(Stock.id).limit(1))
        s.execute(update(Stock).where(Stock.id == stock_id).values(reserved=Stock.reserved + 1))
        # A unit's tick lost from the pack journal, and the order moved back out of labelled.
        s.execute(text("DELETE FROM pack_scans WHERE id = (SELECT min(j.id) FROM pack_scans j JOIN orders o "
                       "ON o.id = j.order_id WHERE o.number = :n AND j.verdict IN ('ok', 'complete'))"), {"n": second})
        s.execute(update(Order).where(Order.number == second).values(status="packed"))
        s.commit()
        # One printed label gone from the printer's folder.
        next(p for p in printers.rglob("*.zpl")).unlink()

        found = check(s, LOAD_CHANNEL, [report.claimed, [first]], printers)
    assert found.claimed_twice == 1
    assert found.oversold_stock_rows == 1
    assert found.doubled_events == 1  # the second claimed event
    assert found.missing_events == 2  # the unit's tick and the printed label
    assert found.incomplete_timelines == 2  # the order claimed by two stations, the order no longer labelled
    assert found.broken and found.examples
