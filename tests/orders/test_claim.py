import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli.main import main
from app.errors import NotFound, PermissionDenied
from app.orders.claim import claim_next, current_order
from app.uow import Actor
from db.models import ChangeLog, Order, OrderEvent, Station
from tests.ui.factories import make_order, make_world

ROOT = Path(__file__).resolve().parents[2]
PACKER = Actor(station="STATION-1", user="packer1", role="packer")


def _world(ctx, **kw):
    with ctx.sessions() as s:
        world = make_world(s, **kw)
        s.commit()
    return world


def test_claims_most_urgent_first_and_records_it(ctx):
    world = _world(ctx, orders=9)
    order = claim_next(ctx.sessions, "STATION-1", PACKER)
    with ctx.sessions() as s:
        expected = s.scalars(select(Order).order_by(Order.priority.desc(), Order.promised_ship_at, Order.id).limit(1)).one()
        assert order.number == expected.number
        claimed = s.scalar(select(Order).where(Order.number == order.number))
        assert claimed.status == "packing"
        assert claimed.station_id == world.station_ids["STATION-1"]
        event = s.scalars(select(OrderEvent).where(OrderEvent.order_id == claimed.id)).one()
        assert (event.kind, event.station, event.user, event.data["previous"]) == ("claimed", "STATION-1", "packer1", "allocated")
        assert s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.key == order.number)) == 1
        assert current_order(s, "STATION-1").number == order.number


def test_orders_assigned_to_the_station_come_first_and_others_are_skipped(ctx):
    world = _world(ctx, orders=3)
    with ctx.sessions() as s:
        s2 = world.station_ids["STATION-2"]
        mine = make_order(s, "WS-MINE", warehouse_id=world.warehouse_id, priority=0, station_id=world.station_ids["STATION-1"])
        make_order(s, "WS-OTHER", warehouse_id=world.warehouse_id, priority=2, station_id=s2)
        make_order(s, "WS-ELSEWHERE", warehouse_id=world.warehouse2_id, priority=2)
        make_order(s, "WS-REVIEW", status="review", warehouse_id=world.warehouse_id, priority=2)
        s.commit()
    numbers = []
    while (order := claim_next(ctx.sessions, "STATION-1", PACKER)) is not None:
        numbers.append(order.number)
    assert numbers[0] == mine.number
    assert set(numbers) == {mine.number, *world.order_numbers}


def test_nothing_waiting_gives_none_and_unknown_station_is_an_error(ctx):
    _world(ctx, orders=0)
    assert claim_next(ctx.sessions, "STATION-1", PACKER) is None
    with pytest.raises(NotFound):
        claim_next(ctx.sessions, "NO-SUCH", PACKER)
    with pytest.raises(PermissionDenied):
        claim_next(ctx.sessions, "STATION-1", Actor(user="svc", role="service"))


def test_cli_claim_json_and_exit_codes(ctx, capsys):
    _world(ctx, orders=2)
    url = ctx.engine.url.render_as_string(hide_password=False)
    assert main(["claim", "--db", url, "--station", "STATION-2", "--count", "5", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["station"] for line in lines] == ["STATION-2", "STATION-2"]
    assert len({line["number"] for line in lines}) == 2
    assert main(["claim", "--db", url, "--station", "STATION-2", "--json"]) == 3
    assert capsys.readouterr().out == ""
    assert main(["claim", "--db", url, "--station", "NOPE"]) == 1
    assert "no station named" in capsys.readouterr().err


def _claim_all(url: str, station: str) -> list[str]:
    from app.context import open_context

    ctx = open_context(url, migrate_schema=False)
    actor = Actor(station=station, user=station, role="packer")
    got = []
    try:
        while (order := claim_next(ctx.sessions, station, actor)) is not None:
            got.append(order.number)
    finally:
        ctx.dispose()
    return got


@pytest.mark.slow
def test_concurrent_claims_from_several_processes_never_give_an_order_twice(ctx):
    """A thousand claims from four processes at once: every order claimed exactly once."""
    total = 1000 if ctx.backend == "postgresql" else 200
    with ctx.sessions() as s:
        world = make_world(s, orders=0, stations=4)
        from db.base import utcnow
        now = utcnow()
        s.execute(Order.__table__.insert(), [
            dict(number=f"C-{i:05d}", channel="shop", external_id=f"C-{i:05d}", status="allocated", priority=i % 3,
                 placed_at=now, promised_ship_at=now, warehouse_id=world.warehouse_id, version=1,
                 created_at=now, updated_at=now)
            for i in range(total)
        ])
        s.commit()
    url = ctx.engine.url.render_as_string(hide_password=False)
    stations = [f"STATION-{i}" for i in range(1, 5)]
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_claim_all, [url] * 4, stations))
    claimed = [n for r in results for n in r]
    assert len(claimed) == total
    assert len(set(claimed)) == total
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.kind == "claimed")) == total
        by_station = dict(s.execute(select(Station.name, func.count(Order.id)).join(Order, Order.station_id == Station.id).group_by(Station.name)).all())
        assert sum(by_station.values()) == total


@pytest.mark.slow
def test_concurrent_station_claim_commands(ctx):
    """The CLI as a subprocess, three at once: no order twice across their JSON lines."""
    _world(ctx, orders=30, stations=3)
    url = ctx.engine.url.render_as_string(hide_password=False)
    env = dict(os.environ)
    procs = [
        subprocess.Popen([sys.executable, "-m", "app.cli.main", "claim", "--db", url, "--station", f"STATION-{i}",
                          "--count", "30", "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in (1, 2, 3)
    ]
    numbers = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode in (0, 3), err
        numbers += [json.loads(line)["number"] for line in out.splitlines()]
    assert sorted(numbers) == sorted(set(numbers))
    assert len(numbers) == 30
