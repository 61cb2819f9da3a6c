"""Replenishment requests become expected deliveries (issue 18, item 1), on SQLite and PostgreSQL: a backorder's
request ordered from a supplier is one delivery with a line a product, received at goods in like any other, releasing
the backorder; closing it marks the requests received; ``station deliveries order`` feeds the same service."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.domain import lifecycle as lc
from app.errors import InvalidInput, PermissionDenied
from app.goodsin import service
from app.orders.confirmation import confirm
from app.uow import Actor, UnitOfWork
from db.models import Order, Replenishment
from tests.goodsin.conftest import DOCK, TODAY
from tests.shipping.factories import packed_order

BOSS = Actor(station="DOCK-1", user="boss", role="supervisor")


def _backordered(ctx, number: str, sku: str, quantity: int) -> None:
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s, lines=((sku, quantity),), status=lc.REVIEW, number=number)
        assert confirm(s, order, BOSS) == lc.BACKORDERED  # nothing in stock: a replenishment request is written
        uow.commit()


def _requests(ctx) -> list[tuple[str, int, str, int | None]]:
    with ctx.sessions() as s:
        return [(r.status, r.quantity, r.order_id and s.get(Order, r.order_id).number, r.delivery_id)
                for r in s.scalars(select(Replenishment).order_by(Replenishment.id))]


def test_requests_ordered_become_one_expected_delivery_received_like_any_other(ctx, dock):
    _backordered(ctx, "WS-R1", "LAMP-1", 2)
    _backordered(ctx, "WS-R2", "LAMP-1", 1)
    assert [(status, quantity) for status, quantity, _, _ in _requests(ctx)] == [("requested", 2), ("requested", 1)]
    with pytest.raises(PermissionDenied):
        service.order_replenishments(ctx.sessions, DOCK, warehouse="SH1", supplier="Lampenwerk")
    state = service.order_replenishments(ctx.sessions, BOSS, warehouse="SH1", supplier="Lampenwerk AG",
                                         reference="PO-900", expected_on=date(2026, 12, 9))
    assert (state.reference, state.supplier, state.status) == ("PO-900", "Lampenwerk AG", "expected")
    assert [(line.sku, line.expected) for line in state.lines] == [("LAMP-1", 3)]
    assert [(status, delivery) for status, _, _, delivery in _requests(ctx)] == [("ordered", d) for d in
                                                                                [_requests(ctx)[0][3]] * 2]
    with pytest.raises(InvalidInput, match="no replenishment request waits"):
        service.order_replenishments(ctx.sessions, BOSS, warehouse="SH1", supplier="Lampenwerk AG")
    # Goods in: the delivery opens by the supplier's order number; the lamps released the backorders.
    service.open_delivery(ctx.sessions, DOCK, "PO-900")
    lamps = service.receive(ctx.sessions, DOCK, state.number, "LAMP-1", quantity=3, today=TODAY)
    assert lamps.verdict == "ok" and lamps.entry_id is not None
    done = service.put_away(ctx.sessions, DOCK, lamps.entry_id, lamps.proposed_bin)
    assert sorted(done.released) == ["WS-R1", "WS-R2"]
    closed = service.close_delivery(ctx.sessions, DOCK, state.number)
    assert closed.exact
    assert [status for status, *_ in _requests(ctx)] == ["received", "received"]


def test_station_deliveries_order_feeds_the_same_service(ctx, dock, capsys, monkeypatch):
    from app.admin.auth import hash_pin
    from db.models import User

    with UnitOfWork(ctx.sessions) as uow:
        uow.session.add(User(username="boss", display_name="Boss", role="supervisor", badge_code="B-BOSS",
                             pin_hash=hash_pin("2468")))
        uow.commit()
    _backordered(ctx, "WS-R3", "LAMP-1", 4)
    url = ctx.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("STATION_PIN", "2468")
    code = main(["--db", url, "deliveries", "order", "--warehouse", "SH1", "--supplier", "Lampenwerk AG",
                 "--expected", "2026-12-10", "--user", "boss", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    made = json.loads(out)
    assert made["reference"] == made["number"] and [(l["sku"], l["expected"]) for l in made["lines"]] == [("LAMP-1", 4)]
    code = main(["--db", url, "deliveries", "order", "--warehouse", "SH1", "--supplier", "X", "--expected", "soon",
                 "--user", "boss"])
    assert code != 0 and "--expected" in capsys.readouterr().err
