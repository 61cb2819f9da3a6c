import pytest
from sqlalchemy import select, update

from app.errors import ConcurrencyConflict, InvalidInput, PermissionDenied
from app.orders import supervision as sv
from app.orders.claim import claim_next
from app.uow import Actor
from db.base import utcnow
from db.models import Order, OrderEvent, OrderLine, User, Warehouse
from app.orders.timeline import add_event
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


def test_ensure_station_refuses_an_unknown_name_and_registers_only_when_asked(ctx, world):
    from app.errors import NotFound

    with pytest.raises(NotFound, match="no station named STATION-NEW: register it with 'station stations add "
                                       "STATION-NEW'"):
        sv.ensure_station(ctx.sessions, "STATION-NEW", "SH1")
    sv.ensure_station(ctx.sessions, "STATION-NEW", "SH1", register=True)  # the demo's and the benchmarks' way
    sv.ensure_station(ctx.sessions, "STATION-NEW", "SH1")
    with ctx.sessions() as s:
        assert [st.name for st in sv.station_stats(s)].count("STATION-NEW") == 1


def test_reassign_an_allocated_order_to_another_warehouse_reserves_there(ctx, world):
    from app.orders.confirmation import confirm
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


# --- back to the queue: picked, mid-pack and packed orders -----------------------------------------------

def _lines(ctx, number):
    with ctx.sessions() as s:
        return [(l.quantity, l.picked_quantity, l.packed_quantity) for l in
                s.scalars(select(OrderLine).join(Order).where(Order.number == number).order_by(OrderLine.line_no))]


def _set_lines(ctx, number, status, station_id, quantities):
    """The order's status and station, and each line's (picked, packed) units."""
    with ctx.sessions() as s:
        o = s.scalar(select(Order).where(Order.number == number))
        o.status, o.station_id = status, station_id
        for line, (picked, packed) in zip(sorted(o.lines, key=lambda l: l.line_no), quantities):
            line.picked_quantity, line.packed_quantity = picked, packed
        s.commit()


def test_a_picked_order_goes_back_to_the_queue_with_its_picks(ctx, world):
    number = world.order_numbers[0]  # lines of 1 and 2 units
    _set_lines(ctx, number, "picked", world.station_ids["STATION-1"], [(1, 0), (2, 0)])
    sv.reassign_station(ctx.sessions, number, None, SUPER)
    o, kinds = _order(ctx, number)
    assert (o.status, o.station_id, kinds[-1]) == ("picked", None, "reassigned")
    assert _lines(ctx, number) == [(1, 1, 0), (2, 2, 0)]
    # The most urgent order now: the first station of the warehouse to ask claims it, to pack, not to pick again.
    sv.set_priority(ctx.sessions, number, 2, SUPER)
    with ctx.sessions() as s:
        s.execute(update(Order).where(Order.number != number).values(priority=0))
        s.commit()
    assert claim_next(ctx.sessions, "STATION-2", Actor(station="STATION-2", user="packer2", role="packer")).number == number


def test_a_picked_order_taken_off_a_bench_mid_pack_waits_as_picked_not_to_be_picked_again(ctx, world):
    number = world.order_numbers[0]
    _set_lines(ctx, number, "packing", world.station_ids["STATION-1"], [(1, 1), (2, 0)])
    sv.reassign_station(ctx.sessions, number, None, SUPER)
    o, _ = _order(ctx, number)
    assert (o.status, o.station_id) == ("picked", None)
    assert _lines(ctx, number) == [(1, 1, 1), (2, 2, 0)]  # the box keeps its tick, the tote its units


def test_an_order_packed_at_the_bench_without_a_pick_cart_keeps_what_is_boxed(ctx, world):
    from app.picking.service import PickService

    number = world.order_numbers[0]
    _set_lines(ctx, number, "packing", world.station_ids["STATION-1"], [(0, 1), (0, 1)])
    sv.reassign_station(ctx.sessions, number, "STATION-2", SUPER)
    o, _ = _order(ctx, number)
    assert (o.status, o.station_id) == ("allocated", world.station_ids["STATION-2"])
    # A boxed unit is a picked unit: the lines stay whole (packed <= picked <= ordered) ...
    assert _lines(ctx, number) == [(1, 1, 1), (2, 1, 1)]
    # ... and a pick cart goes only for the one unit still on the shelf.
    with ctx.sessions() as s:
        s.get(Warehouse, world.warehouse_id).layout = {"aisles": 2, "aisle_width": 3.0, "aisle_length": 30.0,
                                                       "cross_aisles": [0.0, 30.0], "depot": {"x": 0.0, "y": 0.0}}
        s.commit()
    pick_list = PickService(ctx.sessions, PACKER).pick_list([number])
    assert [(stop.sku, stop.quantity) for stop in pick_list.stops + pick_list.unlocated] == [("SKU-002", 1)]


@pytest.mark.parametrize("status", ["packed", "labelled"])
def test_a_packed_order_is_not_moved_back_to_the_queue_and_nothing_changes(ctx, world, status):
    number = world.order_numbers[0]
    _set_lines(ctx, number, status, world.station_ids["STATION-1"], [(1, 1), (2, 2)])
    before, kinds_before = _order(ctx, number)
    for target in (None, "STATION-2"):
        with pytest.raises(InvalidInput, match=f"already {status}: its boxes are closed.*hold it"):
            sv.reassign_station(ctx.sessions, number, target, SUPER)
    after, kinds = _order(ctx, number)
    assert (after.status, after.station_id, after.version) == (status, world.station_ids["STATION-1"], before.version)
    assert kinds == kinds_before and _lines(ctx, number) == [(1, 1, 1), (2, 2, 2)]


@pytest.mark.parametrize("status", ["picked", "packed", "labelled"])
def test_a_held_order_is_released_to_where_its_goods_are(ctx, world, status):
    number = world.order_numbers[0]
    _set_lines(ctx, number, status, world.station_ids["STATION-1"], [(1, 1 if status != "picked" else 0),
                                                                     (2, 2 if status != "picked" else 0)])
    sv.hold(ctx.sessions, number, "customer called", SUPER)
    sv.release(ctx.sessions, number, SUPER)
    o, kinds = _order(ctx, number)
    assert o.status == status and kinds[-2:] == ["held", "released"]


def test_held_mid_pack_with_every_unit_picked_is_released_as_picked(ctx, world):
    number = world.order_numbers[0]
    _set_lines(ctx, number, "packing", world.station_ids["STATION-1"], [(1, 1), (2, 0)])
    sv.hold(ctx.sessions, number, "damaged box", SUPER)
    sv.release(ctx.sessions, number, SUPER)
    assert _order(ctx, number)[0].status == "picked"
    assert _lines(ctx, number) == [(1, 1, 1), (2, 2, 0)]
