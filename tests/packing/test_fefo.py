"""First expired, first out (issue 18, item 4): confirmation reserves the first-expiring lot that may still be
sent (not expired, not within the product's minimum remaining shelf life), the pick list names it, and the pack
check refuses another lot unless a supervisor's badge allows it; the reservation then follows the goods."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.orders.confirmation import confirm
from app.packing.answers import COMPLETE, OK, REFUSED
from app.picking.service import _stops_for_order
from app.uow import Actor
from db.models import Bin, Order, OrderEvent, Product, Reservation, Stock
from tests.packing.factories import gs1, make_order

SUPERVISOR = Actor(station="PACK-1", user="boss", role="supervisor")
TODAY = date.today()


def _lots(ctx, min_shelf_life_days: int = 30) -> None:
    """Face cream in four lots on four shelves (none in the bench's own undated row, emptied): one expired, one
    inside the 30 days the product must still have, one expiring in 60 days, one in 200."""
    with ctx.sessions() as s:
        cream = s.scalar(select(Product).where(Product.sku == "P-CREAM"))
        cream.min_shelf_life_days = min_shelf_life_days
        undated = s.scalar(select(Stock).where(Stock.product_id == cream.id))
        undated.on_hand = 0
        warehouse_id = undated.warehouse_id
        for n, (lot, days, units) in enumerate((("OLD", -1, 50), ("NEAR", 10, 50), ("SOON", 60, 20), ("LATE", 200, 100)),
                                               start=2):
            shelf = Bin(warehouse_id=warehouse_id, code=f"A01-0{n}-1", aisle=1, position=float(n))
            s.add(shelf)
            s.flush()
            s.add(Stock(product_id=cream.id, bin_id=shelf.id, warehouse_id=warehouse_id, on_hand=units, reserved=0,
                        lot=lot, expiry=TODAY + timedelta(days=days)))
        s.commit()


def _confirmed(ctx, quantity: int) -> str:
    with ctx.sessions() as s:
        order = make_order(s, [("P-CREAM", quantity)], status="review", reserve=False)
        status = confirm(s, order, SUPERVISOR)
        s.commit()
        assert status == "allocated", status
        return order.number


def _reserved(ctx, number: str) -> dict[str, int]:
    with ctx.sessions() as s:
        return dict(s.execute(
            select(Stock.lot, func.sum(Reservation.quantity)).join(Stock, Stock.id == Reservation.stock_id)
            .join(Order, Order.id == Reservation.order_id).where(Order.number == number).group_by(Stock.lot)).all())


def test_confirmation_reserves_the_first_expiring_lot_that_may_still_be_sent(ctx, bench):
    _lots(ctx)
    small = _confirmed(ctx, 3)
    assert _reserved(ctx, small) == {"SOON": 3}  # not OLD (expired), not NEAR (10 days < 30 required)
    big = _confirmed(ctx, 25)
    assert _reserved(ctx, big) == {"SOON": 17, "LATE": 8}  # SOON emptied first, the rest from the next lot
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == big))
        confirmed = s.scalar(select(OrderEvent.data).where(OrderEvent.order_id == order.id, OrderEvent.kind == "confirmed"))
        assert confirmed["lots"] == ["LATE", "SOON"]
        # The pick list sends the picker to those lots, first-expiring first, and says which.
        for line in order.lines:
            line.picked_quantity = 0  # (the bench's orders come picked)
        stops, unlocated = _stops_for_order(s, order, 1)
    assert unlocated == []
    assert [(stop.lot, stop.quantity, stop.expiry) for stop in stops] == [
        ("SOON", 17, TODAY + timedelta(days=60)), ("LATE", 8, TODAY + timedelta(days=200))]
    assert stops[0].key != stops[1].key


def test_stock_inside_the_minimum_shelf_life_is_not_sold(ctx, bench):
    _lots(ctx, min_shelf_life_days=365)  # only undated stock could go: there is none
    with ctx.sessions() as s:
        order = make_order(s, [("P-CREAM", 1)], status="review", reserve=False)
        assert confirm(s, order, SUPERVISOR) == "backordered"
        s.commit()
        assert s.scalar(select(func.count()).select_from(Reservation).where(Reservation.order_id == order.id)) == 0


def test_the_pack_check_refuses_another_lot_unless_a_supervisor_allows_it(ctx, bench, make_service):
    _lots(ctx)
    number = _confirmed(ctx, 2)
    with ctx.sessions() as s:  # picked, as the cart would have done
        order = s.scalar(select(Order).where(Order.number == number))
        order.status = "picked"
        for line in order.lines:
            line.picked_quantity = line.quantity
        s.commit()
    service = make_service()
    service.open(number)
    view = service.view()
    assert view is not None and view.lines[0].reserved_lots == ("SOON",)  # the pack screen says which lot to take
    late = (TODAY + timedelta(days=200)).strftime("%y%m%d")
    soon = (TODAY + timedelta(days=60)).strftime("%y%m%d")
    refused = service.scan(gs1(bench.gtins["P-CREAM"], lot="LATE", expiry=late))
    assert (refused.verdict, refused.reason, refused.next_step) == (REFUSED, "wrong_lot", "supervisor_badge")
    assert "SOON" in refused.message.text() and "LATE" in refused.message.text()
    assert "SOON" in refused.message.text("zh_CN") and "批号" in refused.message.text("zh_CN")
    # A packer's badge does not allow it.
    packer = service.scan(bench.packer_badge)
    assert (packer.verdict, packer.reason, packer.next_step) == (REFUSED, "not_supervisor", "supervisor_badge")
    # The packer takes a unit of the reserved lot instead and scans its lot label, then its expiry.
    lot = service.scan("SOON")
    assert (lot.verdict, lot.next_step) == (OK, "capture_expiry")
    first = service.scan(soon)
    assert first.verdict == OK and first.packed == 1
    # The second unit is from the later lot again; this time a supervisor allows it.
    assert service.scan(gs1(bench.gtins["P-CREAM"], lot="LATE", expiry=late)).reason == "wrong_lot"
    allowed = service.scan(bench.supervisor_badge)
    assert allowed.verdict == COMPLETE, allowed
    assert _reserved(ctx, number) == {"SOON": 1, "LATE": 1}  # the reservation follows the goods
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        event = s.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == "lot_allowed"))
        assert event is not None and event.user == "boss"
        assert event.data == {"sku": "P-CREAM", "lot": "LATE", "reserved": ["SOON"], "units": 1, "stock_moved": True}
        # Stock stays exact: each lot's reservations are what its row holds reserved.
        rows = dict(s.execute(select(Stock.lot, Stock.reserved).where(Stock.lot.in_(("SOON", "LATE")))).all())
        assert rows == {"SOON": 1, "LATE": 1}


def test_stock_without_a_lot_on_record_takes_any_lot(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CREAM", 1)])  # reserved on the bench's undated row, with no lot
    service = make_service()
    service.open(number)
    answer = service.scan(gs1(bench.gtins["P-CREAM"], lot="ANY", expiry=(TODAY + timedelta(days=90)).strftime("%y%m%d")))
    assert answer.verdict == COMPLETE
