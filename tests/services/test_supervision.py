import pytest
from sqlalchemy import select

from app.errors import ConcurrencyConflict, InvalidInput, PermissionDenied
from app.services import supervision as sv
from app.services.claim import claim_next
from app.services.uow import Actor
from db.base import utcnow
from db.models import Order, OrderEvent, OrderLine, User
from app.services.timeline import add_event
from tests.ui.factories import make_world

SUPER = Actor(station="STATION-9", user="super1", role="supervisor")
PACKER = Actor(station="STATION-1", user="packer1", role="packer")


@pytest.fixture
def world(ctx):
    with ctx.sessions() as s:
        w = make_world(s, orders=5)
        s.commit()
    return w


def _order(ctx, number):
    with ctx.sessions() as s:
        o = s.scalar(select(Order).where(Order.number == number))
        return o, [e.kind for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == o.id).order_by(OrderEvent.id))]


def test_reassign_mid_pack_keeps_progress_and_goes_to_the_new_station(ctx, world):
    order = claim_next(ctx.sessions, "STATION-1", PACKER)
    with ctx.sessions() as s:
        line = s.scalars(select(OrderLine).join(Order).where(Order.number == order.number)).first()
        line.packed_quantity = 1
        s.commit()
    sv.reassign_station(ctx.sessions, order.number, "STATION-2", SUPER)
    moved, kinds = _order(ctx, order.number)
    assert moved.status == "allocated" and moved.station_id == world.station_ids["STATION-2"]
    assert kinds == ["claimed", "reassigned"]
    again = claim_next(ctx.sessions, "STATION-2", Actor(station="STATION-2", user="packer2", role="packer"))
    assert again.number == order.number
    with ctx.sessions() as s:
        assert s.scalars(select(OrderLine.packed_quantity).join(Order).where(Order.number == order.number)).first() == 1


def test_role_and_version_checks(ctx, world):
    number = world.order_numbers[0]
    with pytest.raises(PermissionDenied):
        sv.set_priority(ctx.sessions, number, 2, PACKER)
    o, _ = _order(ctx, number)
    sv.set_priority(ctx.sessions, number, 2, SUPER, expected_version=o.version)
    with pytest.raises(ConcurrencyConflict, match="changed by someone else"):
        sv.set_priority(ctx.sessions, number, 1, SUPER, expected_version=o.version)
    with pytest.raises(InvalidInput):
        sv.set_priority(ctx.sessions, number, 7, SUPER)
    assert _order(ctx, number)[0].priority == 2


def test_hold_and_release_return_the_order_to_where_it_was(ctx, world):
    number = world.order_numbers[1]
    with pytest.raises(InvalidInput, match="reason"):
        sv.hold(ctx.sessions, number, "  ", SUPER)
    sv.hold(ctx.sessions, number, "customer called", SUPER)
    assert _order(ctx, number)[0].status == "on_hold"
    sv.release(ctx.sessions, number, SUPER)
    o, kinds = _order(ctx, number)
    assert o.status == "allocated" and kinds == ["held", "released"]
    # Held mid-pack: released to the queue, not back to packing.
    claimed = claim_next(ctx.sessions, "STATION-1", PACKER)
    sv.hold(ctx.sessions, claimed.number, "damaged box", SUPER)
    sv.release(ctx.sessions, claimed.number, SUPER)
    assert _order(ctx, claimed.number)[0].status == "allocated"


def test_reassign_warehouse_and_station_stats(ctx, world):
    number = world.order_numbers[2]
    sv.reassign_warehouse(ctx.sessions, number, "BJ1", SUPER)
    o, kinds = _order(ctx, number)
    assert o.warehouse_id == world.warehouse2_id and "warehouse_changed" in kinds and o.status == "allocated"
    with pytest.raises(InvalidInput, match="another warehouse"):
        sv.reassign_station(ctx.sessions, number, "STATION-1", SUPER)
    claimed = claim_next(ctx.sessions, "STATION-1", PACKER)
    with ctx.sessions() as s:
        user = s.scalar(select(User).where(User.username == "packer1"))
    sv.sign_in(ctx.sessions, "STATION-1", user.id)
    with ctx.sessions() as s:
        o = s.scalar(select(Order).where(Order.number == world.order_numbers[3]))
        add_event(s, o, "packed", PACKER)
        s.commit()
        stats = {st.name: st for st in sv.station_stats(s)}
    assert stats["STATION-1"].user == "Packer One"
    assert stats["STATION-1"].current_order == claimed.number
    assert stats["STATION-1"].done_today == 1 and stats["STATION-1"].done_last_hour == 1
    assert stats["STATION-2"].user is None and stats["STATION-2"].done_today == 0


def test_ensure_station_creates_once(ctx, world):
    sv.ensure_station(ctx.sessions, "STATION-NEW", "SH1")
    sv.ensure_station(ctx.sessions, "STATION-NEW", "SH1")
    with ctx.sessions() as s:
        assert [st.name for st in sv.station_stats(s)].count("STATION-NEW") == 1


def test_reassign_an_allocated_order_to_another_warehouse_reserves_there(ctx, world):
    from app.services.confirmation import confirm
    from db.models import Reservation, Stock

    number = world.order_numbers[4]
    with ctx.sessions() as s:
        o = s.scalar(select(Order).where(Order.number == number))
        o.status = "review"
        s.flush()
        assert confirm(s, o, SUPER) == "allocated"
        s.commit()
    sv.reassign_warehouse(ctx.sessions, number, "BJ1", SUPER)
    o, kinds = _order(ctx, number)
    assert o.status == "allocated" and o.warehouse_id == world.warehouse2_id
    with ctx.sessions() as s:
        warehouses = set(s.scalars(select(Stock.warehouse_id).join(Reservation, Reservation.stock_id == Stock.id)
                                   .where(Reservation.order_id == o.id)))
        assert warehouses == {world.warehouse2_id}


def test_a_station_that_stops_beating_is_shown_silent_not_at_work(ctx, world):
    from datetime import timedelta

    with ctx.sessions() as s:
        user = s.scalar(select(User).where(User.username == "packer1"))
    sv.sign_in(ctx.sessions, "STATION-1", user.id)
    later = utcnow() + sv.PRESENCE_TIMEOUT + timedelta(seconds=5)
    with ctx.sessions() as s:
        fresh = {st.name: st for st in sv.station_stats(s)}["STATION-1"]
        stale = {st.name: st for st in sv.station_stats(s, now=later)}["STATION-1"]
    assert fresh.user == "Packer One" and not fresh.silent
    assert stale.user == "Packer One" and stale.silent
    sv.heartbeat(ctx.sessions, "STATION-1")
    with ctx.sessions() as s:
        beat = {st.name: st for st in sv.station_stats(s, now=utcnow() + sv.PRESENCE_TIMEOUT / 2)}["STATION-1"]
        nobody = {st.name: st for st in sv.station_stats(s, now=later)}["STATION-2"]
    assert not beat.silent and beat.last_seen_at is not None
    assert nobody.user is None and not nobody.silent  # nobody logged in: nothing to be silent about
