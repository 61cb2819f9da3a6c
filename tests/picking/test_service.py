from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import InvalidInput, StationError
from app.picking.service import PickService
from app.picking.session import DONE, OK, REFUSED, PickSession
from app.uow import Actor, UnitOfWork
from db.models import Bin, Order, OrderEvent, Replenishment, Stock
from tests.picking.helpers import make_order, make_warehouse

ACTOR = Actor(station="PICK-1", user="ann", role="packer")


@pytest.fixture
def stocked(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        wh = make_warehouse(uow.session)
        make_order(uow.session, wh, "SO-1", [("MUG-1", 2, "A03-12-2"), ("TEA-2", 1, "A07-25-1")])
        make_order(uow.session, wh, "SO-2", [("PEN-3", 1, "A09-05-3")])
        uow.commit()
    return ctx


def status_of(ctx, number):
    with UnitOfWork(ctx.sessions) as uow:
        order = uow.session.scalar(select(Order).where(Order.number == number))
        return order.status, [(l.sku, l.picked_quantity) for l in order.lines]


def kinds(ctx, number):
    with UnitOfWork(ctx.sessions) as uow:
        order = uow.session.scalar(select(Order).where(Order.number == number))
        return [e.kind for e in uow.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id))]


def test_a_batch_is_routed_and_picked_to_the_end(stocked):
    service = PickService(stocked.sessions, ACTOR)
    pick_list = service.start(["SO-1", "SO-2"])
    assert pick_list.totes == {"SO-1": 1, "SO-2": 2}
    assert {s.bin for s in pick_list.stops} == {"A03-12-2", "A07-25-1", "A09-05-3"}
    # the stops are in the route's order and the route length is that of this walk
    assert [s.key for s in pick_list.stops] == [p.id for p in pick_list.route.sequence]
    assert status_of(stocked, "SO-1")[0] == "picking"
    session = PickSession(service, pick_list)
    gtin = {"MUG-1": "]E05901234123457", "TEA-2": "09506000134352", "PEN-3": "]E04006381333931"}
    while not session.complete:
        stop = session.current
        assert session.handle_scan(stop.bin).verdict == OK
        for _ in range(stop.quantity):
            feedback = session.handle_scan(gtin[stop.sku])
            assert feedback.verdict in (OK, DONE)
    assert status_of(stocked, "SO-1") == ("picked", [("MUG-1", 2), ("TEA-2", 1)])
    assert status_of(stocked, "SO-2") == ("picked", [("PEN-3", 1)])
    assert kinds(stocked, "SO-1") == ["picking", "item_picked", "item_picked", "picked"]


def test_wrong_scans_change_nothing(stocked):
    service = PickService(stocked.sessions, ACTOR)
    session = PickSession(service, service.start(["SO-1"]))
    first = session.current
    other_bin = "A01-03-1" if first.bin != "A01-03-1" else "A01-05-1"
    assert session.handle_scan("05901234123457").verdict == REFUSED  # item before bin
    assert session.handle_scan(other_bin).verdict == REFUSED  # wrong bin
    assert session.handle_scan("A99-01-1").verdict == REFUSED  # a bin that does not exist
    assert "does not exist" in session.handle_scan("A99-01-1").message
    assert session.handle_scan(first.bin).verdict == OK
    assert session.handle_scan("04006381333931").verdict == REFUSED  # the pen is not this stop's item
    assert session.current is first and session.counted == 0
    assert status_of(stocked, "SO-1") == ("picking", [("MUG-1", 0), ("TEA-2", 0)])


def test_skip_and_return(stocked):
    service = PickService(stocked.sessions, ACTOR)
    session = PickSession(service, service.start(["SO-1"]))
    first = session.current
    assert session.skip().verdict == "info"
    assert session.current is not first and session.queue[-1] is first
    second = session.current
    session.handle_scan(second.bin)
    assert session.confirm_quantity(second.quantity).verdict == OK
    assert session.current is first
    assert session.skip().verdict == REFUSED  # the last stop cannot be skipped
    session.handle_scan(first.bin)
    assert session.confirm_quantity(first.quantity + 1).verdict == REFUSED
    assert session.confirm_quantity(first.quantity).verdict == DONE
    assert status_of(stocked, "SO-1")[0] == "picked"


def test_short_pick_backorders_and_corrects_the_bin(stocked):
    service = PickService(stocked.sessions, ACTOR)
    session = PickSession(service, service.start(["SO-1", "SO-2"]))
    while session.current.sku != "MUG-1":
        stop = session.current
        session.handle_scan(stop.bin)
        session.confirm_quantity(stop.quantity)
    mug = session.current
    session.handle_scan(mug.bin)
    assert session.handle_scan("05901234123457").verdict == OK  # one of the two found
    feedback = session.short()
    assert "SO-1" in feedback.message and "tote 1" in feedback.message
    # the order left the cart; SO-2 goes on
    assert all(s.order != "SO-1" for s in session.queue)
    status, lines = status_of(stocked, "SO-1")
    # 9 mugs are still counted in A03-12-2 (one was missing): the confirmation rules re-allocate
    assert status == "allocated"
    assert lines == [("MUG-1", 0), ("TEA-2", 0)]
    events = kinds(stocked, "SO-1")
    assert events[-4:] == ["shortage", "backordered", "confirmed", "allocated"]
    with UnitOfWork(stocked.sessions) as uow:
        s = uow.session
        stock = s.scalar(select(Stock).join(Bin, Bin.id == Stock.bin_id).where(Bin.code == "A03-12-2"))
        assert stock.on_hand == 9  # one unit was missing
        requests = s.scalars(select(Replenishment)).all()
        assert any(r.quantity == 1 and r.status == "requested" for r in requests)


def test_bad_carts_are_refused(stocked):
    service = PickService(stocked.sessions, ACTOR)
    with pytest.raises(StationError):
        service.start(["NOPE"])
    with pytest.raises(InvalidInput):
        service.start(["SO-1", "SO-1"])
    service.start(["SO-2"])
    pick_list = service.pick_list(["SO-2"])
    stop = pick_list.stops[0]
    service.confirm(stop, 1)
    with pytest.raises(InvalidInput):  # already picked: no longer being picked
        service.confirm(stop, 1)
    with pytest.raises(InvalidInput):
        service.start(["SO-2"])  # picked orders cannot go on a cart again


def test_short_pick_with_no_stock_left_stays_backordered(stocked):
    service = PickService(stocked.sessions, ACTOR)
    session = PickSession(service, service.start(["SO-2"]))
    stop = session.current
    session.handle_scan(stop.bin)
    with UnitOfWork(stocked.sessions) as uow:  # the bin is in fact nearly empty, and nowhere else has pens
        stock = uow.session.scalar(select(Stock).join(Bin, Bin.id == Stock.bin_id).where(Bin.code == "A09-05-3"))
        stock.on_hand = 1
        uow.commit()
    session.short()
    assert status_of(stocked, "SO-2")[0] == "backordered"
    assert session.complete


def test_two_stations_never_pick_one_order(stocked):
    PickService(stocked.sessions, ACTOR).start(["SO-1"])
    other = PickService(stocked.sessions, Actor(station="PICK-2", user="bob", role="packer"))
    with pytest.raises(StationError, match="being picked at PICK-1"):
        other.start(["SO-1"])
    # the first station may reopen its own cart after a restart
    again = PickService(stocked.sessions, ACTOR).start(["SO-1"])
    assert {s.order for s in again.stops} == {"SO-1"}
    assert kinds(stocked, "SO-1") == ["picking"]


def test_bins_are_known_from_the_database_whatever_their_numbering(ctx):
    # Bins made by other means (the demo numbers slots from 0.5 m) are picked from as the database says.
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        wh = make_warehouse(s)
        odd = Bin(warehouse_id=wh.id, code="A05-15-1", zone="A", aisle=5, position=14.5, side="L", level=1)
        s.add(odd)
        s.flush()
        pen = s.scalar(select(Stock).join(Bin, Bin.id == Stock.bin_id).where(Bin.code == "A09-05-3"))
        s.add(Stock(product_id=pen.product_id, bin_id=odd.id, warehouse_id=wh.id, on_hand=4))
        s.flush()
        make_order(s, wh, "SO-9", [("PEN-3", 2, "A05-15-1")])
        uow.commit()
    service = PickService(ctx.sessions, ACTOR)
    session = PickSession(service, service.start(["SO-9"]))
    assert session.current.bin == "A05-15-1" and session.current.position == 14.5
    assert "does not exist" in session.handle_scan("A05-16-9").message
    assert session.handle_scan("A05-15-1").verdict == OK
    assert session.confirm_quantity(2).verdict == DONE
    assert status_of(ctx, "SO-9")[0] == "picked"
